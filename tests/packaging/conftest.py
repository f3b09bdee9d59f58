"""The `package` marker: tests that build and install the packaged kiosk (minutes, not seconds)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "package: builds the .deb and runs the installed kiosk (several minutes)"
    )

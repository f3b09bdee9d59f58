"""Fixtures of the setup tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.setup.model_store import ModelManager


@pytest.fixture
def manager(private_data: Path) -> ModelManager:
    """An empty models folder of the test's own: the one `changgu` uses during the test too."""
    return ModelManager(root=private_data / "models")

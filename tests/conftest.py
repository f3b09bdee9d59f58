"""Shared fixtures: where the licensed test data lives (../shared, read in place)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asr.evaluation import Clip, load_manifest

REPO = Path(__file__).resolve().parent.parent


def _shared_dir() -> Path:
    return Path(os.environ.get("CHANGGU_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The `shared/` folder beside the clone (speech, sign and eval data, read in place)."""
    path = _shared_dir()
    if not path.is_dir():
        pytest.skip(f"test data folder {path} is absent (set CHANGGU_SHARED to its location)")
    return path


@pytest.fixture(scope="session")
def clips(shared_dir: Path) -> list[Clip]:
    """The speech clips of shared/speech (the Korean ones are evaluation-only: read in place)."""
    return load_manifest(shared_dir / "speech")


@pytest.fixture(scope="session")
def clip_by_id(clips: list[Clip]) -> dict[str, Clip]:
    return {c.id: c for c in clips}

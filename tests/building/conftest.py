"""Fixtures for the building tier: a real `changgu serve` on loopback (Ray Serve, the installed
Whisper base, a tiny real CTranslate2 translation pack) and the kiosk's own speech engine."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, load_audio
from asr.evaluation import Clip
from kiosk.runtime.speech import SpeechModels
from tests.building.running import RunningServer
from tests.conftest import require
from tests.translate.mt_models import word_pack
from translate.mt.pack import install_pack

# A short visit: three Korean sentences from shared/speech, each followed by a pause.
VISIT = ("ko_sub100112a00250", "ko_sub100112a00248", "ko_sub100112a00247")
# What the tiny translation pack (English → Vietnamese, word by word) knows.
WORDS = {"hello": "xin", "office": "van", "thanks": "cam"}


def need_ray() -> None:
    require(
        importlib.util.find_spec("ray") is not None,
        "Ray Serve (the building server) is not installed",
        "`make test` installs it (pip install -e '.[dev,server]')",
    )


@pytest.fixture(scope="session")
def mt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    packs = tmp_path_factory.mktemp("packs")
    folder = word_pack(packs, "tiny-en-vi", "en", "vi", WORDS, ["the", "is", "where"])
    mt = tmp_path_factory.mktemp("mt")
    install_pack(folder, mt)
    return mt


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, mt_dir: Path) -> Iterator[RunningServer]:
    """One server for the tests that do not harm it."""
    need_ray()
    running = RunningServer(tmp_path_factory.mktemp("server"), mt_dir).start()
    yield running
    running.stop()
    running.remove()


@pytest.fixture
def own_server(tmp_path: Path, mt_dir: Path) -> Iterator[RunningServer]:
    """A server of the test's own, to kill and restart."""
    need_ray()
    running = RunningServer(tmp_path / "server", mt_dir)
    yield running
    running.stop(kill=True)
    running.remove()


@pytest.fixture(scope="session")
def speech_models() -> SpeechModels:
    return SpeechModels()


def visit_audio(clip_by_id: dict[str, Clip], ids: tuple[str, ...] = VISIT) -> np.ndarray:
    gap = np.zeros(int(1.2 * SAMPLE_RATE), dtype=np.float32)
    parts = [part for cid in ids for part in (load_audio(clip_by_id[cid].path), gap)]
    return np.concatenate(parts)

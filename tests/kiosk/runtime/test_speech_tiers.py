"""Choosing the speech model: the largest installed one whose finals fit the budget on this PC.

A large Whisper model cannot be had here (nor would it fit CI), so whisper-base's own files are
installed a second time under a manifest entry of a large size: a stand-in "large" model that is
really timed, by the real measurement (the kiosk's final decode of the self-test recording). The
budget decides which one fits, as a slower or faster PC would.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.runtime.engines import Engines
from kiosk.runtime.speech_tiers import CACHE_FILE, choose_speech_model
from kiosk.setup import paths
from kiosk.setup.model_store import ModelManager, load_manifest
from kiosk.setup.settings import Settings

STANDIN = "whisper-large-standin"


@pytest.fixture(scope="module")
def two_models(tmp_path_factory: pytest.TempPathFactory) -> ModelManager:
    """A models folder with whisper-base and a stand-in ten times its size (base's files)."""
    specs = load_manifest()
    base = next(s for s in specs if s.name == "whisper-base")
    standin = replace(
        base,
        name=STANDIN,
        default=False,
        size_mb=base.size_mb * 10,
        files=dict.fromkeys(base.files, ""),  # recorded at install, as for small/medium
        sources=(),
        quantize="",  # stored as given, as small/medium are
        source_files={},
    )
    root = tmp_path_factory.mktemp("models")
    manager = ModelManager(root, [*specs, standin])
    installed = ModelManager().folder("whisper-base")  # installed by `make test`
    manager.install("whisper-base", installed)
    manager.install(STANDIN, installed)
    return manager


def test_the_largest_model_that_fits_the_budget_runs(two_models: ModelManager, tmp_path: Path):
    choice = choose_speech_model(two_models, budget_s=30.0, cache_dir=tmp_path)
    assert choice.model == STANDIN
    assert set(choice.decode_s) == {STANDIN}  # the largest fitted: nothing smaller was timed
    assert 0 < choice.decode_s[STANDIN] < 30
    assert "a final takes" in choice.reason and "budget 30.0 s" in choice.reason


def test_on_a_pc_too_slow_for_every_model_the_fastest_runs_and_timings_are_kept(
    two_models: ModelManager, tmp_path: Path
):
    choice = choose_speech_model(two_models, budget_s=0.001, cache_dir=tmp_path)
    assert set(choice.decode_s) == {STANDIN, "whisper-base"}
    assert choice.model == min(choice.decode_s, key=choice.decode_s.__getitem__)
    assert "the fastest installed" in choice.reason and "too slow" not in choice.reason
    kept = json.loads((tmp_path / CACHE_FILE).read_text())
    assert len(kept) == 2 and all(isinstance(v, float) for v in kept.values())
    # the next start chooses from the kept timings (a new measurement would differ)
    again = choose_speech_model(two_models, budget_s=0.001, cache_dir=tmp_path)
    assert again == choice
    # a budget between the two: the larger is too slow, the smaller fits
    low, high = sorted(choice.decode_s.values())
    if low < high:
        between = choose_speech_model(two_models, budget_s=(low + high) / 2, cache_dir=tmp_path)
        fits = min(choice.decode_s, key=choice.decode_s.__getitem__)
        assert between.model == fits
        if fits == "whisper-base":
            assert f"{STANDIN} too slow" in between.reason


def test_staff_choice_in_settings_wins_without_timing(two_models: ModelManager, tmp_path: Path):
    choice = choose_speech_model(two_models, "whisper-base", budget_s=30.0, cache_dir=tmp_path)
    assert choice.model == "whisper-base" and "chosen in Settings" in choice.reason
    assert choice.decode_s == {} and not (tmp_path / CACHE_FILE).exists()


def test_one_model_installed_is_used_without_timing(tmp_path: Path):
    choice = choose_speech_model(ModelManager(), cache_dir=tmp_path)
    assert choice.model == "whisper-base"
    assert choice.reason == "whisper-base: the only speech model installed"
    assert not (tmp_path / CACHE_FILE).exists()


def test_the_kiosks_speech_engine_says_which_model_runs_and_why():
    speech = Engines.real().speech
    assert speech is not None
    models = speech(Settings())
    assert models.tier is not None  # type: ignore[attr-defined]
    assert models.tier.model == "whisper-base"  # type: ignore[attr-defined]
    assert models.whisper.model_dir == paths.models_dir() / "whisper-base"  # type: ignore[attr-defined]

"""The self-test: its font and report logic, where the packaged build finds its models, and that
it checks what the models answer (a damaged model fails)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from kiosk.cli.doctor import Check, start_qt, summary
from kiosk.setup import paths, selftest
from tests.kiosk.setup.blocking import fails_if_blocked


@pytest.fixture(scope="module")
def families() -> set[str]:
    start_qt()
    from PySide6.QtGui import QFontDatabase

    found = set(QFontDatabase.families())
    if "Noto Sans Thai" not in found:
        pytest.skip("fonts-noto-core is not installed")
    return found


def test_every_language_renders_in_its_font(families: set[str]) -> None:
    checks = [selftest._render(s, families) for s in selftest.language_samples()]
    assert checks and all(c.ok for c in checks), [c for c in checks if not c.ok]


def test_missing_font_names_the_package_to_install(families: set[str]) -> None:
    check = selftest._render(selftest.SampleText("Thai", "ภาษาไทย", "Noto Sans Nowhere"), families)
    assert not check.ok and check.required
    assert check.name == "font for Thai"
    assert "missing" in check.detail and "fonts-noto-core" in check.fix


def test_font_without_the_glyphs_is_reported_as_tofu(families: set[str]) -> None:
    check = selftest._render(selftest.SampleText("Thai", "ภาษาไทย", "Noto Sans CJK KR"), families)
    assert not check.ok
    assert "lacks U+0E" in check.detail


def test_missing_devices_warn_but_do_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    checks = [
        Check("model whisper-base", True, "installed"),
        Check("microphone", False, "no audio input found", required=False),
    ]
    assert summary(checks) == 0
    assert summary([*checks, Check("font for Thai", False, "missing")]) == 1
    assert "font for Thai" in capsys.readouterr().out


def test_a_crashing_probe_becomes_a_failed_check() -> None:
    def check_sign_model() -> list[Check]:
        raise RuntimeError("MediaPipe could not start")

    [check] = selftest._guarded(check_sign_model)
    assert not check.ok and check.required
    assert check.name == "sign model" and "MediaPipe could not start" in check.detail


def test_packaged_build_reads_models_from_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "opt" / "changgu"
    (bundle / "cache").mkdir(parents=True)
    (bundle / "cache" / "phrase-index-abc.npz").write_bytes(b"index")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "changgu"))
    monkeypatch.delenv("CHANGGU_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home-data"))

    assert paths.frozen_root() == bundle
    assert paths.models_dir() == bundle / "models"
    user = paths.data_dir()
    assert bundle not in user.parents  # user data stays per user
    assert (paths.cache_dir() / "phrase-index-abc.npz").read_bytes() == b"index"  # seeded

    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "elsewhere"))
    assert paths.models_dir() == tmp_path / "elsewhere" / "models"


def test_source_build_is_unchanged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path))
    assert paths.frozen_root() is None
    assert paths.models_dir() == tmp_path / "models"
    assert paths.cache_dir() == tmp_path / "cache"


# -- the self-test checks what the models answer ---------------------------------------------


def test_self_test_checks_model_outputs_on_the_installed_models(installed_models: Path) -> None:
    checks = [
        *selftest.check_speech_models(),
        *selftest.check_sign_model(),
        *selftest.check_phrase_model(),
    ]
    by_name = {c.name: c for c in checks}
    assert all(c.ok for c in checks if c.required), [c for c in checks if not c.ok]
    assert "0% of words wrong" in by_name["speech recognition (Whisper)"].detail
    assert (
        "found the signer's hand, nothing in a blank frame"
        in by_name["sign language (MediaPipe Holistic)"].detail
    )
    assert "matched fee.how_much" in by_name["phrase matching model (multilingual-e5-small)"].detail


def test_damaged_speech_model_fails_the_self_test(installed_models: Path, tmp_path: Path) -> None:
    """Weights scrambled in a way no checksum is there to see (a model installed without a known
    hash, as larger Whisper sizes are): it loads, runs without an exception, and must fail."""
    from dataclasses import replace

    from kiosk.runtime.speech import SpeechModels
    from kiosk.setup.model_manifest import load_manifest
    from kiosk.setup.model_store import ModelManager

    damaged = tmp_path / "usb" / "whisper-base"
    damaged.parent.mkdir()
    shutil.copytree(installed_models / "whisper-base", damaged)
    _scramble(damaged / "model.bin", "encoder/layer_2/")
    specs = [
        replace(s, files=dict.fromkeys(s.files, ""), quantize="", source_files={})
        if s.name == "whisper-base"
        else s
        for s in load_manifest()
    ]
    manager = ModelManager(root=tmp_path / "models", specs=specs)
    manager.install("whisper-base", source_path=damaged)
    manager.install("silero-vad", source_path=installed_models / "silero-vad")
    vad_path = manager.path_for("vad") / "silero_vad_v6.onnx"

    whisper, vad = selftest.check_speech_output(SpeechModels(manager), vad_path)
    assert not whisper.ok and whisper.required
    assert "changgu models install whisper-base" in whisper.fix
    assert vad.ok


def test_model_damaged_under_its_checksum_fails_the_self_test(
    installed_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    for name in ("whisper-base", "silero-vad"):
        shutil.copytree(installed_models / name, data / "models" / name)
    model = data / "models" / "whisper-base" / "model.bin"
    before = model.stat()
    _scramble(model, "encoder/layer_5/ffn")
    os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(data))
    [check] = selftest._guarded(selftest.check_speech_models)
    assert not check.ok and "does not match its checksum" in check.detail
    assert "changgu models install whisper-base" in check.detail


def test_a_pipe_in_an_installed_translation_pack_is_reported_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.translate.mt_models import word_pack
    from translate.mt import install_pack

    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "data"))
    mt_dir = paths.models_dir() / "mt"
    pack = word_pack(tmp_path / "usb", "words-id-en", "id", "en", {"kucing": "cat"}, ["satu"])
    config = install_pack(pack, mt_dir).path / "config.json"
    config.unlink()
    os.mkfifo(config)  # reading it would wait for a writer forever
    with fails_if_blocked():
        [check] = selftest._check_mt_packs()
    assert not check.ok and not check.required
    assert "config.json is missing or unreadable" in check.detail


def test_phrase_matcher_finds_the_known_phrase_without_an_index() -> None:
    from translate.embedding import E5Embedder
    from translate.phrasebook import Phrasebook

    text, _ = selftest.VISITOR_QUESTION
    found = selftest._rank_by_embedding(E5Embedder(), Phrasebook.load(), text)
    assert found[0] == selftest.KNOWN_PHRASE


def test_self_test_media_is_bundled_and_redistributable() -> None:
    readme = (selftest.selftest_file("README.md")).read_text(encoding="utf-8")
    for name in (selftest.SPEECH_CLIP, selftest.HAND_PHOTO):
        assert selftest.selftest_file(name).stat().st_size > 10_000
        assert name in readme
    assert "CC BY 4.0" in readme and "MIT" in readme
    assert "ko" not in selftest.SPEECH_CLIP.split("_")  # never Korean: that speech is NC-ND


def _scramble(model: Path, prefix: str) -> None:
    """Shuffle the bytes of the CTranslate2 variables named `prefix…` (same size, still loads)."""
    import struct

    import numpy as np

    blob = model.read_bytes()
    pos = 0

    def take(fmt: str) -> int:
        nonlocal pos
        (value,) = struct.unpack_from(fmt, blob, pos)
        pos += struct.calcsize(fmt)
        return int(value)

    def text() -> str:
        nonlocal pos
        n = take("H")
        out = blob[pos : pos + n - 1].decode()
        pos += n
        return out

    take("I"), text(), take("I")
    spans = []
    for _ in range(take("I")):
        name = text()
        for _ in range(take("B")):
            take("I")
        take("B")
        size = take("I")
        if name.startswith(prefix):
            spans.append((pos, size))
        pos += size
    assert spans, f"no variable named {prefix}…"
    rng = np.random.default_rng(0)
    with model.open("r+b") as fh:
        for start, size in spans:
            chunk = np.frombuffer(blob, np.uint8, size, start).copy()
            rng.shuffle(chunk)
            fh.seek(start)
            fh.write(chunk.tobytes())

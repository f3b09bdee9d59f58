"""The self-test's font and report logic, and where the packaged build finds its models (fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk import paths, selftest
from kiosk.commands.doctor import Check, summary


@pytest.fixture(scope="module")
def families() -> set[str]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    del app
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

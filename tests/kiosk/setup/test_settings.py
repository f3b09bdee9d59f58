"""Hand-edited settings never stop the kiosk: each bad value falls back to its
default and staff are told which setting was bad and what it must be."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.setup.settings import IDLE_TIMEOUT_S, MAX_SCREEN, OFFERED_LANGUAGES, Layout, Settings
from tests.kiosk.setup.blocking import PATIENCE_S, fails_if_blocked


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    return Settings.load(path)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('{"idle_timeout_s": 1e999}', "idle_timeout_s", "from 30 to 3600"),
        ('{"idle_timeout_s": 5}', "idle_timeout_s", "from 30 to 3600"),
        ('{"idle_timeout_s": 300.5}', "idle_timeout_s", "whole number"),
        ('{"staff_screen": 12345678901234567890123456789012345678901}', "staff_screen", "0 to 15"),
        ('{"visitor_screen": -1}', "visitor_screen", "0 to 15"),
        ('{"font_scale": NaN}', "font_scale", "1.0 to 2.0"),
        ('{"font_scale": "big"}', "font_scale", "1.0 to 2.0"),
        ('{"speak_translations": "false"}', "speak_translations", "true or false"),
        ('{"speak_translations": 1}', "speak_translations", "true or false"),
        ('{"languages": "en"}', "languages", "list of language codes"),
        ('{"languages": ["xx"]}', "languages", "at least one of"),
        ('{"layout": "diagonal"}', "layout", "two-windows, split, split-rotated"),
        ('{"layout": ["split"]}', "layout", "two-windows, split, split-rotated"),
        ('{"camera": ""}', "camera", "camera index"),
        ('{"camera": {"index": 0}}', "camera", "camera index"),
        ('{"speech_model": "whisper-huge"}', "speech_model", "whisper-base"),
        ('{"staff_device": ["a"]}', "staff_device", "microphone name"),
        ('{"pin": "12"}', "pin", "4 to 8 digits"),
        ('{"pin": "١٢٣٤"}', "pin", "4 to 8 digits"),
    ],
)
def test_out_of_range_setting_keeps_its_default_and_names_the_setting(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    settings = _load(tmp_path, text)
    assert getattr(settings, key) == getattr(Settings(), key)
    [problem] = settings.problems
    assert problem.startswith(f"setting {key!r}:") and words in problem
    assert "using the default" in problem


def test_unknown_language_codes_are_reported_and_the_known_ones_kept(tmp_path: Path) -> None:
    settings = _load(tmp_path, '{"languages": ["xx", "vi", "vi", "ko"]}')
    assert settings.languages == ("vi",)
    [problem] = settings.problems
    assert "'xx'" in problem and "'ko'" in problem and "left out" in problem


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{not json", "not JSON"),
        ('"a string"', "does not hold settings"),
        ('{"idle_timeout_s": ' + "9" * 5000 + "}", "damaged"),
        (" " * (2 << 20), "implausibly large"),
        ("\udcff", "damaged"),
    ],
)
def test_damaged_settings_file_gives_defaults_and_says_so(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    settings = Settings.load(path)
    assert settings == Settings()
    [problem] = settings.problems
    assert str(path) in problem and words in problem and "defaults used" in problem


def test_the_pin_is_never_shown_in_a_problem(tmp_path: Path) -> None:
    settings = _load(tmp_path, '{"pin": "98765x"}')
    assert settings.pin == "0000"
    assert "98765" not in settings.problems[0]


def test_loaded_values_fit_the_settings_screen(tmp_path: Path) -> None:
    """What loads is what the settings screen's controls can show (a 41-digit screen number
    once loaded and then crashed the screen staff would use to fix it)."""
    good = {
        "idle_timeout_s": IDLE_TIMEOUT_S[1],
        "staff_screen": MAX_SCREEN,
        "visitor_screen": 0,
        "font_scale": 2,
        "layout": "split-rotated",
        "languages": list(OFFERED_LANGUAGES[:2]),
        "speak_translations": True,
        "camera": 1,
        "pin": "12345678",
        "speech_model": "whisper-small",
    }
    settings = _load(tmp_path, json.dumps(good))
    assert settings.problems == []
    assert settings.layout is Layout.SPLIT_ROTATED and settings.camera == "1"
    assert settings.check() == []
    settings.save(tmp_path / "again.json")
    assert Settings.load(tmp_path / "again.json") == settings
    settings.idle_timeout_s = 10**40
    assert settings.check() and "idle_timeout_s" in settings.check()[0]


def test_doctor_names_each_bad_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli.doctor import check_settings

    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path))
    [check] = check_settings()
    assert check.ok and "no settings file yet" in check.detail
    (tmp_path / "settings.json").write_text(
        '{"idle_timeout_s": 1e999, "speak_translations": "false"}', encoding="utf-8"
    )
    checks = check_settings()
    assert [c.ok for c in checks] == [False, False] and not any(c.required for c in checks)
    assert "idle_timeout_s" in checks[0].detail and "speak_translations" in checks[1].detail
    assert "Settings on the staff screen" in checks[0].fix


def test_settings_saved_with_a_byte_order_mark_load_whole(tmp_path: Path) -> None:
    """Windows Notepad starts a UTF-8 file with a BOM; the PIN in it must still hold."""
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"pin": "4321", "idle_timeout_s": 60}).encode())
    settings = Settings.load(path)
    assert settings.problems == []
    assert settings.pin == "4321" and settings.idle_timeout_s == 60


@pytest.mark.parametrize("kind", ["pipe", "device", "folder"])
def test_a_settings_file_that_is_no_plain_file_gives_defaults_at_once(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "settings.json"
    if kind == "pipe":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    with fails_if_blocked():
        settings = Settings.load(path)
    assert settings == Settings()
    [problem] = settings.problems
    assert f"settings file {path} is not a plain file" in problem and "defaults used" in problem
    if kind == "pipe":  # what the message asks for puts a plain file in its place
        Settings(pin="2468").save(path)
        assert Settings.load(path).pin == "2468"


def test_doctor_names_a_pipe_in_place_of_the_settings_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "settings.json")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "doctor"],
        capture_output=True,
        text=True,
        timeout=PATIENCE_S * 3,
        env={**os.environ, "CHANGGU_CONFIG_DIR": str(tmp_path)},
    )
    assert result.returncode in (0, 1)  # the models, fonts and devices of this machine decide
    assert "[warn] settings: settings file" in result.stdout
    assert "is not a plain file" in result.stdout and "Traceback" not in result.stderr


def test_two_saves_at_once_each_write_a_file_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process saves between this one's writing and renaming: both saves succeed and
    the file holds one whole set of settings."""
    path = tmp_path / "settings.json"
    rename = os.replace
    interleaved: list[str] = []

    def other_process_saves_first(src: str | Path, dst: str | Path) -> None:
        if not interleaved:
            interleaved.append(str(src))
            Settings(pin="1111").save(path)
        rename(src, dst)

    monkeypatch.setattr(os, "replace", other_process_saves_first)
    Settings(pin="2222").save(path)
    assert interleaved
    loaded = Settings.load(path)
    assert loaded.problems == [] and loaded.pin == "2222"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temporary file left


def test_a_failed_save_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    Settings(pin="1357").save(path)
    before = path.read_bytes()

    def disk_fails(src: str | Path, dst: str | Path) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", disk_fails)
    with pytest.raises(OSError):  # the settings screen shows it as "not saved"
        Settings(pin="8642").save(path)
    assert path.read_bytes() == before and Settings.load(path).pin == "1357"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]

"""Scenario scripts are checked whole before anything starts: every recording and video named is
opened and its first frame decoded, so a script that names a file that cannot be played is refused
with its step named, instead of playing half a visit and then waiting for ever."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.demo.script import ScriptError, StepKind, demo_script, load_script


def script(tmp_path: Path, step: str) -> Path:
    path = tmp_path / "visit.toml"
    path.write_text(f'[[step]]\nkind = "visitor_lang"\nlang = "en"\n\n[[step]]\n{step}\n', "utf-8")
    return path


def test_the_bundled_visit_is_a_valid_script() -> None:
    kinds = {step.kind for step in demo_script().steps}
    assert {StepKind.SPEECH, StepKind.SIGN, StepKind.PHRASE} <= kinds
    # the visitor's own channel: a phrase pointed at, keys of their script, large text
    assert {StepKind.PICK, StepKind.KEYS, StepKind.TEXT_SIZE} <= kinds


@pytest.mark.parametrize(
    ("step", "why"),
    [
        ('kind = "pick"', "needs phrase"),
        ('kind = "keys"', "needs text"),
        ('kind = "text_size"', "needs size"),
        ('kind = "text_size"\nsize = 3.5', "between 1.0 and 2.0"),
        ('kind = "text_size"\nsize = "big"', "must be a number"),
    ],
)
def test_the_visitors_steps_say_what_they_lack(tmp_path: Path, step: str, why: str) -> None:
    with pytest.raises(ScriptError, match=why):
        load_script(script(tmp_path, step))


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda d: (d / "empty.wav").write_bytes(b"") or d / "empty.wav", "empty"),
        (lambda d: (d / "notes.wav").write_text("not sound\n") or d / "notes.wav", ""),
        (lambda d: d / "missing.wav", ""),
        (lambda d: d, "regular"),  # a folder
    ],
    ids=["0-byte wav", "text file", "missing", "folder"],
)
def test_a_recording_that_cannot_be_played_is_refused_before_anything_starts(
    tmp_path: Path, make, why: str
) -> None:
    media = make(tmp_path / "media" if why == "regular" else tmp_path)
    if why == "regular":
        media.mkdir()
    with pytest.raises(ScriptError, match=r"step 2 \(speech\)") as refused:
        load_script(script(tmp_path, f'kind = "speech"\naudio = "{media}"'))
    assert why in str(refused.value)


def test_a_secret_file_named_as_a_recording_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match=r"step 2 \(speech\).*cannot be played"):
        load_script(script(tmp_path, 'kind = "speech"\naudio = "/etc/shadow"'))


def test_a_named_pipe_as_a_recording_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "live.wav"
    os.mkfifo(fifo)
    with pytest.raises(ScriptError, match="regular"):
        load_script(script(tmp_path, f'kind = "speech"\naudio = "{fifo}"'))


def test_sound_without_a_picture_is_refused_as_a_sign_video(
    tmp_path: Path, sound_only_mp4: Path
) -> None:
    sound = sound_only_mp4
    with pytest.raises(ScriptError, match=r"step 2 \(sign\).*picture"):
        load_script(script(tmp_path, f'kind = "sign"\nvideo = "{sound}"'))


def test_demo_refuses_an_unplayable_recording_at_once(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    bad = script(tmp_path, f'kind = "speech"\naudio = "{empty}"')
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "demo", "--script", str(bad), "--offscreen", "--exit"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert "step 2 (speech)" in run.stderr and "Traceback" not in run.stderr

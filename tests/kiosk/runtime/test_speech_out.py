"""Speech out never puts the visit's words on a command line.

espeak-ng really speaks here: into a user-space PulseAudio server's null sink, whose monitor is
recorded to prove the words arrived through the pipe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.runtime.speech_out import Speaker
from tests.conftest import require

PAREC = ("parec", "--format=s16le", "--rate=16000", "--channels=1")
SECRET = "my passport number is M 1234 5678 and I live at 12 Oak Street"


@pytest.fixture
def sound_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    require(
        bool(shutil.which("pulseaudio") and shutil.which("parec")),
        "PulseAudio (pulseaudio, parec)",
        "apt-get install --no-install-recommends pulseaudio pulseaudio-utils",
    )
    runtime = tmp_path / "run"
    runtime.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("HOME", str(runtime))
    env = dict(os.environ)
    server = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disable-shm=yes",
            "-L",
            "module-native-protocol-unix",
            "-L",
            "module-null-sink sink_name=counter_speaker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-sink", "counter_speaker"], env=env, check=True)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_speech_out_feeds_espeak_its_text_through_stdin(
    sound_server: dict[str, str], tmp_path: Path
) -> None:
    speaker = Speaker()
    require(speaker.program is not None, "espeak-ng", "apt-get install espeak-ng")
    recording = tmp_path / "speaker.raw"
    with recording.open("wb") as out:
        recorder = subprocess.Popen(
            [*PAREC, "-d", "counter_speaker.monitor"],
            env=sound_server,
            stdout=out,
        )
        time.sleep(0.5)
        try:
            assert speaker.say(SECRET, "en")
            process = speaker._current
            assert process is not None
            seen = _command_lines()
            assert process.wait(timeout=30) == 0
            time.sleep(0.5)
        finally:
            recorder.terminate()
            recorder.wait(timeout=10)
    assert str(process.pid) in seen  # espeak-ng was running while the command lines were read
    leaks = [pid for pid, line in seen.items() if "passport" in line or "Oak Street" in line]
    assert leaks == []
    audio = np.frombuffer(recording.read_bytes(), dtype=np.int16).astype(np.float32) / 32768
    speech = np.abs(audio) > 0.05
    assert speech.sum() > 16000 * 0.5  # seconds of voice: the sentence was really spoken


def _command_lines() -> dict[str, str]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[entry.name] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
    return out

"""The microphone's own process (`asr.mic_worker`): what it tells the kiosk, what it streams, and
that it never outlives the source that started it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from asr.audio import (
    MIC_BLOCK_SAMPLES,
    SAMPLE_RATE,
    MicrophoneSource,
    listen_briefly,
)
from tests.pulse import FakeMicrophone, PulseUnavailable, fake_microphone

WORKER = [sys.executable, "-m", "asr.mic_worker"]


@pytest.fixture
def fake_mic(tmp_path: Path):
    try:
        with fake_microphone(tmp_path / "pulse") as mic:
            yield mic
    except PulseUnavailable as exc:
        pytest.skip(f"PulseAudio cannot start here: {exc}")


def test_a_microphone_that_is_not_there_is_one_clear_line_and_exit_code_2():
    result = subprocess.run(
        [*WORKER, "no microphone is called this"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    header = json.loads(result.stdout.splitlines()[0])
    assert result.returncode == 2
    assert header["ok"] is False
    assert "microphone" in header["error"]  # "no microphone found…" or "no microphone named like…"
    assert result.stdout.count(b"\n") == 1  # nothing follows the header


@pytest.mark.pulse
def test_the_worker_streams_the_microphone_at_16_khz(fake_mic: FakeMicrophone):
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)
    with subprocess.Popen(
        WORKER, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    ) as worker:
        assert worker.stdout is not None
        try:
            header = json.loads(worker.stdout.readline())
            assert header["ok"] is True and header["name"] and header["rate"] > 0
            fake_mic.play(tone.astype(np.float32))
            # three seconds of samples: the tone (one second) is among them, played at 16 kHz
            data = worker.stdout.read(3 * SAMPLE_RATE * 4)
        finally:
            worker.kill()
    samples = np.frombuffer(data, dtype="<f4")
    assert len(samples) == 3 * SAMPLE_RATE and len(samples) % MIC_BLOCK_SAMPLES == 0
    loud = np.abs(samples) > 0.1
    assert 0.7 * SAMPLE_RATE < loud.sum() < 1.3 * SAMPLE_RATE
    # a 440 Hz tone survives the trip through the device rate and back: its strongest frequency
    span = samples[np.flatnonzero(loud)[0] :][: SAMPLE_RATE // 2]
    peak_hz = np.argmax(np.abs(np.fft.rfft(span))) * SAMPLE_RATE / len(span)
    assert abs(peak_hz - 440) < 10


@pytest.mark.pulse
def test_the_microphones_process_ends_with_its_source_also_when_the_cable_was_pulled(
    fake_mic: FakeMicrophone,
):
    source = MicrophoneSource(None, stall_s=1.0, retry_s=0.5)
    frames = source.frames()
    next(frames)
    first = _workers()
    assert len(first) == 1
    fake_mic.unplug()  # the stream stalls: its process is stopped, a new one tries to reopen
    threading.Timer(4.0, source.close).start()
    for _ in frames:
        pass
    time.sleep(0.2)
    assert not _workers() and not (first & _workers())
    fake_mic.plug_in()


@pytest.mark.pulse
def test_the_doctors_probe_hears_the_microphone_and_says_when_it_cannot(fake_mic: FakeMicrophone):
    works, what = listen_briefly(None, listen_s=0.5)
    assert works and "delivers sound" in what
    fake_mic.unplug()
    works, what = listen_briefly(None, listen_s=0.5)
    assert not works and "cannot open the microphone" in what
    assert not _workers()
    fake_mic.plug_in()


def _workers() -> set[int]:
    """This process's microphone processes still alive (not yet reaped)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"asr.mic_worker" in cmdline:
            found.add(int(stat.parent.name))
    return found

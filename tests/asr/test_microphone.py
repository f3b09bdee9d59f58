"""The real capture path: PortAudio (sounddevice) reading a PulseAudio source fed from a WAV."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from asr.audio import MicrophoneSource, find_input_device, load_audio
from asr.errors import AudioDeviceError
from asr.evaluation import error_rate
from asr.events import Status
from asr.streaming import StreamConfig
from tests.asr.conftest import silence
from tests.pulse import PulseUnavailable, fake_microphone

pytestmark = pytest.mark.pulse


@pytest.fixture
def fake_mic(tmp_path):
    try:
        with fake_microphone(tmp_path / "pulse") as mic:
            yield mic
    except PulseUnavailable as exc:
        pytest.skip(f"PulseAudio cannot start here: {exc}")


def test_microphone_speech_is_recognised(fake_mic, speech_models, clip_by_id):
    clip = clip_by_id["en_libri_61-70968-0000"]
    statuses: list[Status] = []
    source = MicrophoneSource(None, on_status=statuses.append)
    recogniser = speech_models.recogniser(("ko", "en"), StreamConfig(partials=True))
    fake_mic.play(np.concatenate([silence(0.5), load_audio(clip.path), silence(1.0)]))
    finals = []
    timer = threading.Timer(20, source.close)  # a safety net, not a speed check
    timer.start()
    for u in recogniser.run(source):
        if u.final:
            finals.append(u)
            source.close()
    timer.cancel()
    assert statuses and statuses[0].state == "ok"
    assert len(finals) == 1
    assert error_rate(clip.transcript, finals[0].text, "en") < 0.2
    assert source.dropped_blocks == 0


def test_microphone_lost_and_back(fake_mic, speech_models, clip_by_id):
    """Pull the microphone mid-visit: a status says so; plug it back: speech is heard again."""
    clip = clip_by_id["en_libri_61-70968-0000"]
    statuses: list[Status] = []
    source = MicrophoneSource(None, on_status=statuses.append, stall_s=1.0, retry_s=0.5)
    recogniser = speech_models.recogniser(("ko", "en"), StreamConfig(partials=False))
    finals = []

    def script():
        time.sleep(1.0)
        fake_mic.unplug()
        deadline = time.monotonic() + 10
        while not any(s.state == "error" for s in statuses) and time.monotonic() < deadline:
            time.sleep(0.1)
        fake_mic.plug_in()
        time.sleep(1.5)
        fake_mic.play(np.concatenate([load_audio(clip.path), silence(1.0)]))

    threading.Thread(target=script, daemon=True).start()
    timer = threading.Timer(40, source.close)
    timer.start()
    for u in recogniser.run(source):
        finals.append(u)
        source.close()
    timer.cancel()
    states = [s.state for s in statuses]
    assert states[0] == "ok" and "error" in states
    assert states[states.index("error") + 1 :].count("ok") >= 1
    assert finals and error_rate(clip.transcript, finals[0].text, "en") < 0.25


def test_no_input_device_is_a_clear_error(monkeypatch):
    import sounddevice as sd

    monkeypatch.setattr(sd, "query_devices", lambda: [])
    with pytest.raises(AudioDeviceError, match="no microphone found"):
        find_input_device(None)

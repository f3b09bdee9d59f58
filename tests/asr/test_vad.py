"""Voice activity on a live stream: same answers however the audio is chunked; real speech found."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asr.audio import FRAME_SAMPLES, load_audio
from asr.vad import Boundary, EndpointConfig, Endpointer, StreamingVad
from kiosk.setup.model_store import ModelManager


def _vad() -> StreamingVad:
    return StreamingVad(ModelManager().path_for("vad") / "silero_vad_v6.onnx")


def test_streaming_matches_one_shot_whatever_the_chunking(clip_by_id):
    audio = load_audio(clip_by_id["ko_sub100112a00250"].path)
    audio = audio[: len(audio) // FRAME_SAMPLES * FRAME_SAMPLES]
    whole = _vad().probabilities(audio)
    vad = _vad()
    rng = np.random.default_rng(0)
    parts, pos = [], 0
    while pos < len(audio):
        n = int(rng.integers(1, 20)) * FRAME_SAMPLES
        parts.append(vad.probabilities(audio[pos : pos + n]))
        pos += n
    assert np.allclose(np.concatenate(parts), whole, atol=1e-5)


def test_speech_is_found_and_silence_is_not(clip_by_id):
    speech = load_audio(clip_by_id["en_libri_61-70968-0000"].path)
    probs = _vad().probabilities(speech[: len(speech) // FRAME_SAMPLES * FRAME_SAMPLES])
    assert (probs > 0.5).mean() > 0.6
    quiet = np.zeros(FRAME_SAMPLES * 94, dtype=np.float32)
    assert _vad().probabilities(quiet).max() < 0.2
    noise = np.random.default_rng(1).normal(0, 0.05, FRAME_SAMPLES * 94).astype(np.float32)
    assert (_vad().probabilities(noise) > 0.5).mean() < 0.1


@settings(max_examples=200)
@given(st.lists(st.floats(min_value=0, max_value=1), max_size=400))
def test_endpointer_alternates_start_and_end(probs):
    ep = Endpointer(EndpointConfig())
    events = [b for b in (ep.step(p) for p in probs) if b is not Boundary.NONE]
    expected = [Boundary.START, Boundary.END] * len(events)
    assert events == expected[: len(events)]


def test_endpointer_needs_the_configured_silence():
    cfg = EndpointConfig(min_speech_s=0.1, min_silence_s=0.5)
    ep = Endpointer(cfg)
    steps = [ep.step(0.9) for _ in range(10)]
    assert Boundary.START in steps
    short_pause = [ep.step(0.0) for _ in range(10)]  # 0.32 s: not the end yet
    assert Boundary.END not in short_pause
    assert ep.in_speech
    rest = [ep.step(0.0) for _ in range(10)]
    assert Boundary.END in rest

"""Fixtures for speech tests: the installed models (real Whisper base + Silero VAD) and clips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, load_audio
from asr.evaluation import Clip
from kiosk.runtime.speech import SpeechModels


@pytest.fixture(scope="session")
def speech_models() -> SpeechModels:
    # The models are installed by `make test` (changgu models install); a missing model fails
    # here with the manager's own message naming the command that fixes it.
    return SpeechModels()


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def trimmed(clip: Clip) -> np.ndarray:
    """The clip without its leading and trailing silence (for joining clips without pauses)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = load_audio(clip.path)
    spans = get_speech_timestamps(audio, VadOptions())
    return audio[spans[0]["start"] : spans[-1]["end"]] if spans else audio


def encode_all(out: Any, stream: Any, frames: Iterable[Any]) -> None:
    """Encode `frames` into `stream` of the output container `out`, then flush the encoder."""
    for frame in [*frames, None]:
        for packet in stream.encode(frame):
            out.mux(packet)

"""Voice activity: Silero VAD (the ONNX model faster-whisper ships) run on a live stream.

`StreamingVad` turns 512-sample frames into speech probabilities, carrying the model's state from
frame to frame. `Endpointer` turns probabilities into utterance boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from pathlib import Path

import numpy as np
import numpy.typing as npt

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE
from asr.errors import ModelLoadError

CONTEXT_SAMPLES = 64


class StreamingVad:
    """Speech probability per 32 ms frame, with the LSTM state carried across calls."""

    def __init__(self, model_path: Path) -> None:
        import onnxruntime

        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.enable_cpu_mem_arena = False
        opts.log_severity_level = 4
        try:
            self._session = onnxruntime.InferenceSession(
                str(model_path), providers=["CPUExecutionProvider"], sess_options=opts
            )
        except Exception as exc:
            raise ModelLoadError(
                f"the voice-activity model at {model_path} could not be loaded ({exc}). "
                "Run `changgu models install silero-vad` to repair it."
            ) from exc
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)

    def probabilities(self, audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """One probability per FRAME_SAMPLES of `audio` (its length must be a multiple)."""
        if len(audio) == 0:
            return np.zeros(0, dtype=np.float32)
        windows = audio.reshape(-1, FRAME_SAMPLES)
        contexts = np.vstack([self._context[None, :], windows[:-1, -CONTEXT_SAMPLES:]])
        batch = np.concatenate([contexts, windows], axis=1).astype(np.float32)
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = windows[-1, -CONTEXT_SAMPLES:].copy()
        return np.asarray(out, dtype=np.float32).reshape(-1)


@dataclass(frozen=True, slots=True)
class EndpointConfig:
    """When speech starts and ends. Times in seconds."""

    # Silero's probability sags to 0.2-0.4 on far-field speech in a reverberant room (measured on
    # shared/speech/ko); a low end threshold keeps such speech in one utterance.
    threshold: float = 0.4
    end_threshold: float = 0.2
    min_speech_s: float = 0.1  # speech this long starts an utterance
    # Silence this long ends an utterance: long enough not to cut a sentence at a pause inside it,
    # and the wait costs no latency since the final is decoded during it (early final).
    min_silence_s: float = 0.8
    pre_roll_s: float = 0.3  # audio kept before the detected start (the first syllable is soft)
    # Audio kept after the end (the last syllable fades); the early final starts after this much
    # silence. Shorter would start it sooner but measured less accurate (bench/README.md).
    post_roll_s: float = 0.3
    max_utterance_s: float = 15.0  # longer speech is cut at the quietest moment near this length
    cut_search_s: float = 3.0  # how far back from the maximum to look for a pause


class Boundary(Enum):
    NONE = auto()
    START = auto()
    END = auto()


class Endpointer:
    """Frame-by-frame speech/silence state machine with hysteresis (start, end) on probabilities."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        frame_s = FRAME_SAMPLES / SAMPLE_RATE
        self._start_frames = max(1, round(config.min_speech_s / frame_s))
        self._end_frames = max(1, round(config.min_silence_s / frame_s))
        self.reset()

    def reset(self) -> None:
        self.in_speech = False
        self._run = 0

    def step(self, prob: float) -> Boundary:
        if not self.in_speech:
            self._run = self._run + 1 if prob >= self.config.threshold else 0
            if self._run >= self._start_frames:
                self.in_speech, self._run = True, 0
                return Boundary.START
            return Boundary.NONE
        self._run = self._run + 1 if prob < self.config.end_threshold else 0
        if self._run >= self._end_frames:
            self.in_speech, self._run = False, 0
            return Boundary.END
        return Boundary.NONE

    @property
    def silence_frames(self) -> int:
        """While in speech: frames of silence in a row so far (0 while someone speaks)."""
        return self._run if self.in_speech else 0

    @property
    def start_lag_frames(self) -> int:
        """Frames of speech already passed when START fires."""
        return self._start_frames

    @property
    def end_lag_frames(self) -> int:
        """Frames of silence already passed when END fires."""
        return self._end_frames

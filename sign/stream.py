"""The streaming recogniser: landmarks in, `SignEvent`s out, one call per frame.

    stream = SignStream(vocabulary)
    for landmarks in ...:            # from HolisticExtractor, on the video worker thread
        for event in stream.feed(landmarks):
            ...                      # SignResult → staff screen; SignUnsure → a question to
                                     # staff ("…?"); SignRejected → "not recognised"
    events = stream.finish()         # end of video / sign mode switched off

Not thread-safe: feed it from one thread. It keeps only the open segment's landmarks.

Modes: `Mode.SIGNS` (default) recognises lexical signs; `Mode.SPELLING` reads held hand shapes as
fingerspelled letters, one result per hold (the kiosk switches modes with a button for names and
numbers).
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sign.events import SignEvent
from sign.features import FeatureConfig
from sign.landmarks import LEFT_SHOULDER, RIGHT_SHOULDER, Landmarks, LandmarkSequence
from sign.recogniser import Recogniser, RecogniserConfig
from sign.segmentation import Segmenter, SegmenterConfig
from sign.vocabulary import SignVocabulary

Vec = NDArray[np.float32]


class Mode(enum.Enum):
    SIGNS = "signs"
    SPELLING = "spelling"


@dataclass(frozen=True)
class SignStreamConfig:
    segmenter: SegmenterConfig = field(default_factory=SegmenterConfig)
    recogniser: RecogniserConfig = field(default_factory=RecogniserConfig)
    features: FeatureConfig = field(default_factory=FeatureConfig)
    mode: Mode = Mode.SIGNS
    letter_hold_s: float = 0.4  # a hand shape held this long is read as a letter
    letter_still_shape: float = (
        0.15  # per-point shape change (wrist→knuckle units) still counted as held
    )


class SignStream:
    def __init__(
        self,
        vocabulary: SignVocabulary,
        config: SignStreamConfig | None = None,
        recogniser: Recogniser | None = None,
    ) -> None:
        self.config = config or SignStreamConfig()
        self.recogniser = recogniser or Recogniser(
            vocabulary, self.config.recogniser, self.config.features
        )
        self.segmenter = Segmenter(self.config.segmenter)
        self.mode = self.config.mode
        self._letters = _LetterSpotter(self.config)

    @property
    def vocabulary(self) -> SignVocabulary:
        return self.recogniser.vocabulary

    @property
    def signing(self) -> bool:
        """True while a sign is in progress (for a "watching…" indicator)."""
        return self.segmenter.active

    def set_mode(self, mode: Mode) -> None:
        if mode is not self.mode:
            self.reset()
            self.mode = mode

    def feed(self, landmarks: Landmarks) -> list[SignEvent]:
        if self.mode is Mode.SPELLING:
            hold = self._letters.feed(landmarks)
            if hold is None:
                return []
            event = self.recogniser.classify_letter(hold, float(hold.t[0]), float(hold.t[-1]))
            return [] if event is None else [event]
        return self._recognise(self.segmenter.feed(landmarks))

    def finish(self) -> list[SignEvent]:
        events = [] if self.mode is Mode.SPELLING else self._recognise(self.segmenter.finish())
        self.reset()
        return events

    def reset(self) -> None:
        self.segmenter.reset()
        self._letters = _LetterSpotter(self.config)

    def _recognise(self, segments: list) -> list[SignEvent]:  # type: ignore[type-arg]
        events = []
        for segment in segments:
            event = self.recogniser.recognise(segment)
            if event is not None:
                events.append(event)
        return events


class _LetterSpotter:
    """Finds holds: a hand in the signing space whose shape stays put for `letter_hold_s`."""

    def __init__(self, config: SignStreamConfig) -> None:
        self.config = config
        self._window: deque[Landmarks] = deque()
        self._reported_shape: Vec | None = None

    def feed(self, frame: Landmarks) -> LandmarkSequence | None:
        shape = _shape(frame)
        if shape is None or not _in_space(frame, self.config.segmenter.space_bottom):
            self._window.clear()
            self._reported_shape = None  # the hand left: the same letter may come again
            return None
        limit = self.config.letter_still_shape
        if self._window and _shape_distance(_shape(self._window[0]), shape) > limit:
            self._window.clear()
        self._window.append(frame)
        if frame.t - self._window[0].t < self.config.letter_hold_s:
            return None
        if (
            self._reported_shape is not None
            and _shape_distance(self._reported_shape, shape) <= 2 * limit
        ):
            return None  # still the letter we already read
        self._reported_shape = shape
        hold = LandmarkSequence.from_frames(list(self._window))
        self._window.clear()
        return hold


def _shape(frame: Landmarks) -> Vec | None:
    points = frame.right_hand if frame.has_right else frame.left_hand if frame.has_left else None
    if points is None:
        return None
    xy = points[:, :2] * np.array([frame.aspect, 1.0], np.float32)
    size = float(np.linalg.norm(xy[9] - xy[0]))
    out: Vec = (xy[1:] - xy[0]) / max(size, 1e-4)
    return out


def _shape_distance(a: Vec | None, b: Vec) -> float:
    if a is None:
        return np.inf
    return float(np.linalg.norm(a - b, axis=1).mean())


def _in_space(frame: Landmarks, space_bottom: float) -> bool:
    """A hand above `space_bottom` shoulder widths below the shoulders (True without a pose)."""
    if not frame.has_pose:
        return True  # close-up of a hand: treat as presented to the camera
    aspect = np.array([frame.aspect, 1.0], np.float32)
    shoulders = frame.pose[[LEFT_SHOULDER, RIGHT_SHOULDER], :2] * aspect
    scale = float(np.linalg.norm(shoulders[0] - shoulders[1]))
    if scale < 1e-3:
        return True
    points = frame.right_hand if frame.has_right else frame.left_hand
    wrist_y = (points[0, 1] - shoulders[:, 1].mean()) / scale
    return bool(wrist_y < space_bottom)

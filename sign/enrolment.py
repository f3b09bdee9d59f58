"""Enrolment: turning recordings of a sign into takes for a vocabulary.

From files, each file holds one take: its landmarks are segmented like live signing and the longest
segment is kept (so takes and live signs are cut the same way). From a camera, `TakeRecorder` is fed
live landmarks and hands back a take each time a sign ends; the kiosk's enrolment screen shows it
for
review and adds or discards it.
"""

from __future__ import annotations

from pathlib import Path

from sign.errors import SignError
from sign.landmarks import Landmarks, LandmarkSequence
from sign.pipeline import landmarks_of_video
from sign.segmentation import DEFAULT_SEGMENTER, Segment, Segmenter, SegmenterConfig


def take_from_landmarks(
    sequence: LandmarkSequence, config: SegmenterConfig = DEFAULT_SEGMENTER, where: str = ""
) -> LandmarkSequence:
    """The longest sign segment in a recording."""
    segmenter = Segmenter(config)
    segments: list[Segment] = []
    for frame in sequence.frames():
        segments += segmenter.feed(frame)
    segments += segmenter.finish()
    if not segments:
        raise SignError(
            f"no sign found{' in ' + where if where else ''}: the signer's hands never rose into "
            "view long enough; record again with the upper body and both hands in the picture"
        )
    return max(segments, key=lambda s: s.end_s - s.start_s).landmarks


def take_from_video(
    path: str | Path, config: SegmenterConfig = DEFAULT_SEGMENTER
) -> LandmarkSequence:
    return take_from_landmarks(landmarks_of_video(path), config, where=str(path))


class TakeRecorder:
    """Live enrolment: feed landmarks; returns a take's landmarks when a sign has ended."""

    def __init__(self, config: SegmenterConfig = DEFAULT_SEGMENTER) -> None:
        self._segmenter = Segmenter(config)

    @property
    def signing(self) -> bool:
        return self._segmenter.active

    def feed(self, landmarks: Landmarks) -> LandmarkSequence | None:
        segments = self._segmenter.feed(landmarks)
        return segments[-1].landmarks if segments else None

    def finish(self) -> LandmarkSequence | None:
        segments = self._segmenter.finish()
        return segments[-1].landmarks if segments else None

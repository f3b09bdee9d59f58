"""Camera or file → landmarks → SignStream, on the calling thread (the kiosk's video worker).

    pipeline = SignPipeline(CameraSource(0), SignStream(vocab), on_event=..., on_frame=...)
    worker thread:  pipeline.run()      # returns when stop() is called or the source ends
    any thread:     pipeline.stop()

Frames are read by `LatestFrameReader` on a helper thread that keeps only the newest one, so
MediaPipe
always works on a fresh picture and the frames it could not keep up with are dropped (counted in
`stats`). Callbacks run on the worker thread: a Qt kiosk should emit signals from them, nothing
more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sign.events import SignEvent, Status
from sign.frames import Frame, FrameSource, LatestFrameReader, VideoFileSource
from sign.holistic import HolisticExtractor
from sign.landmarks import Landmarks, LandmarkSequence
from sign.stream import SignStream


@dataclass
class PipelineStats:
    frames_seen: int = 0
    frames_dropped: int = 0
    landmark_seconds: float = 0.0  # wall time spent in MediaPipe

    @property
    def landmark_fps(self) -> float:
        return self.frames_seen / self.landmark_seconds if self.landmark_seconds > 0 else 0.0


class SignPipeline:
    """Frames → landmarks → (optionally) a `SignStream`. Without a stream it only extracts
    landmarks for `on_frame` (enrolment records takes that way)."""

    def __init__(
        self,
        source: FrameSource,
        stream: SignStream | None,
        extractor: HolisticExtractor | None = None,
        on_event: Callable[[SignEvent], None] | None = None,
        on_frame: Callable[[Frame, Landmarks], None] | None = None,
        on_status: Callable[[Status], None] | None = None,
        drop_frames: bool = True,
    ) -> None:
        self.source = source
        self.stream = stream
        self._extractor = extractor
        self.on_event = on_event
        self.on_frame = on_frame
        self.on_status = on_status
        self.drop_frames = drop_frames
        self.stats = PipelineStats()
        self._stop = threading.Event()

    def run(self) -> list[SignEvent]:
        """Process until the source ends or `stop()`; returns every event (as on_event saw them)."""
        events: list[SignEvent] = []
        extractor = self._extractor or HolisticExtractor()
        reader = LatestFrameReader(self.source) if self.drop_frames else None
        frames = reader.frames() if reader is not None else self.source.frames()
        self._status("ok", "watching for signs")
        try:
            for frame in frames:
                if self._stop.is_set():
                    break
                started = time.perf_counter()
                landmarks = extractor.process(frame.image, frame.t)
                self.stats.landmark_seconds += time.perf_counter() - started
                self.stats.frames_seen += 1
                if self.on_frame is not None:
                    self.on_frame(frame, landmarks)
                if self.stream is not None:
                    self._emit(self.stream.feed(landmarks), events)
            if self.stream is not None:
                self._emit(self.stream.finish(), events)
        finally:
            if reader is not None:
                reader.close()
                self.stats.frames_dropped = reader.dropped
            else:
                self.source.close()
            if self._extractor is None:
                extractor.close()
        return events

    def stop(self) -> None:
        self._stop.set()
        self.source.close()

    def _emit(self, new: list[SignEvent], into: list[SignEvent]) -> None:
        for event in new:
            into.append(event)
            if self.on_event is not None:
                self.on_event(event)

    def _status(self, state: str, message: str) -> None:
        if self.on_status is not None:
            self.on_status(Status("landmarks", state, message))


def landmarks_of_video(
    path: str | Path, extractor: HolisticExtractor | None = None, max_width: int = 640
) -> LandmarkSequence:
    """Every frame of a video file through MediaPipe (no dropping): for enrolment and tests."""
    source = VideoFileSource(path)
    own = extractor is None
    extractor = extractor or HolisticExtractor(max_width=max_width)
    try:
        frames = [extractor.process(f.image, f.t) for f in source.frames()]
    finally:
        source.close()
        if own:
            extractor.close()
    return LandmarkSequence.from_frames(frames)


def recognise_landmarks(sequence: LandmarkSequence, stream: SignStream) -> list[SignEvent]:
    """Feed a recorded landmark sequence through a stream (as if live) and finish it."""
    events: list[SignEvent] = []
    for frame in sequence.frames():
        events += stream.feed(frame)
    return events + stream.finish()

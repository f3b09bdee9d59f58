"""A recording player in the counter microphone's place (the demo, scenario scripts, tests).

`RecordingFeed` is an audio source like a microphone: it opens once and stays open, giving a quiet
room between recordings (paced in real time, like a live microphone), and plays each recording
queued with `play()` into the same stream. So the recogniser behind it is built when the counter
opens — before anyone has chosen a language — and lives through visits, exactly as it does on the
real microphone.

With `realtime=False` nothing is paced: between recordings the feed simply waits, and each
recording is followed by its `trailing_silence_s` so the end of speech is found as it is live.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, Audio, FileSource
from asr.errors import AsrError

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class _Recording:
    path: Path
    trailing_silence_s: float


class RecordingFeed:
    """An always-open audio source that plays queued recordings into a quiet room."""

    def __init__(self, realtime: bool = True) -> None:
        self.realtime = realtime
        self.on_played: Callable[[Path], None] | None = None  # after the consumer took it all
        self.on_failed: Callable[[Path, AsrError], None] | None = None  # unreadable: skipped
        self._queue: queue.SimpleQueue[_Recording] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._started_at: float | None = None
        self._released = 0  # samples given out since the start

    def play(self, path: Path, trailing_silence_s: float = 1.0) -> None:
        """Queue a recording (checked now: an unreadable file raises AudioFileError here)."""
        FileSource(path)  # the same checks as a file source: exists, readable
        self._queue.put(_Recording(Path(path), trailing_silence_s))

    def frames(self) -> Iterator[Audio]:
        self._started_at = time.monotonic()
        self._released = 0
        silence = np.zeros(FRAME_SAMPLES, dtype=np.float32)
        while not self._closed.is_set():
            recording = self._next_recording()
            if recording is None:
                if self.realtime:  # a quiet room between visitors
                    if not self._pace():
                        return
                    self._released += FRAME_SAMPLES
                    yield silence
                continue
            source = FileSource(recording.path, trailing_silence_s=recording.trailing_silence_s)
            try:
                for frame in source.frames():
                    if self._closed.is_set() or not self._pace():
                        return
                    self._released += len(frame)
                    yield frame
            except AsrError as exc:  # undecodable after all: the feed (the "microphone") goes on
                if self.on_failed is not None:
                    self.on_failed(recording.path, exc)
            # resumed: the consumer has processed the last frame (and posted what it heard)
            if self.on_played is not None:
                self.on_played(recording.path)

    def backlog_s(self) -> float:
        if not self.realtime or self._started_at is None:
            return 0.0
        return max(0.0, time.monotonic() - self._started_at - self._released / SAMPLE_RATE)

    def close(self) -> None:
        self._closed.set()

    def _next_recording(self) -> _Recording | None:
        try:
            if self.realtime:
                return self._queue.get_nowait()
            return self._queue.get(timeout=0.1)
        except queue.Empty:
            return None

    def _pace(self) -> bool:
        """Wait until the next frame is due (real time); False if closed meanwhile."""
        if not self.realtime or self._started_at is None:
            return not self._closed.is_set()
        delay = self._started_at + self._released / SAMPLE_RATE - time.monotonic()
        return not (delay > 0 and self._closed.wait(delay))

"""Finding signs in a stream of landmarks.

A sign starts when a hand rises into the signing space (above `space_bottom` shoulder widths below
the
shoulder line) and ends when the hands leave it (`end_gone_s`) or rest there without moving
(`end_still_s`). After a sign that ended in a rest, the next one starts only when a hand moves
again, so
a person holding a hand up produces nothing more. Segments shorter than `min_sign_s` are dropped,
longer than `max_sign_s` are cut.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from sign.landmarks import LEFT_SHOULDER, RIGHT_SHOULDER, Landmarks, LandmarkSequence

Vec = NDArray[np.float32]


@dataclass(frozen=True)
class SegmenterConfig:
    space_bottom: float = 1.0  # shoulder widths below the shoulder line
    start_frames: int = 2  # consecutive frames with a hand in the space
    end_gone_s: float = 0.3
    end_still_s: float = 0.5
    still_speed: float = 0.5  # shoulder widths per second of the faster wrist
    move_speed: float = 1.0  # speed that re-arms after a rest
    speed_window_s: float = 0.2
    min_sign_s: float = 0.3
    max_sign_s: float = 4.0
    keep_hold_s: float = 0.2  # how much of the final rest stays in the segment
    preroll_frames: int = 2


DEFAULT_SEGMENTER = SegmenterConfig()


@dataclass(frozen=True, eq=False)
class Segment:
    landmarks: LandmarkSequence
    start_s: float
    end_s: float
    ended_by: str  # "left" | "rest" | "max" | "finish"
    motion: float  # largest wrist travel from the first frame, in shoulder widths


@dataclass
class _Body:
    origin: Vec = field(default_factory=lambda: np.zeros(2, np.float32))
    scale: float = 0.0


class Segmenter:
    """Streaming: `feed(landmarks)` returns the segments that just ended; `finish()` flushes."""

    def __init__(self, config: SegmenterConfig = DEFAULT_SEGMENTER) -> None:
        self.config = config
        self.reset()

    def reset(self) -> None:
        self._body = _Body()
        self._history: list[Landmarks] = []  # pre-roll while idle
        self._frames: list[Landmarks] = []  # the open segment
        self._in_space_run = 0
        self._active = False
        self._armed = True  # False after a sign ended in a rest, until a hand moves again
        self._last_in_space_t: float | None = None
        self._still_since: float | None = None
        self._wrist_history: dict[int, deque[tuple[float, Vec]]] = {}
        self._start_wrists: dict[int, Vec] = {}
        self._motion = 0.0

    def feed(self, frame: Landmarks) -> list[Segment]:
        cfg = self.config
        wrists = self._wrists(frame)
        in_space = {h: p for h, p in wrists.items() if p[1] < cfg.space_bottom}
        speed = self._speed(frame.t, wrists)
        out: list[Segment] = []

        if not self._active:
            self._history.append(frame)
            del self._history[: -(cfg.preroll_frames + cfg.start_frames)]
            if not self._armed and (not in_space or speed > cfg.move_speed):
                self._armed = True
            if self._armed and in_space:
                self._in_space_run += 1
            else:
                self._in_space_run = 0
            if self._in_space_run >= cfg.start_frames:
                self._active = True
                self._frames = list(self._history)
                self._history = []
                self._start_wrists = dict(in_space)
                self._motion = 0.0
                self._last_in_space_t = frame.t
                self._still_since = None
            return out

        self._frames.append(frame)
        for h, p in in_space.items():
            start = self._start_wrists.setdefault(h, p)
            self._motion = max(self._motion, float(np.linalg.norm(p - start)))
        if in_space:
            self._last_in_space_t = frame.t
            if speed < cfg.still_speed:
                self._still_since = frame.t if self._still_since is None else self._still_since
            else:
                self._still_since = None
        else:
            self._still_since = None
        start_t = self._frames[0].t
        assert self._last_in_space_t is not None
        if not in_space and frame.t - self._last_in_space_t >= cfg.end_gone_s:
            out += self._close(self._last_in_space_t, "left", armed=True)
        elif self._still_since is not None and frame.t - self._still_since >= cfg.end_still_s:
            out += self._close(self._still_since + cfg.keep_hold_s, "rest", armed=False)
        elif frame.t - start_t >= cfg.max_sign_s:
            out += self._close(frame.t, "max", armed=True)
        return out

    def finish(self) -> list[Segment]:
        """End of stream: close an open segment."""
        if not self._active or not self._frames:
            return []
        end = self._last_in_space_t if self._last_in_space_t is not None else self._frames[-1].t
        return self._close(end, "finish", armed=True)

    @property
    def active(self) -> bool:
        return self._active

    def _close(self, end_t: float, reason: str, armed: bool) -> list[Segment]:
        frames = [f for f in self._frames if f.t <= end_t + 1e-6] or self._frames[:1]
        self._frames = []
        self._active = False
        self._armed = armed
        self._in_space_run = 0
        self._history = []
        start_s, end_s = frames[0].t, frames[-1].t
        if end_s - start_s < self.config.min_sign_s:
            return []
        return [
            Segment(
                landmarks=LandmarkSequence.from_frames(frames),
                start_s=start_s,
                end_s=end_s,
                ended_by=reason,
                motion=self._motion,
            )
        ]

    def _wrists(self, frame: Landmarks) -> dict[int, Vec]:
        """Body-relative wrist positions of the hands MediaPipe sees (0 = left, 1 = right)."""
        aspect = np.array([frame.aspect, 1.0], np.float32)
        if frame.has_pose:
            shoulders = frame.pose[[LEFT_SHOULDER, RIGHT_SHOULDER], :2] * aspect
            scale = float(np.linalg.norm(shoulders[0] - shoulders[1]))
            if scale > 1e-3:
                self._body = _Body(shoulders.mean(axis=0), scale)
        if self._body.scale <= 0:
            return {}  # nobody seen yet: no signing space to be in
        out = {}
        for h, (seen, points) in enumerate(
            ((frame.has_left, frame.left_hand), (frame.has_right, frame.right_hand))
        ):
            if seen:
                out[h] = (points[0, :2] * aspect - self._body.origin) / self._body.scale
        return out

    def _speed(self, t: float, wrists: dict[int, Vec]) -> float:
        """Fastest wrist speed over the last `speed_window_s` (shoulder widths per second).

        Measured over a window rather than frame to frame: landmark jitter alone is ~0.3 sw/s per
        frame.
        """
        speed = 0.0
        window = self.config.speed_window_s
        for h, p in wrists.items():
            history = self._wrist_history.setdefault(h, deque())
            history.append((t, p))
            while len(history) > 1 and t - history[1][0] >= window:
                history.popleft()
            t0, p0 = history[0]
            if t - t0 >= window * 0.5:
                speed = max(speed, float(np.linalg.norm(p - p0)) / (t - t0))
        for h in list(self._wrist_history):
            if h not in wrists:
                del self._wrist_history[h]
        return speed

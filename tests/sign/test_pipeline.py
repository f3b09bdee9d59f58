"""End to end: video file → frames → landmarks → segments → gloss; and scenes without signing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from sign.draw import draw_landmarks
from sign.events import SignResult
from sign.frames import Frame, VideoFileSource
from sign.landmarks import LandmarkSequence
from sign.pipeline import SignPipeline
from sign.store import demo_vocabulary
from sign.stream import SignStream


class SyntheticScene:
    """An in-memory frame source (no files written): noise, or a flat empty room."""

    def __init__(self, kind: str, seconds: float = 2.0) -> None:
        self.kind, self.n = kind, int(seconds * 30)

    def frames(self) -> Iterator[Frame]:
        rng = np.random.default_rng(3)
        for i in range(self.n):
            if self.kind == "noise":
                image = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
            else:
                image = np.full((480, 640, 3), 180, np.uint8)
            yield Frame(image=image, t=i / 30, index=i)

    def close(self) -> None:
        pass


def test_video_file_to_gloss(msl_root: Path) -> None:
    events = []
    frames_seen = []
    pipeline = SignPipeline(
        VideoFileSource(msl_root / "original_source" / "ambulancia_001.mp4"),
        SignStream(demo_vocabulary()),
        on_event=events.append,
        on_frame=lambda frame, lm: frames_seen.append(lm.has_pose),
        drop_frames=False,
    )
    returned = pipeline.run()
    assert returned == events and len(events) == 1
    assert isinstance(events[0], SignResult) and events[0].gloss == "구급차"
    assert events[0].text_ko == "구급차"
    assert len(frames_seen) == 66 and all(frames_seen)


def test_no_person_no_result() -> None:
    for kind in ("noise", "blank"):
        pipeline = SignPipeline(
            SyntheticScene(kind), SignStream(demo_vocabulary()), drop_frames=False
        )
        assert pipeline.run() == []
        assert pipeline.stats.frames_seen == 60


def test_landmarks_drawn_on_the_frame(
    video_landmarks: dict[str, LandmarkSequence], msl_root: Path
) -> None:
    frame = next(VideoFileSource(msl_root / "original_source" / "hoy_001.mp4").frames())
    landmarks = video_landmarks["hoy"].frames()[0]
    drawn = draw_landmarks(frame.image, landmarks)
    assert drawn.shape == frame.image.shape and drawn is not frame.image
    changed = np.any(drawn != frame.image, axis=2)
    assert 0.001 < changed.mean() < 0.2  # lines and dots, not a repaint
    small = draw_landmarks(np.zeros((240, 320, 3), np.uint8), landmarks)
    assert small.any()

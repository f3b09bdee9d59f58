"""Frame sources on real files and on the no-camera case of this machine."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from sign.errors import CameraError, VideoError
from sign.frames import CameraSource, LatestFrameReader, VideoFileSource


def test_video_file_frames(msl_root: Path) -> None:
    source = VideoFileSource(msl_root / "original_source" / "yo_001.mp4")
    frames = list(source.frames())
    assert len(frames) == 55
    assert frames[0].image.shape == (720, 1280, 3)
    assert frames[10].t == pytest.approx(10 / source.fps)


def test_unreadable_video(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    with pytest.raises(VideoError, match=r"cannot read video|no frames"):
        list(VideoFileSource(bad).frames())


def test_missing_video(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="does not exist"):
        VideoFileSource(tmp_path / "nothing.mp4")


def test_zero_frame_video(tmp_path: Path) -> None:
    empty = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    writer.release()  # a container with no frames
    with pytest.raises(VideoError):
        list(VideoFileSource(empty).frames())


def test_no_camera_is_a_clear_error() -> None:
    with pytest.raises(CameraError, match="no camera found at camera 0"):
        CameraSource(0)
    with pytest.raises(CameraError, match="no camera"):
        CameraSource(57)
    with pytest.raises(CameraError, match="/dev/video-none"):
        CameraSource("/dev/video-none")


def test_slow_consumer_gets_fresh_frames_and_drops_the_rest(msl_root: Path) -> None:
    """Real-time file source read by a consumer slower than the frame rate: frames are dropped."""
    import time

    reader = LatestFrameReader(VideoFileSource(msl_root / "original_source" / "yo_001.mp4", True))
    seen = []
    for frame in reader.frames():
        seen.append(frame.index)
        time.sleep(0.08)  # ~12 fps consumer for a 30 fps source
    reader.close()
    assert 10 <= len(seen) <= 35
    assert reader.dropped > 15
    assert reader.dropped + reader.delivered == 55
    assert np.all(np.diff(seen) > 0)

"""Frame sources on real files, on files that are no video, and on the no-camera case of this
machine."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
import pytest

from sign.errors import CameraError, VideoError
from sign.frames import CameraSource, Frame, LatestFrameReader, VideoFileSource

if TYPE_CHECKING:
    from .conftest import NamedPipe


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


def test_slow_consumer_gets_the_newest_frame_and_the_rest_are_dropped() -> None:
    source = _SteppedSource()
    reader = LatestFrameReader(source)
    frames = reader.frames()
    try:
        source.step(3)  # three frames arrive while the consumer is busy
        assert next(frames).index == 2
        assert reader.dropped == 2
        source.step(1)
        assert next(frames).index == 3
        assert reader.dropped == 2
        source.step(5)
        assert next(frames).index == 8
        source.end()
        assert list(frames) == []
    finally:
        reader.close()
    assert reader.delivered == 3
    assert reader.dropped == 6
    assert reader.dropped + reader.delivered == 9


def test_realtime_file_is_handed_out_at_its_frame_rate(msl_root: Path) -> None:
    """Each frame is handed out when it is due on the file's clock, never early; a consumer
    slower than the frame rate is not waited for, and the source itself skips no frame."""
    video = msl_root / "original_source" / "yo_001.mp4"
    for cost in (0.01, 0.08):  # the consumer's time per frame: faster and slower than 30 fps
        clock = _FakeClock()
        source = VideoFileSource(video, realtime=True, clock=clock, sleep=clock.sleep)
        handed = []
        for frame in source.frames():
            handed.append((frame.index, frame.t, clock.elapsed))
            clock.now += cost
        assert [index for index, _, _ in handed] == list(range(55))
        for index, t, at in handed:
            assert t == pytest.approx(index / source.fps)
            assert at == pytest.approx(max(t, index * cost))
        assert (clock.slept != []) == (cost < 1 / source.fps)


def test_file_not_in_realtime_is_never_paced(msl_root: Path) -> None:
    clock = _FakeClock()
    source = VideoFileSource(
        msl_root / "original_source" / "yo_001.mp4", clock=clock, sleep=clock.sleep
    )
    assert len(list(source.frames())) == 55
    assert clock.slept == []


def test_sound_only_video_says_it_has_no_picture(sound_only_mp4: Path) -> None:
    with pytest.raises(VideoError, match=r"has no video picture: give a video file") as caught:
        list(VideoFileSource(sound_only_mp4).frames())
    assert str(sound_only_mp4) in str(caught.value)
    assert "camera" not in str(caught.value)


def test_video_that_is_a_named_pipe_is_refused(
    tmp_path: Path, named_pipe: Callable[[Path], NamedPipe]
) -> None:
    pipe = named_pipe(tmp_path / "pipe.mp4")
    error = pipe.outcome(lambda: list(VideoFileSource(pipe.path).frames()))
    assert isinstance(error, VideoError)
    assert "is a named pipe (FIFO), not a file: give a video file" in str(error)


def test_video_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").mkdir()
    with pytest.raises(VideoError, match="is a folder, not a file: give a video file"):
        VideoFileSource(tmp_path / "clip.mp4")


def test_camera_path_that_is_a_named_pipe_is_refused(
    tmp_path: Path, named_pipe: Callable[[Path], NamedPipe]
) -> None:
    pipe = named_pipe(tmp_path / "video9")
    error = pipe.outcome(lambda: CameraSource(str(pipe.path)))
    assert isinstance(error, CameraError)
    assert "is a named pipe (FIFO), not a camera: choose a camera" in str(error)
    with pytest.raises(CameraError, match="is a folder, not a camera"):
        CameraSource(str(tmp_path))


class _SteppedSource:
    """Frames handed out only when the test says so; `step` returns once the reader holds them."""

    def __init__(self) -> None:
        self._allowed = threading.Semaphore(0)
        self._held = threading.Semaphore(0)
        self._ended = False

    def frames(self) -> Iterator[Frame]:
        index = 0
        while True:
            self._allowed.acquire()
            if self._ended:
                return
            yield Frame(image=np.zeros((4, 4, 3), np.uint8), t=index / 30, index=index)
            self._held.release()  # asked for the next one: the reader has stored this one
            index += 1

    def step(self, frames: int) -> None:
        for _ in range(frames):
            self._allowed.release()
            assert self._held.acquire(timeout=10), "the reader stopped taking frames"

    def end(self) -> None:
        self._ended = True
        self._allowed.release()

    def close(self) -> None:
        self.end()


class _FakeClock:
    """`time.monotonic` and `time.sleep` for a source: sleeping moves the clock on at once."""

    def __init__(self) -> None:
        self.start = self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    @property
    def elapsed(self) -> float:
        return self.now - self.start

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

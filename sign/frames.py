"""Where frames come from: a camera (by index or device path) or a video file, plus frame dropping.

Every source yields `Frame`s (a BGR image and its time in seconds since the source started).
`LatestFrameReader` reads a source on its own thread and keeps only the newest frame, so a slow
consumer (MediaPipe at ~21 fps) sees fresh frames and the skipped ones are counted, never queued.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from sign.errors import CameraError, VideoError
from sign.events import Status
from sign.files import NotAFileError, check_file, kind_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Frame:
    image: NDArray[np.uint8]  # H×W×3, BGR
    t: float  # seconds since the source started
    index: int  # frame number from the source (gaps mean frames were dropped)


class FrameSource(Protocol):
    """Anything that yields frames; iteration ends when the source is exhausted or closed."""

    def frames(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


StatusCallback = Callable[[Status], None]


class _CaptureSource:
    """The read loop of an OpenCV capture, shared by files and cameras.

    Subclasses say when a frame was taken (`_timestamp`), whether to hold it back until then
    (`_pace`), what a failed read means (`_recover`: reopen and read on, or end) and what ending
    before the first frame means (`_ended_empty`).
    """

    _capture: Any

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._closed = False
        self._reading = False

    def frames(self) -> Iterator[Frame]:
        started = self._clock()
        index = 0
        self._reading = True
        try:
            while not self._closed:
                ok, image = self._capture.read()
                if not ok or image is None:
                    if self._closed or not self._recover():
                        break
                    continue
                t = self._timestamp(index, started)
                self._pace(t, started)
                yield Frame(image=image, t=t, index=index)
                index += 1
        finally:
            self._reading = False
            self._capture.release()
        if index == 0 and not self._closed:
            self._ended_empty()

    def close(self) -> None:
        """Stop iteration; safe from another thread (the reading thread releases the capture)."""
        self._closed = True
        if not self._reading:
            self._capture.release()

    def _timestamp(self, index: int, started: float) -> float:
        return self._clock() - started

    def _pace(self, t: float, started: float) -> None:
        """Called before the frame taken at `t` is handed out."""

    def _recover(self) -> bool:
        """After a failed read: True to read on (the capture was reopened), False to end."""
        return False

    def _ended_empty(self) -> None:
        """The source ended before its first frame."""


class VideoFileSource(_CaptureSource):
    """Frames of a video file OpenCV can read; `realtime=True` paces them at its frame rate.

    `clock` and `sleep` pace real-time playback (a test passes a fake clock).
    """

    def __init__(
        self,
        path: str | Path,
        realtime: bool = False,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(clock)
        self.path = Path(path)
        _check_video_file(self.path)  # OpenCV would wait forever on a named pipe
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise _unreadable(self.path)
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.realtime = realtime
        self._sleep = sleep
        self._capture = capture

    def _timestamp(self, index: int, started: float) -> float:
        return index / self.fps

    def _pace(self, t: float, started: float) -> None:
        if self.realtime:
            delay = started + t - self._clock()
            if delay > 0:
                self._sleep(delay)

    def _ended_empty(self) -> None:
        if not _has_picture(self.path):
            raise _no_picture(self.path)
        raise VideoError(
            f"video {self.path} has no frames that can be decoded: record or export it again "
            "(an MP4 with H.264 works)"
        )


class CameraSource(_CaptureSource):
    """A camera by index (0, 1, …) or device path (/dev/video2). Reconnects if it drops out.

    Opening fails with `CameraError` ("no camera …") when nothing answers. While streaming, a camera
    that stops delivering is reopened every `retry_s` until `give_up_s` has passed; `on_status`
    hears about it (and about recovery) so the staff screen can show it.
    """

    def __init__(
        self,
        device: int | str = 0,
        width: int = 640,
        height: int = 480,
        retry_s: float = 1.0,
        give_up_s: float = 30.0,
        on_status: StatusCallback | None = None,
    ) -> None:
        super().__init__()
        self.device = device
        self.width, self.height = width, height
        self.retry_s, self.give_up_s = retry_s, give_up_s
        self.on_status = on_status
        self._capture = self._open()

    def _describe(self) -> str:
        return f"camera {self.device}"

    def _open(self) -> Any:
        _check_camera_path(self.device)  # OpenCV would wait forever on a named pipe
        capture = cv2.VideoCapture(self.device)
        if not capture.isOpened():
            capture.release()
            raise CameraError(
                f"no camera found at {self._describe()}: connect a camera, or choose another one "
                "(e.g. --camera 1 or --camera /dev/video2)"
            )
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # we want the newest frame, not a backlog
        return capture

    def _status(self, state: str, message: str) -> None:
        if self.on_status is not None:
            self.on_status(Status("camera", state, message))

    def _recover(self) -> bool:
        self._reconnect()
        return True

    def _reconnect(self) -> None:
        self._status("lost", f"{self._describe()} stopped delivering pictures; reconnecting")
        self._capture.release()
        deadline = time.monotonic() + self.give_up_s
        while not self._closed:
            try:
                self._capture = self._open()
            except CameraError:
                if time.monotonic() > deadline:
                    self._status("error", f"{self._describe()} is gone; check its cable")
                    raise CameraError(
                        f"{self._describe()} stopped working and did not come back within "
                        f"{self.give_up_s:.0f} s: check its cable, then restart sign mode"
                    ) from None
                time.sleep(self.retry_s)
                continue
            self._status("ok", f"{self._describe()} reconnected")
            return


class LatestFrameReader:
    """Reads `source` on a background thread, keeping only the newest frame.

    `frames()` blocks until a frame newer than the last one handed out is available; frames that
    were overwritten in between are counted in `dropped`. Errors raised by the source (e.g.
    `CameraError`) are re-raised in the consumer.
    """

    def __init__(self, source: FrameSource) -> None:
        self.source = source
        self.dropped = 0
        self.delivered = 0
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._done = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sign-frames", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for frame in self.source.frames():
                with self._cond:
                    if self._latest is not None:
                        self.dropped += 1
                    self._latest = frame
                    self._cond.notify()
        except BaseException as exc:  # handed to the consumer thread
            self._error = exc
        finally:
            with self._cond:
                self._done = True
                self._cond.notify()

    def frames(self) -> Iterator[Frame]:
        while True:
            with self._cond:
                while self._latest is None and not self._done:
                    self._cond.wait(0.5)
                frame, self._latest = self._latest, None
                done = self._done
            if frame is not None:
                self.delivered += 1
                yield frame
            elif done:
                break
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self.source.close()
        self._thread.join(timeout=2.0)


def _check_video_file(path: Path) -> None:
    try:
        check_file(path)
    except FileNotFoundError:
        raise VideoError(
            f"video file {path} does not exist: check the file's name and folder"
        ) from None
    except NotAFileError as exc:
        raise VideoError(f"video file {exc}: give a video file, such as an MP4") from None
    except OSError as exc:
        raise VideoError(
            f"cannot open video file {path} ({exc.strerror or exc}): check that it can be read"
        ) from None


def _check_camera_path(device: int | str) -> None:
    """Refuse a device path naming a pipe, a socket or a folder (a missing path is left to
    OpenCV: it may be a stream address)."""
    if isinstance(device, int):
        return
    try:
        mode = os.stat(device).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISCHR(mode) or stat.S_ISREG(mode):
        return
    raise CameraError(
        f"camera {device} is {kind_of(mode)}, not a camera: choose a camera by number or device "
        "(e.g. --camera 0 or --camera /dev/video2)"
    )


def _unreadable(path: Path) -> VideoError:
    if not _has_picture(path):
        return _no_picture(path)
    return VideoError(
        f"cannot read video {path}: not a video format OpenCV understands (try an MP4 with H.264)"
    )


def _no_picture(path: Path) -> VideoError:
    return VideoError(f"{path} has no video picture: give a video file that shows the signer")


def _has_picture(path: Path) -> bool:
    """False when the file is a media file without a video stream (sound only); True when it
    has one or cannot be told apart (OpenCV's own message fits those)."""
    import av  # only on this error path: probing costs a container open

    try:
        with av.open(str(path)) as container:
            return bool(container.streams.video)
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError):
        return True

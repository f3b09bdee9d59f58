"""The kiosk's camera: a `SignPipeline` on a `Worker` thread, bridged to Qt by the kiosk's `Bridge`.

    sign = SignInput(load_vocabulary)
    sign.start(camera_source("0"))   # deaf-visitor mode: camera → MediaPipe → SignStream
    sign.stop()                      # another language, a new visit, the kiosk closing

Only `SignInput` (a QObject on the UI thread) knows Qt. The worker thread runs the engine and
posts frozen values to its channel; commands (signs or fingerspelling) reach it through its inbox.
Every start opens a new generation of the channel: whatever an old worker still says after
`stop()` (a sign flushed at the end, a late frame) is dropped, so nothing of one visitor reaches
the next.

Live view: the worker downscales frames, draws the landmarks on them and hands over at most
`preview_fps` per second; only the newest picture waits for the UI (one slot, never a queue).
A camera that is missing or drops out becomes a `Status` for the staff screen; the worker keeps
trying to open it while sign mode is on. Pictures never leave memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal

from asr.events import Status
from kiosk.core.events import CameraState
from kiosk.core.health import Component, State
from kiosk.runtime.workers import Bridge, Channel, Inbox, Worker
from sign import events as sign_events
from sign.draw import draw_landmarks
from sign.errors import CameraError, SignError, VideoError
from sign.events import SignEvent
from sign.frames import CameraSource, Frame, FrameSource, VideoFileSource
from sign.holistic import HolisticExtractor, downscale
from sign.landmarks import Landmarks
from sign.pipeline import SignPipeline
from sign.stream import Mode, SignStream, SignStreamConfig
from sign.vocabulary import SignVocabulary

log = logging.getLogger(__name__)

PREVIEW_FPS = 15.0
PREVIEW_WIDTH = 480
RETRY_S = 3.0  # how often a missing camera is looked for again

StatusCallback = Callable[[sign_events.Status], None]
SourceOpener = Callable[[StatusCallback], FrameSource]  # raises CameraError / VideoError
VocabularyLoader = Callable[[], tuple[SignVocabulary, bool]]  # (vocabulary, is the demo pack)


@dataclass(frozen=True, eq=False)
class LiveFrame:
    """One picture for the staff's live view: downscaled, landmarks drawn (BGR)."""

    image: NDArray[np.uint8]
    t: float  # seconds on the source's clock
    pose: bool  # MediaPipe found the body
    hands: bool  # … and at least one hand
    signing: bool  # a sign is in progress


@dataclass(frozen=True)
class SignTiming:
    """When a sign ended (its `end_s` on the source clock) and when the kiosk had its result.

    Both are `time.perf_counter()` values; the staff screen's `painted` hook adds the third.
    """

    turn_id: int
    ended_at: float
    recognised_at: float


def camera_source(device: int | str, realtime: bool = True) -> SourceOpener:
    """An opener for the `camera` setting: an index or device path, or a video file (demo)."""
    if isinstance(device, str) and not device.startswith("/dev/") and Path(device).is_file():
        return VideoOpener(Path(device), realtime)
    return CameraOpener(device)


class CameraOpener:
    is_file = False

    def __init__(self, device: int | str) -> None:
        self.device = device

    def __call__(self, on_status: StatusCallback) -> FrameSource:
        return CameraSource(self.device, on_status=on_status)


class VideoOpener:
    """A video file played as if it were the camera (the demo; tests), once."""

    is_file = True

    def __init__(self, path: Path, realtime: bool = True) -> None:
        self.path, self.realtime = path, realtime

    def __call__(self, on_status: StatusCallback) -> FrameSource:
        return VideoFileSource(self.path, realtime=self.realtime)


class LatestSlot:
    """Hands the newest value from a worker to the UI; older ones are overwritten, not queued."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: LiveFrame | None = None
        self._waiting = False

    def put(self, value: LiveFrame) -> bool:
        """Keep `value`; True when the UI must be told (not told since it last took one)."""
        with self._lock:
            self._value = value
            notify = not self._waiting
            self._waiting = True
            return notify

    def take(self) -> LiveFrame | None:
        with self._lock:
            value, self._value = self._value, None
            self._waiting = False
            return value


class Preview:
    """Turns worker frames into `LiveFrame`s at most `fps` times a second (on the worker)."""

    def __init__(self, fps: float = PREVIEW_FPS, width: int = PREVIEW_WIDTH) -> None:
        self.interval = 1.0 / fps if fps > 0 else 0.0
        self.width = width
        self._last = -1e9

    def due(self) -> bool:
        return time.perf_counter() - self._last >= self.interval

    def make(self, frame: Frame, landmarks: Landmarks, signing: bool) -> LiveFrame:
        self._last = time.perf_counter()
        image = downscale(frame.image, self.width)
        drawn = draw_landmarks(image, landmarks, copy=image is frame.image)  # never the original
        return LiveFrame(drawn, frame.t, landmarks.has_pose, landmarks.has_hands, signing)


@dataclass(frozen=True, slots=True)
class _Event:
    event: SignEvent
    ended_at: float
    recognised_at: float


@dataclass(frozen=True, slots=True)
class _Activity:
    activity: CameraState


@dataclass(frozen=True, slots=True)
class _FrameReady:
    pass


@dataclass(frozen=True, slots=True)
class _Demo:
    demo: bool


@dataclass(frozen=True, slots=True)
class _SetMode:
    mode: Mode


class SignInput(QObject):
    """The camera's side of the kiosk (on the UI thread): starts and stops the sign worker and
    turns what it posts (through the kiosk's `Bridge`) into signals."""

    sign_event = Signal(object, float, float)  # a sign.events.SignEvent, ended_at, recognised_at
    status = Signal(object)  # asr.events.Status
    activity = Signal(object)  # kiosk.core.events.CameraState
    frame_ready = Signal()  # a new picture waits in latest_frame()
    demo_vocabulary = Signal(bool)  # the vocabulary in use is the MSL demo pack (not KSL)

    CHANNEL = "camera"

    def __init__(
        self,
        load_vocabulary: VocabularyLoader,
        preview_fps: float = PREVIEW_FPS,
        preview_width: int = PREVIEW_WIDTH,
        retry_s: float = RETRY_S,
        bridge: Bridge | None = None,
    ) -> None:
        super().__init__()
        self.load_vocabulary = load_vocabulary
        self.preview_fps = preview_fps
        self.preview_width = preview_width
        self.retry_s = retry_s
        self.mode = Mode.SIGNS
        self.bridge = bridge or Bridge()
        self._worker: Worker | None = None
        self._stopped: list[Worker] = []  # told to stop, maybe still letting go
        self._slot = LatestSlot()

    @property
    def running(self) -> bool:
        """Watching (or looking for the camera); False once stopped or a video file played out."""
        worker = self._worker
        return worker is not None and worker.alive

    def start(self, open_source: SourceOpener) -> None:
        """Start watching (after stopping any earlier worker; the new one waits for it to let go
        of the camera on its own thread, so the UI never blocks)."""
        previous = self._worker
        if previous is not None:
            previous.stop()
            self._stopped.append(previous)
        self._slot.take()
        channel = self.bridge.channel(self.CHANNEL, self._deliver)  # retires the old one
        loop = _SignLoop(open_source, self, channel, previous)
        self._worker = Worker("camera", loop, on_stop=loop.stop)
        self.activity.emit(CameraState.STARTING)
        self._worker.start()

    def stop(self, wait_s: float = 0.0) -> None:
        """Stop watching; with `wait_s`, also wait for every worker to let go of the camera."""
        worker, self._worker = self._worker, None
        self.bridge.retire(self.CHANNEL)  # anything the old worker still says is stale
        self._slot.take()
        if worker is not None:
            worker.stop()
            self._stopped.append(worker)
        self._stopped = [w for w in self._stopped if w.alive]
        if wait_s > 0:
            deadline = time.monotonic() + wait_s
            for old in self._stopped:
                old.join(max(0.0, deadline - time.monotonic()))
        self.activity.emit(CameraState.OFF)

    def set_mode(self, mode: Mode) -> None:
        """Signs or fingerspelling; applied by the worker before its next frame."""
        self.mode = mode
        if self._worker is not None:
            self._worker.send(_SetMode(mode))

    def latest_frame(self) -> LiveFrame | None:
        return self._slot.take()

    def _deliver(self, item: object) -> None:
        """What the current worker posted, on the UI thread."""
        match item:
            case _Event(event, ended_at, recognised_at):
                self.sign_event.emit(event, ended_at, recognised_at)
            case Status():
                self.status.emit(item)
            case _Activity(activity):
                self.activity.emit(activity)
            case _FrameReady():
                self.frame_ready.emit()
            case _Demo(demo):
                self.demo_vocabulary.emit(demo)


class _ClockedSource:
    """A source that notes when its clock started (perf_counter), to place `end_s` in real time."""

    def __init__(self, source: FrameSource) -> None:
        self.source = source
        self.origin = time.perf_counter()

    def frames(self) -> Iterator[Frame]:
        self.origin = time.perf_counter()  # the inner source starts its clock on first next()
        yield from self.source.frames()

    def close(self) -> None:
        self.source.close()


class _SignLoop:
    """Camera → landmarks → SignStream, run by the camera `Worker`; posts only to its channel."""

    def __init__(
        self,
        open_source: SourceOpener,
        owner: SignInput,
        channel: Channel,
        previous: Worker | None,
    ) -> None:
        self.open_source = open_source
        self.owner = owner
        self.channel = channel
        self.previous = previous
        self.mode = owner.mode
        self.inbox: Inbox | None = None
        self._pipeline: SignPipeline | None = None
        self._source: _ClockedSource | None = None
        self._stream: SignStream | None = None
        self._activity: CameraState | None = None
        self._preview = Preview(owner.preview_fps, owner.preview_width)

    def stop(self) -> None:
        """From any thread (the worker's stop hook): end the pipeline's frame loop."""
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.stop()

    @property
    def _stopping(self) -> bool:
        return self.inbox is not None and self.inbox.stopping.is_set()

    # -- the thread ------------------------------------------------------------------------------

    def __call__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        if self.previous is not None:
            self.previous.join(5.0)  # it must let go of the camera first
            self.previous = None
        extractor: HolisticExtractor | None = None
        try:
            is_file = bool(getattr(self.open_source, "is_file", False))  # a file plays once
            # A camera (or a file paced like one) drops frames rather than lag; a file read as
            # fast as it decodes would otherwise leave MediaPipe a handful of frames, by chance.
            drop_frames = not is_file or bool(getattr(self.open_source, "realtime", True))
            while not self._stopping:
                try:
                    source = _ClockedSource(self.open_source(self._camera_status))
                except (CameraError, VideoError) as exc:
                    self._say(Status(Component.CAMERA, State.ERROR, str(exc)))
                    if is_file:  # a video that cannot be played is no missing camera
                        return
                    self._set_activity(CameraState.NO_CAMERA)
                    inbox.stopping.wait(self.owner.retry_s)
                    continue
                self._source = source
                if self._stream is None:  # once a camera answers: no work while there is none
                    vocabulary, demo = self.owner.load_vocabulary()
                    self.channel.post(_Demo(demo))
                    self._stream = SignStream(vocabulary, SignStreamConfig(mode=self.mode))
                if extractor is None:
                    extractor = HolisticExtractor()
                pipeline = SignPipeline(
                    source,
                    self._stream,
                    extractor,
                    on_event=self._on_event,
                    on_frame=self._on_frame,
                    on_status=self._pipeline_status,
                    drop_frames=drop_frames,
                )
                self._pipeline = pipeline
                if self._stopping:
                    pipeline.stop()
                try:
                    pipeline.run()
                except CameraError as exc:  # gone for good: keep looking while sign mode is on
                    self._say(Status(Component.CAMERA, State.ERROR, str(exc)))
                    self._set_activity(CameraState.NO_CAMERA)
                    self._stream.reset()
                    inbox.stopping.wait(self.owner.retry_s)
                    continue
                finally:
                    self._pipeline = None
                log.info(
                    "sign input: %d frames, %d dropped, %.1f landmark fps",
                    pipeline.stats.frames_seen,
                    pipeline.stats.frames_dropped,
                    pipeline.stats.landmark_fps,
                )
                if is_file and not self._stopping:
                    self._say(Status(Component.CAMERA, State.ENDED, "the video file ended"))
                break
        except SignError as exc:  # vocabulary or MediaPipe: a status, the kiosk runs on
            self._say(Status(Component.SIGN, State.ERROR, str(exc)))
        except Exception as exc:
            log.exception("sign input failed")
            self._say(Status(Component.SIGN, State.ERROR, repr(exc)))
        finally:
            if self._source is not None:
                self._source.close()  # already closed by the pipeline, unless it never ran
            if extractor is not None:
                extractor.close()
            self._set_activity(CameraState.OFF)

    def _on_frame(self, frame: Frame, landmarks: Landmarks) -> None:
        stream = self._stream
        assert stream is not None and self.inbox is not None
        for command in self.inbox.pending():
            if isinstance(command, _SetMode):
                self.mode = command.mode
        if self.mode is not stream.mode:
            stream.set_mode(self.mode)
        signing = stream.signing if stream.mode is Mode.SIGNS else landmarks.has_hands
        self._set_activity(CameraState.SIGNING if signing else CameraState.WATCHING)
        if self._preview.due() and not self._stopping:
            live = self._preview.make(frame, landmarks, signing)
            if self.owner._slot.put(live):
                self.channel.post(_FrameReady())

    def _on_event(self, event: SignEvent) -> None:
        if self._stopping:
            return  # flushed while stopping: the visit it belonged to is over
        recognised_at = time.perf_counter()
        source = self._source
        ended_at = source.origin + event.end_s if source is not None else recognised_at
        log.info("sign event: %s", type(event).__name__)  # never the recognised text
        self.channel.post(_Event(event, ended_at, recognised_at))

    def _camera_status(self, status: sign_events.Status) -> None:
        self._say(Status(status.component, status.state, status.message))
        if status.state != State.OK:  # lost: reconnecting (the next frame says "watching" again)
            self._set_activity(CameraState.NO_CAMERA)

    def _pipeline_status(self, status: sign_events.Status) -> None:
        if status.state == State.OK:
            self._say(Status(Component.CAMERA, State.OK, "watching"))
        else:
            self._say(Status(status.component, status.state, status.message))

    def _set_activity(self, activity: CameraState) -> None:
        if activity != self._activity:
            self._activity = activity
            self.channel.post(_Activity(activity))

    def _say(self, status: Status) -> None:
        self.channel.post(status)

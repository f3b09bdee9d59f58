"""The camera while staff enrol signs: camera (or a video file) → MediaPipe → `TakeRecorder`, on a
`Worker` thread, with a live picture and the landmarks drawn.

    camera = kiosk.take_camera()     # built by the kiosk: the enrolment screen builds no engine
    camera.start(armed=False)        # staff see themselves
    camera.arm()                     # record one take; `take` or `no_sign` follows
    camera.stop(wait_s=3)            # let go of the camera (the kiosk needs it back)

Commands (arm, disarm) reach the worker through its inbox; what it finds comes back through the
kiosk's `Bridge`, on a channel whose generation is retired at every stop, so a late take of a
stopped camera never lands in the vocabulary.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from kiosk.runtime.sign_input import LatestSlot, LiveFrame, Preview, SourceOpener
from kiosk.runtime.workers import Bridge, Channel, Inbox, Worker
from sign import events as sign_events
from sign.enrolment import TakeRecorder
from sign.errors import SignError
from sign.frames import Frame
from sign.landmarks import Landmarks, LandmarkSequence
from sign.pipeline import SignPipeline

log = logging.getLogger(__name__)

TAKE_TIMEOUT_S = 15.0  # armed this long without a finished sign: "no sign seen"


@dataclass(frozen=True, slots=True)
class _Arm:
    pass


@dataclass(frozen=True, slots=True)
class _Disarm:
    pass


@dataclass(frozen=True, slots=True)
class _Take:
    landmarks: LandmarkSequence


@dataclass(frozen=True, slots=True)
class _NoSign:
    pass


@dataclass(frozen=True, slots=True)
class _Frame:
    pass


@dataclass(frozen=True, slots=True)
class _Problem:
    message: str


@dataclass(frozen=True, slots=True)
class _Ended:
    pass


class TakeCamera(QObject):
    """Records enrolment takes from a camera or a video file (lives on the UI thread)."""

    take = Signal(object)  # LandmarkSequence: one sign, recorded
    no_sign = Signal()  # armed, but no sign was seen in time (or the file ended)
    frame_ready = Signal()  # a new picture waits in latest_frame()
    problem = Signal(str)  # a message for staff (camera missing, MediaPipe failed)
    ended = Signal()  # the file played out, or the camera failed: the next start restarts

    CHANNEL = "enrol-camera"

    def __init__(
        self, open_source: SourceOpener, bridge: Bridge, timeout_s: float = TAKE_TIMEOUT_S
    ) -> None:
        super().__init__()
        self.open_source = open_source
        self.bridge = bridge
        self.timeout_s = timeout_s
        self.live = not bool(getattr(open_source, "is_file", False))  # a camera: drop frames
        self._worker: Worker | None = None
        self._slot = LatestSlot()

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.alive

    def start(self, armed: bool) -> None:
        """Open the source (again) and watch it; `armed`: record a take at once."""
        self.stop()
        channel = self.bridge.channel(self.CHANNEL, self._deliver)
        loop = _TakeLoop(self.open_source, channel, self._slot, armed, self.live, self.timeout_s)
        self._worker = Worker("enrol-camera", loop, on_stop=loop.stop).start()

    def arm(self) -> None:
        """Record the next sign (a file plays from its start again)."""
        if self._worker is None or not self._worker.alive:
            self.start(armed=True)
        else:
            self._worker.send(_Arm())

    def disarm(self) -> None:
        if self._worker is not None:
            self._worker.send(_Disarm())

    def stop(self, wait_s: float = 0.0) -> None:
        self.bridge.retire(self.CHANNEL)
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
            worker.join(wait_s)
        self._slot.take()

    def latest_frame(self) -> LiveFrame | None:
        return self._slot.take()

    def _deliver(self, item: object) -> None:
        match item:
            case _Take(landmarks):
                self.take.emit(landmarks)
            case _NoSign():
                self.no_sign.emit()
            case _Frame():
                self.frame_ready.emit()
            case _Problem(message):
                self.problem.emit(message)
            case _Ended():
                self._worker = None
                self.ended.emit()


class _TakeLoop:
    """Runs on the worker: landmarks only; the recorder decides where a take begins and ends."""

    def __init__(
        self,
        open_source: SourceOpener,
        out: Channel,
        slot: LatestSlot,
        armed: bool,
        drop_frames: bool,
        timeout_s: float,
    ) -> None:
        self.open_source = open_source
        self.out = out
        self.slot = slot
        self.armed = armed
        self.drop_frames = drop_frames
        self.timeout_s = timeout_s
        self.inbox: Inbox | None = None
        self._recorder = TakeRecorder()
        self._armed_at = time.monotonic()
        self._pipeline: SignPipeline | None = None
        self._preview = Preview()

    def stop(self) -> None:
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.stop()

    def __call__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        try:
            source = self.open_source(self._status)
            pipeline = SignPipeline(
                source, None, on_frame=self._on_frame, drop_frames=self.drop_frames
            )
            self._pipeline = pipeline
            if inbox.stopping.is_set():
                pipeline.stop()
            pipeline.run()
            if self.armed and not inbox.stopping.is_set():  # the file ended during the take
                self.armed = False
                take = self._recorder.finish()
                self.out.post(_Take(take) if take is not None else _NoSign())
        except SignError as exc:
            self.out.post(_Problem(str(exc)))
        except Exception as exc:
            log.exception("enrolment camera failed")
            self.out.post(_Problem(repr(exc)))
        finally:
            self.out.post(_Ended())

    def _on_frame(self, frame: Frame, landmarks: Landmarks) -> None:
        assert self.inbox is not None
        for command in self.inbox.pending():
            if isinstance(command, _Arm):
                self._recorder = TakeRecorder()
                self._armed_at = time.monotonic()
                self.armed = True
            elif isinstance(command, _Disarm):
                self.armed = False
        recorder = self._recorder
        if self.armed:
            take = recorder.feed(landmarks)
            if take is not None:
                self.armed = False
                self.out.post(_Take(take))
            elif time.monotonic() - self._armed_at > self.timeout_s:
                self.armed = False
                self.out.post(_NoSign())
        if self._preview.due():
            live = self._preview.make(frame, landmarks, recorder.signing and self.armed)
            if self.slot.put(live):
                self.out.post(_Frame())

    def _status(self, status: sign_events.Status) -> None:
        self.out.post(_Problem(status.message))

"""The kiosk's one way of working off the UI thread.

A `Worker` is a plain thread that runs a loop — a source into an engine (a microphone into the
recogniser, a camera into the sign engine), or a queue of jobs (translation, model loading). Other
threads talk to it only through its `Inbox`: commands go in with `send()`, never by writing its
attributes, and `stop()` sets the inbox's stop flag. What the loop produces goes out through a
`Channel` of the UI thread's `Bridge`, tagged with the channel's generation: when an input is
stopped or replaced, its generation is retired, and whatever it still posts is dropped.

Qt appears only in `Bridge` (a queued signal onto the UI thread); the loops know nothing of Qt.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


class Inbox:
    """A worker's commands and its stop flag (thread-safe)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.stopping = threading.Event()

    def send(self, command: object) -> None:
        self._queue.put(command)

    def pending(self) -> list[object]:
        """Every command waiting now (never blocks)."""
        out = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    def wait(self, timeout_s: float) -> object | None:
        """The next command, waiting up to `timeout_s`; None if none came."""
        try:
            return self._queue.get(timeout=timeout_s)
        except queue.Empty:
            return None


class Worker:
    """A thread running `loop(inbox)` until the loop returns or `stop()` is called."""

    def __init__(
        self,
        name: str,
        loop: Callable[[Inbox], None],
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.inbox = Inbox()
        self._loop = loop
        self._on_stop = on_stop  # unblocks the loop (closes its source)
        self._thread = threading.Thread(target=self._run, name=f"changgu-{name}", daemon=True)

    def start(self) -> Worker:
        self._thread.start()
        return self

    def send(self, command: object) -> None:
        self.inbox.send(command)

    def stop(self) -> None:
        self.inbox.stopping.set()
        if self._on_stop is not None:
            try:
                self._on_stop()
            except Exception:  # closing a device that is already gone
                log.debug("worker %s: stop hook failed", self.name, exc_info=True)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the thread to end; True if it has (or never started)."""
        if self._thread.ident is None:
            return True
        self._thread.join(max(0.0, timeout_s))
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._loop(self.inbox)
        except Exception:  # the loop reports its own failures; this is the last resort
            log.exception("worker %s failed", self.name)


@dataclass(frozen=True, slots=True)
class Posted:
    channel: str
    generation: int
    payload: object


class Channel:
    """Where one worker posts its events (from any thread)."""

    def __init__(self, bridge: Bridge, name: str, generation: int) -> None:
        self._bridge = bridge
        self.name = name
        self.generation = generation

    def post(self, payload: object) -> None:
        self._bridge.posted.emit(Posted(self.name, self.generation, payload))

    @property
    def current(self) -> bool:
        return self._bridge.is_current(self)


class Bridge(QObject):
    """Carries workers' events onto the UI thread, dropping those of retired generations."""

    posted = Signal(object)  # Posted

    def __init__(self) -> None:
        super().__init__()
        self._generation: dict[str, int] = {}
        self._handlers: dict[str, Callable[[Any], None]] = {}
        self._lock = threading.Lock()
        self.posted.connect(self._deliver)

    def channel(self, name: str, handler: Callable[[Any], None]) -> Channel:
        """A new generation of channel `name`: events of earlier generations are dropped."""
        with self._lock:
            generation = self._generation.get(name, 0) + 1
            self._generation[name] = generation
        self._handlers[name] = handler
        return Channel(self, name, generation)

    def retire(self, name: str) -> None:
        """Drop whatever channel `name`'s current generation still posts."""
        with self._lock:
            self._generation[name] = self._generation.get(name, 0) + 1

    def post_current(self, name: str, payload: object) -> None:
        """Post on channel `name`'s generation of the moment (from any thread)."""
        with self._lock:
            generation = self._generation.get(name, 0)
        self.posted.emit(Posted(name, generation, payload))

    def is_current(self, channel: Channel) -> bool:
        with self._lock:
            return self._generation.get(channel.name) == channel.generation

    def _deliver(self, posted: Posted) -> None:
        with self._lock:
            current = self._generation.get(posted.channel) == posted.generation
        if current:
            self._handlers[posted.channel](posted.payload)


Delivery = Callable[[], None]  # what a finished job does on the UI thread


@dataclass(frozen=True, slots=True)
class _Job:
    run: Callable[[], Delivery]  # on the worker: the work, then what to do with its outcome
    channel: Channel  # the generation it was queued in


class Jobs:
    """A worker that runs jobs one at a time and hands each result back on the UI thread.

    `drop_pending()` starts a new generation: jobs queued before it are skipped, and the result of
    the one in flight is dropped when it arrives (New visit: nothing of one visit reaches the next).
    """

    def __init__(self, bridge: Bridge, name: str) -> None:
        self.name = name
        self._bridge = bridge
        self._channel = bridge.channel(name, self._deliver)
        self._worker = Worker(name, self._loop).start()
        self._closed = False

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `work` on the worker; `done(result)` or `failed(error)` follow on the UI thread."""
        if self._closed:  # the kiosk is closing: late work (a last utterance) is dropped
            log.info("%s: job dropped, the kiosk is stopping", self.name)
            return

        def job() -> Delivery:
            try:
                result = work()
            except Exception as exc:  # delivered to the UI as a status, never a crash
                error: BaseException = exc  # `exc` itself is unbound when the block ends
                return lambda: self._failed(error, failed)
            return lambda: done(result)

        self._worker.send(_Job(job, self._channel))

    def drop_pending(self) -> None:
        self._channel = self._bridge.channel(self.name, self._deliver)

    def shutdown(self) -> None:
        self._closed = True
        self._worker.stop()

    def join(self, timeout_s: float) -> bool:
        if self._worker.join(timeout_s):
            return True
        log.warning("%s still running at exit", self.name)
        return False

    def _loop(self, inbox: Inbox) -> None:
        while not inbox.stopping.is_set():
            job = inbox.wait(0.2)
            if isinstance(job, _Job) and job.channel.current and not inbox.stopping.is_set():
                job.channel.post(job.run())
            job = None  # the job holds visit text: nothing of it stays behind in this frame

    def _deliver(self, delivery: Delivery) -> None:
        delivery()

    def _failed(self, error: BaseException, failed: Callable[[BaseException], None] | None) -> None:
        log.warning("%s: job failed: %s", self.name, type(error).__name__)
        if failed is not None:
            failed(error)

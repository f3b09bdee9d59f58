"""The kiosk's audio inputs: each microphone (or a recording in its place) on a worker of its own,
running source → VAD → Whisper and posting what it hears onto the UI thread.

Every input posts on a `Channel` of the kiosk's `Bridge`. New visit gives each input a new
channel (`forget`): whatever the old one still carries — a final the recogniser finished just
before New visit — is dropped, so nothing heard in one visit reaches the next.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from asr.audio import FRAME_SAMPLES, AudioSource, InputDevice, MicrophoneSource, list_input_devices
from asr.errors import AsrError
from asr.events import Side, Status, Utterance
from asr.streaming import StreamConfig
from kiosk.core.events import MicRole
from kiosk.core.health import Component, State
from kiosk.errors import ChangguError
from kiosk.runtime.engines import Recogniser, SpeechEngine
from kiosk.runtime.feed import RecordingFeed
from kiosk.runtime.workers import Bridge, Channel, Inbox, Worker

log = logging.getLogger(__name__)

Heard = Callable[[Utterance, str, MicRole], None]  # (utterance, input tag, microphone role)


@dataclass(frozen=True, slots=True)
class _Languages:
    langs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Forget:
    channel: Channel  # post on this one from now on: the old one is retired


@dataclass(frozen=True, slots=True)
class _Mute:
    on: bool


@dataclass(frozen=True, slots=True)
class _Ended:
    pass


@dataclass(frozen=True, slots=True)
class _Played:
    pass


@dataclass
class _Input:
    worker: Worker
    role: MicRole
    feed: RecordingFeed | None = None


class Microphones:
    """The open audio inputs, by tag ("counter", "staff", "visitor", "feed:counter", …)."""

    def __init__(
        self,
        bridge: Bridge,
        heard: Heard,
        status: Callable[[Status], None],
        played: Callable[[], None],
    ) -> None:
        self._bridge = bridge
        self._heard = heard
        self._status = status
        self._played = played
        self._inputs: dict[str, _Input] = {}
        self._stopped: list[Worker] = []  # stopped, perhaps still finishing a decode
        self._device_status = bridge.channel("mic-status", status)  # from PortAudio's threads
        self.muted = False

    def open_devices(
        self,
        staff: str | None,
        visitor: str | None,
        speech: SpeechEngine | None,
        listening: dict[MicRole, tuple[str, ...]],
    ) -> None:
        """One counter microphone (`staff`; None: the default), or, when a visitor's microphone
        is named too, one per side: then each side's microphone decides who spoke."""
        if speech is None:
            self._report(Component.MICROPHONE, State.ERROR, "speech model not loaded")
            return
        plan = [("counter", staff, MicRole.COUNTER)]
        if visitor:
            plan = [("staff", staff, MicRole.STAFF), ("visitor", visitor, MicRole.VISITOR)]
        for tag, device, role in plan:
            self.open_device(tag, device, role, speech, listening[role])

    def open_device(
        self,
        tag: str,
        device: str | None,
        role: MicRole,
        speech: SpeechEngine,
        langs: tuple[str, ...],
    ) -> None:
        """Open a microphone (None: the default one); a missing one becomes a status."""
        component = Component.microphone(tag)
        try:
            source = MicrophoneSource(
                device or None, on_status=self._device_status.post, component=component
            )
        except AsrError as exc:
            self._report(component, State.ERROR, str(exc))
            return
        self._start(tag, source, role, speech, langs)

    def open_feed(
        self, role: MicRole, realtime: bool, speech: SpeechEngine | None, langs: tuple[str, ...]
    ) -> RecordingFeed | None:
        """A recording player in `role`'s microphone place, opened now; None if the speech engine
        cannot listen (its status says why)."""
        tag = f"feed:{role.value}"
        if tag in self._inputs:
            return self._inputs[tag].feed
        feed = RecordingFeed(realtime)
        if speech is None:
            self._report(Component.microphone(tag), State.ERROR, "speech model not loaded")
            return None
        if not self._start(tag, feed, role, speech, langs):
            return None
        self._inputs[tag].feed = feed
        # from the feed's thread, on the input's channel of the moment (a New visit meanwhile
        # must not swallow the end of a recording: a script waits for it)
        feed.on_played = lambda _path: self._bridge.post_current(tag, _Played())
        feed.on_failed = lambda path, exc: self._bridge.post_current(
            tag, Status(Component.microphone(tag), State.ERROR, f"{path.name}: {exc}")
        )
        return feed

    def play(self, role: MicRole, path: Path, trailing_silence_s: float) -> bool:
        """Queue a recording on `role`'s feed; False if there is none or the file cannot be
        played (a status says why)."""
        tag = f"feed:{role.value}"
        entry = self._inputs.get(tag)
        if entry is None or entry.feed is None:
            return False
        try:
            entry.feed.play(path, trailing_silence_s)
        except AsrError as exc:  # gone or spoilt since the script was checked
            self._report(Component.microphone(tag), State.ERROR, str(exc))
            return False
        return True

    def listen_for(self, languages: dict[MicRole, tuple[str, ...]]) -> None:
        for entry in self._inputs.values():
            entry.worker.send(_Languages(languages[entry.role]))

    def forget(self) -> None:
        """New visit: every recogniser resets, and what an input heard before is dropped."""
        for tag, entry in self._inputs.items():
            entry.worker.send(_Forget(self._channel(tag, entry.role)))

    def mute(self, on: bool) -> None:
        self.muted = on
        for entry in self._inputs.values():
            entry.worker.send(_Mute(on))
        self._report(
            Component.MICROPHONE, State.WARNING if on else State.OK, "muted" if on else "on"
        )

    def stop(self) -> None:
        for tag, entry in list(self._inputs.items()):
            self._bridge.retire(tag)
            entry.worker.stop()
            self._stopped.append(entry.worker)
        self._inputs.clear()

    def join(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` in all for the stopped inputs' threads to end."""
        deadline = time.monotonic() + timeout_s
        ended = True
        for worker in self._stopped:
            if not worker.join(deadline - time.monotonic()):
                log.warning("audio input %s still running at exit", worker.name)
                ended = False
        return ended

    def devices(self) -> list[InputDevice]:
        """The microphones PortAudio sees (for the settings screen); none if it cannot tell."""
        try:
            return list_input_devices()
        except AsrError as exc:
            self._report(Component.MICROPHONE, State.WARNING, str(exc))
            return []

    # -- inside ----------------------------------------------------------------------------------

    def _start(
        self,
        tag: str,
        source: AudioSource,
        role: MicRole,
        speech: SpeechEngine,
        langs: tuple[str, ...],
    ) -> bool:
        """Run `source` into a new recogniser; False (and a status naming the fix) if the speech
        engine cannot build one, e.g. a model file removed since the kiosk started."""
        side = Side.STAFF if role is MicRole.STAFF else Side.VISITOR
        try:
            recogniser = speech.recogniser(langs, StreamConfig(side=side))
        except (AsrError, ChangguError) as exc:
            source.close()
            self._report(Component.microphone(tag), State.ERROR, str(exc))
            return False
        channel = self._channel(tag, role)
        worker = Worker(
            f"audio-{tag}",
            _audio_loop(source, recogniser, channel, tag, self.muted),
            on_stop=source.close,
        )
        self._inputs[tag] = _Input(worker, role)
        worker.start()
        self._report(Component.microphone(tag), State.OK, "listening")
        return True

    def _channel(self, tag: str, role: MicRole) -> Channel:
        return self._bridge.channel(tag, lambda item: self._arrived(tag, role, item))

    def _arrived(self, tag: str, role: MicRole, item: object) -> None:
        match item:
            case Utterance():
                self._heard(item, tag, role)
            case Status():
                self._status(item)
            case _Played():
                self._played()
            case _Ended():  # the source ended by itself (a device gone for good)
                self._inputs.pop(tag, None)
                self._bridge.retire(tag)

    def _report(self, component: str, state: State, message: str) -> None:
        self._status(Status(component, state, message))


def _audio_loop(
    source: AudioSource, recogniser: Recogniser, channel: Channel, tag: str, muted: bool
) -> Callable[[Inbox], None]:
    """Source → VAD → Whisper, taking commands between frames."""

    def loop(inbox: Inbox) -> None:
        silence = np.zeros(FRAME_SAMPLES, dtype=np.float32)
        out, mute = channel, muted
        try:
            for frame in source.frames():
                for command in inbox.pending():
                    match command:
                        case _Languages(langs):
                            recogniser.set_languages(langs)
                        case _Forget(new_channel):
                            recogniser.reset()
                            out = new_channel
                        case _Mute(on):
                            mute = on
                if inbox.stopping.is_set():
                    break
                heard = recogniser.accept(silence if mute else frame, source.backlog_s())
                _post_all(out, heard, recogniser, source)
            if not inbox.stopping.is_set():  # the recording ended: its last words become final
                _post_all(out, recogniser.finish(), recogniser, source)
        except Exception as exc:  # a device or model failure: a status, and the kiosk runs on
            log.exception("audio input %s failed", tag)
            out.post(Status(Component.microphone(tag), State.ERROR, str(exc)))
        finally:
            out.post(_Ended())  # dropped when the input was stopped (its channel is retired)

    return loop


def _post_all(
    out: Channel, utterances: Iterable[Utterance], recogniser: Recogniser, source: AudioSource
) -> None:
    """Post each result, a final with its latency (the audio after its end taken in so far, and
    the audio still queued: the decode's time). In a function of its own so that no loop variable
    of the long-lived audio loop keeps the last words heard alive after New visit."""
    for u in utterances:
        heard = getattr(recogniser, "heard_s", None)  # (scripted test recognisers have none)
        if u.final and isinstance(heard, float):
            u = replace(u, latency_s=round(max(0.0, heard - u.end_s) + source.backlog_s(), 3))
        out.post(u)

"""The kiosk: the conversation core (`kiosk.core.conversation`) driven from Qt, with its engines on
workers (`kiosk.runtime.workers`).

`Kiosk` turns what happens — a microphone's recogniser result, a sign, a tap, typed text — into
events for the core, and carries out the commands the core returns: it shows turns (through its
signals, which the screens listen to), sends texts to the translation worker, tells each microphone
which languages to listen for, starts and stops the camera, and forgets a visit. It decides nothing
about the visit itself.

Threads: each microphone (or a recording in its place) is a `Worker` running source → VAD →
Whisper; translation and model loading are `Jobs` workers of their own, so typed text never waits
behind a load; the camera runs the sign engine on its own thread (`kiosk.runtime.sign_input`). Engines are
injected through small Protocols (`Speech`, `Translation`), so screens can be tested on fakes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from asr.audio import (
    FRAME_SAMPLES,
    AudioSource,
    InputDevice,
    MicrophoneSource,
    list_input_devices,
)
from asr.errors import AsrError
from asr.events import Side, Status, Utterance
from asr.streaming import StreamConfig
from kiosk.core import conversation as core
from kiosk.core.conversation import Conversation, MicRole, VisitMode
from kiosk.core.session import Session, Turn, TurnKind
from kiosk.errors import ChangguError
from kiosk.runtime.feed import RecordingFeed
from kiosk.runtime.sign_input import SignInput, SignTiming, SourceOpener, VideoOpener, camera_source
from kiosk.runtime.take_camera import TakeCamera
from kiosk.runtime.workers import Bridge, Channel, Inbox, Jobs, Worker
from kiosk.setup import paths
from kiosk.setup.settings import Settings, camera_device
from sign.events import SignEvent, SignResult
from sign.store import VocabularyStore, office_or_demo
from sign.stream import Mode as SignMode
from sign.vocabulary import SignVocabulary

log = logging.getLogger(__name__)


class Recogniser(Protocol):
    """A streaming recogniser (`asr.streaming.StreamingRecognizer`)."""

    def accept(self, frames: Any, backlog_s: float = 0.0) -> Any: ...

    def finish(self) -> Any: ...

    def reset(self) -> None: ...

    def set_languages(self, langs: Sequence[str]) -> None: ...


class Speech(Protocol):
    """The loaded speech models (`kiosk.runtime.speech.SpeechModels`)."""

    def recognizer(
        self, langs: Sequence[str], config: StreamConfig | None = None
    ) -> Recogniser: ...


class Translation(Protocol):
    """The translation engine (`translate.Translator`)."""

    def translate(self, text: str, source_lang: str, target_lang: str) -> Any: ...

    def say(
        self, phrase_id: str, source_lang: str, target_lang: str, values: Any = None
    ) -> Any: ...


@dataclass(frozen=True)
class Engines:
    """How the kiosk gets its engines: the real ones by default, fakes in screen tests."""

    phrasebook: Callable[[], Any]  # at once: quick replies and typing work before models load
    translator: Callable[[], Any]  # in the background (embeddings, MT packs)
    speech: Callable[[Settings], Any] | None  # None: no speech recognition (screens only)

    @classmethod
    def real(cls, speech: bool = True) -> Engines:
        def phrasebook() -> Any:
            from translate import Translator

            return Translator.load(paths.cache_dir(), semantic=False)

        def translator() -> Any:
            from translate import Translator

            return Translator.load(paths.cache_dir(), paths.models_dir() / "mt")

        def speech_models(settings: Settings) -> Any:
            from kiosk.runtime.speech import SpeechModels

            return SpeechModels(asr_model=settings.speech_model or None)

        return cls(phrasebook, translator, speech_models if speech else None)


@dataclass(frozen=True)
class Timing:
    """When a final utterance was recognised and when its translation reached the screen."""

    turn_id: int
    side: Side
    recognised_at: float
    shown_at: float = 0.0


@dataclass(frozen=True, slots=True)
class _Languages:
    langs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Forget:
    pass


@dataclass(frozen=True, slots=True)
class _Mute:
    on: bool


@dataclass(frozen=True, slots=True)
class _Ended:
    pass


@dataclass(frozen=True, slots=True)
class _Played:
    pass


class Kiosk(QObject):
    """The application's state and engines, seen by the UI through signals and a few methods."""

    turn_changed = Signal(object)  # Turn (new, grown from a partial, or translated)
    state_changed = Signal(object, object)  # Side, conversation.Activity
    status = Signal(object)  # asr.events.Status
    models_ready = Signal()
    visit_reset = Signal()
    language_changed = Signal(object)  # the visitor's language code, or None
    playback_finished = Signal()
    sign_rejected = Signal(object)  # sign.events.SignRejected: staff ask to repeat or write
    confirm_asked = Signal(object)  # Turn of kind CONFIRM: "Did you mean …?"

    def __init__(
        self,
        settings: Settings | None = None,
        session: Session | None = None,
        engines: Engines | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings.load()
        self.engines = engines or Engines.real()
        self.session = session or Session(idle_timeout_s=float(self.settings.idle_timeout_s))
        self.conversation = Conversation(
            self.session,
            offered=tuple(self.settings.languages),
            two_mics=bool(self.settings.visitor_device),
            speak_translations=self.settings.speak_translations,
        )
        self.bridge = Bridge()
        self.tasks = Jobs(self.bridge, "translation")
        self.loader = Jobs(self.bridge, "models")  # model loading never delays a translation
        self.health: dict[str, Status] = {}  # the latest status of each component
        self.translator: Any = None  # phrasebook-only at first; the full one once loaded
        self.speech: Any = None
        self.ready = False
        self.muted = False
        self.timings: list[Timing] = []
        self._inputs: dict[str, tuple[Worker, MicRole]] = {}
        self._channels: dict[str, Channel] = {}
        self._feeds: dict[str, RecordingFeed] = {}
        self._stopped_inputs: list[Worker] = []  # stopped, perhaps still finishing a decode
        self.status.connect(self._remember)
        self._status_channel = self.bridge.channel("status", self.status.emit)
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(lambda: self._handle(core.Tick()))
        self._idle_timer.start(5000)
        self._speaker: Any = None
        self._stopped = False
        self.sign = SignInput(self._sign_vocabulary, bridge=self.bridge)
        self.sign.sign_event.connect(self._on_sign_event)
        self.sign.status.connect(self.status.emit)
        self.sign.activity.connect(self._sign_activity)
        self.sign_timings: list[SignTiming] = []
        self.sign_source: SourceOpener | None = None  # None: the camera of the settings

    @property
    def sign_results(self) -> dict[int, SignResult]:
        return self.conversation.sign_results

    # -- start-up --------------------------------------------------------------------------------

    def start(self, load_speech: bool = True) -> None:
        """Phrasebook now (quick replies and typing work at once); the models in the background."""
        try:
            self.translator = self.engines.phrasebook()
        except Exception as exc:
            self._report("translation", "error", f"phrasebook could not be loaded: {exc}")
        self._report("models", "working", "loading")
        make_speech = self.engines.speech if load_speech else None
        make_translator = self.engines.translator
        settings = self.settings

        def load() -> tuple[Any, Any]:
            speech = make_speech(settings) if make_speech else None  # first: missing is reported
            return make_translator(), speech

        self.loader.run(load, self._models_loaded, self._models_failed)
        self._apply(self.conversation.start())

    def _models_loaded(self, loaded: tuple[Any, Any]) -> None:
        self.translator, self.speech = loaded
        self.ready = True
        self._report("models", "ok", "ready")
        self.models_ready.emit()

    def _models_failed(self, error: BaseException) -> None:
        message = str(error) if isinstance(error, ChangguError | AsrError) else repr(error)
        self._report("models", "error", message)

    # -- what staff and the visitor do -----------------------------------------------------------

    def choose_language(self, lang: str | None) -> None:
        self._handle(core.LanguageChosen(lang))

    def new_visit(self) -> None:
        self._handle(core.NewVisit())

    def quick_reply(self, phrase_id: str, slots: dict[str, str] | None = None) -> Turn | None:
        """Staff tap a phrase: shown (and optionally spoken) to the visitor, verified."""
        from translate import TranslateError

        target = self.conversation.target_for(Side.STAFF)
        try:
            t = self.translator.say(phrase_id, "ko", target, _slot_values(slots or {}))
        except TranslateError as exc:
            self._report("quick reply", "warning", str(exc))
            return None
        kind = TurnKind.ORIGINAL if target == "ko" else TurnKind(t.kind.value)
        self._handle(
            core.PhraseSaid(phrase_id, t.source_text, target, t.text, kind, bool(t.reviewed))
        )
        return self.session.latest(Side.STAFF)

    def send_typed(self, text: str, side: Side = Side.STAFF, lang: str | None = None) -> None:
        """Typed text (staff's Korean, or the visitor's pad): translated on the worker thread."""
        self._handle(core.Typed(text, side, lang))

    def hear(self, utterance: Utterance, source: str, role: MicRole = MicRole.COUNTER) -> None:
        """A recogniser's result, as a microphone's worker posts it (tests feed results here)."""
        self._from_input(source, role, utterance)

    def confirm(self, turn_id: int, phrase_id: str | None) -> None:
        """The answer to "Did you mean …?": the phrase meant, or None for No."""
        self._handle(core.Confirmed(turn_id, phrase_id))

    def settings_changed(self) -> None:
        """Staff changed the settings: the languages offered, speech out, the idle timeout."""
        settings, conversation = self.settings, self.conversation
        conversation.offered = tuple(settings.languages)
        conversation.speak_translations = settings.speak_translations
        self.session.idle_timeout_s = float(settings.idle_timeout_s)
        self._apply([core.ListenFor(conversation.listening())])

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        for worker, _role in self._inputs.values():
            worker.send(_Mute(muted))
        self._report("microphone", "warning" if muted else "ok", "muted" if muted else "on")

    def set_push_to_talk(self, held: bool) -> None:
        """The visitor's talk button: while it is held, what the microphone hears is theirs."""
        self._handle(core.TalkButton(held))

    # -- audio -----------------------------------------------------------------------------------

    def start_microphones(self) -> None:
        """Open the microphone(s) the settings name; a missing one becomes a status, not a crash."""
        if self.speech is None:
            self._report("microphone", "error", "speech model not loaded")
            return
        plan = (
            [
                ("staff", self.settings.staff_device, MicRole.STAFF),
                ("visitor", self.settings.visitor_device, MicRole.VISITOR),
            ]
            if self.conversation.two_mics
            else [("counter", self.settings.staff_device, MicRole.COUNTER)]
        )
        for tag, device, role in plan:
            component = f"mic:{tag}"
            try:
                source = MicrophoneSource(
                    device or None, on_status=self._status_channel.post, component=component
                )
            except AsrError as exc:
                self._report(component, "error", str(exc))
                continue
            self._start_input(tag, source, role)

    def open_feed(self, role: MicRole = MicRole.COUNTER, realtime: bool = True) -> RecordingFeed:
        """Put a recording player in a microphone's place (the demo, scenario scripts, tests): it
        opens now, like the microphone, and recordings are played into it with `play_file`.

        If the speech engine cannot listen (a model file gone), that is a status, as for a
        microphone; the feed returned then plays nothing, and the next call tries again."""
        tag = f"feed:{role.value}"
        if tag in self._feeds:
            return self._feeds[tag]
        feed = RecordingFeed(realtime)
        if self.speech is None:
            self._report(f"mic:{tag}", "error", "speech model not loaded")
            return feed
        if not self._start_input(tag, feed, role):
            return feed
        self._feeds[tag] = feed
        channel = self._channels[tag]
        feed.on_played = lambda _path: channel.post(_Played())
        return feed

    def play_file(
        self,
        path: Path,
        role: MicRole = MicRole.COUNTER,
        realtime: bool = True,
        trailing_silence_s: float = 1.0,
    ) -> None:
        """Play a recording into the feed in `role`'s microphone place (opened if it is not yet),
        followed by `trailing_silence_s` of a quiet room; `playback_finished` follows (at once,
        with nothing heard, when the feed could not be opened: its status says why)."""
        feed = self.open_feed(MicRole(role), realtime)
        if f"feed:{MicRole(role).value}" not in self._feeds:
            QTimer.singleShot(0, self.playback_finished.emit)
            return
        feed.play(Path(path), trailing_silence_s)

    def stop(self, wait_s: float = 0.0) -> None:
        """Stop every input and worker. With `wait_s` (at exit), also wait that long in all for
        their threads to leave Whisper, MediaPipe or CTranslate2: a daemon thread still inside
        native code when the interpreter finalises is frozen there mid-call."""
        self._stopped = True
        self._idle_timer.stop()  # a timer must stop on its own thread, before any deletion
        self.sign.stop(wait_s=3.0)  # lets go of the camera and MediaPipe before the app quits
        for tag, (worker, _role) in list(self._inputs.items()):
            self.bridge.retire(tag)
            worker.stop()
            self._stopped_inputs.append(worker)
        self._inputs.clear()
        self._feeds.clear()
        self.tasks.shutdown()
        self.loader.shutdown()
        if self._speaker is not None:
            self._speaker.stop()
        if wait_s <= 0:
            return
        deadline = time.monotonic() + wait_s
        for worker in self._stopped_inputs:
            if not worker.join(deadline - time.monotonic()):
                log.warning("audio input %s still running at exit", worker.name)
        for jobs in (self.tasks, self.loader):
            if not jobs.join(deadline - time.monotonic()):
                log.warning("%s still running at exit", jobs.name)

    def _start_input(self, tag: str, source: AudioSource, role: MicRole) -> bool:
        """Run `source` into a new recogniser; False (and a status naming the fix) if the speech
        engine cannot build one, e.g. a model file removed since the kiosk started."""
        langs = self.conversation.listening()[role]
        try:
            recogniser = self.speech.recognizer(langs, StreamConfig(side=Side(_side_of(role))))
        except (AsrError, ChangguError) as exc:
            source.close()
            self._report(f"mic:{tag}", "error", str(exc))
            return False
        channel = self.bridge.channel(tag, lambda item: self._from_input(tag, role, item))
        self._channels[tag] = channel
        worker = Worker(
            f"audio-{tag}",
            _audio_loop(source, recogniser, channel, tag, self.muted),
            on_stop=source.close,
        )
        self._inputs[tag] = (worker, role)
        worker.start()
        self.state_changed.emit(Side(_side_of(role)), core.Activity.LISTENING)
        self._report(f"mic:{tag}", "ok", "listening")
        return True

    def _from_input(self, tag: str, role: MicRole, item: Any) -> None:
        if self._stopped:
            return  # queued by an audio thread before it saw the stop
        if isinstance(item, Utterance):
            self._handle(core.Heard(item, tag, role))
        elif isinstance(item, Status):
            self.status.emit(item)
        elif isinstance(item, _Played):
            self.playback_finished.emit()
        elif isinstance(item, _Ended):  # the source ended by itself (a device gone for good)
            self._inputs.pop(tag, None)
            self._feeds.pop(tag, None)
            self.bridge.retire(tag)

    # -- camera (deaf-visitor mode) ---------------------------------------------------------------

    @property
    def deaf_visitor(self) -> bool:
        return self.conversation.mode is VisitMode.DEAF

    def input_devices(self) -> list[InputDevice]:
        """The microphones PortAudio sees (for the settings screen); none if it cannot tell."""
        try:
            return list_input_devices()
        except AsrError as exc:
            self._report("microphone", "warning", str(exc))
            return []

    def play_sign_file(self, path: Path, realtime: bool = True) -> None:
        """Watch a video file instead of the camera (the demo; tests), in deaf-visitor mode.

        The file stays the camera until `sign_source` is set back to None.
        """
        from kiosk.core.session import KSL

        self.sign_source = VideoOpener(Path(path), realtime)
        if self.deaf_visitor:
            self.sign.start(self.sign_source)
        else:
            self.choose_language(KSL)  # starts watching it

    def sign_opener(self) -> SourceOpener:
        """What the sign engine watches: a video file given by `play_sign_file`, else the camera
        of the settings."""
        return self.sign_source or camera_source(camera_device(self.settings.camera))

    def sign_store(self) -> VocabularyStore:
        """The office's enrolled sign vocabularies (landmarks only), in the user data folder."""
        return VocabularyStore(paths.data_dir() / "sign")

    def take_camera(self) -> TakeCamera:
        """The camera for the sign enrolment screen (the kiosk's own camera, or the video file
        given by `play_sign_file`); stop sign recognition before using it."""
        return TakeCamera(self.sign_opener(), self.bridge)

    def resume_sign(self) -> None:
        """(Re)start the camera if the visitor signs (after enrolment, or a settings change)."""
        if self.deaf_visitor:
            self.sign.start(self.sign_opener())

    def set_fingerspelling(self, on: bool) -> None:
        self.sign.set_mode(SignMode.SPELLING if on else SignMode.SIGNS)

    def _sign_vocabulary(self) -> tuple[SignVocabulary, bool]:
        """The office's enrolled vocabulary, else the bundled MSL demo pack (on the worker)."""
        return office_or_demo(self.sign_store())

    def _sign_activity(self, activity: str) -> None:
        if activity == "signing":
            self.session.touch()  # someone signing is not an idle counter
            self.state_changed.emit(Side.VISITOR, core.Activity.RECOGNISING)
        elif activity in ("watching", "off"):
            self.state_changed.emit(Side.VISITOR, core.Activity.IDLE)

    def _on_sign_event(self, event: SignEvent, ended_at: float, recognised_at: float) -> None:
        before = len(self.session.turns)
        self._handle(core.Signed(event))
        latest = self.session.latest(Side.VISITOR)
        if latest is not None and len(self.session.turns) > before:
            self.sign_timings.append(SignTiming(latest.turn_id, ended_at, recognised_at))

    # -- the core's commands ---------------------------------------------------------------------

    def _handle(self, event: core.Event) -> None:
        self._apply(self.conversation.handle(event))

    def _apply(self, commands: list[core.Command]) -> None:
        for command in commands:
            match command:
                case core.ShowTurn(turn):
                    if turn.final and turn.kind is TurnKind.PENDING and turn.lang != "ksl":
                        self.timings.append(Timing(turn.turn_id, turn.side, time.perf_counter()))
                    self.turn_changed.emit(turn)
                case core.Translate():
                    self._translate(command)
                case core.ListenFor(languages):
                    for worker, role in self._inputs.values():
                        worker.send(_Languages(languages[role]))
                case core.ForgetVisit():
                    for worker, _role in self._inputs.values():
                        worker.send(_Forget())
                    forget = getattr(self.translator, "forget", None)
                    if callable(forget):
                        forget()  # translation caches hold visit text
                    self.set_fingerspelling(False)  # the next visitor starts with signs
                case core.VisitEnded(idle):
                    self.visit_reset.emit()
                    if idle:
                        self._report("visit", "ok", "idle timeout: new visit")
                case core.LanguageShown(lang, _mode):
                    self.language_changed.emit(lang)
                case core.Camera(on):
                    if on and not self.sign.running:
                        self.sign.start(self.sign_opener())
                    elif not on and self.sign.running:
                        self.sign.stop()
                case core.SetActivity(side, activity):
                    self.state_changed.emit(side, activity)
                case core.Speak(text, lang):
                    self._speak(text, lang)
                case core.AskConfirm(turn):
                    self.confirm_asked.emit(turn)
                case core.SignNotRecognised(event):
                    self.sign_rejected.emit(event)
                case core.Report(status):
                    self.status.emit(status)

    def _translate(self, command: core.Translate) -> None:
        translator = self.translator
        turn_id = command.turn_id

        def work() -> Any:
            return translator.translate(command.text, command.source_lang, command.target_lang)

        self.tasks.run(
            work,
            lambda t: self._handle(core.Translated(turn_id, t)),
            lambda e: self._handle(core.TranslationFailed(turn_id, str(e))),
        )

    def _speak(self, text: str, lang: str) -> None:
        from kiosk.runtime.speech_out import Speaker

        self._speaker = self._speaker or Speaker()
        self._speaker.say(text, lang)
        if self._speaker.program is None:  # captions go on; staff learn why nothing is heard
            self._report(
                "speech out",
                "warning",
                "espeak-ng is not installed: translations are not spoken aloud "
                "(apt-get install espeak-ng); captions work as before",
            )
        elif self.health.get("speech out", Status("", "ok", "")).state != "ok":
            self._report("speech out", "ok", "speaking")

    def _report(self, component: str, state: str, message: str) -> None:
        self.status.emit(Status(component, state, message))

    def _remember(self, status: Status) -> None:
        self.health[status.component] = status  # a screen built later shows it too


def _side_of(role: MicRole) -> str:
    return Side.STAFF.value if role is MicRole.STAFF else Side.VISITOR.value


def _audio_loop(
    source: AudioSource,
    recogniser: Recogniser,
    out: Channel,
    tag: str,
    muted: bool,
) -> Callable[[Inbox], None]:
    """Source → VAD → Whisper, taking commands between frames."""

    def loop(inbox: Inbox) -> None:
        silence = np.zeros(FRAME_SAMPLES, dtype=np.float32)
        mute = muted
        try:
            for frame in source.frames():
                for command in inbox.pending():
                    match command:
                        case _Languages(langs):
                            recogniser.set_languages(langs)
                        case _Forget():
                            recogniser.reset()
                        case _Mute(on):
                            mute = on
                if inbox.stopping.is_set():
                    break
                _post_all(out, recogniser.accept(silence if mute else frame, source.backlog_s()))
            if not inbox.stopping.is_set():  # the recording ended: its last words become final
                _post_all(out, recogniser.finish())
        except Exception as exc:  # a device or model failure: a status, and the kiosk runs on
            log.exception("audio input %s failed", tag)
            out.post(Status(f"mic:{tag}", "error", str(exc)))
        finally:
            out.post(_Ended())  # dropped when the input was stopped (its channel is retired)

    return loop


def _post_all(out: Channel, utterances: Any) -> None:
    """Post each result. In a function of its own so that no loop variable of the long-lived
    audio loop keeps the last words heard alive after New visit."""
    for u in utterances:
        out.post(u)


def _slot_values(raw: dict[str, str]) -> dict[str, object]:
    """Slot text as staff typed it: numbers ("1,200", "3") become numbers, the rest stays text."""
    values: dict[str, object] = {}
    for name, text in raw.items():
        digits = str(text).replace(",", "").replace(" ", "")
        values[name] = int(digits) if digits.isdigit() else text
    return values

"""The kiosk's engine room: audio, camera and translation workers wired to the session, behind Qt
signals.

Threads: each audio input has its own plain thread (source → VAD → Whisper); translation runs on
one worker thread and model loading on another (`TaskRunner`s), so typed text is never queued
behind a load; in deaf-visitor mode the camera runs the sign engine on its own thread
(`kiosk.sign_input`). Workers never touch widgets: they emit the frozen
events of `asr`/`translate`/`sign` through `Kiosk`'s signals, which Qt delivers on the UI thread.
The phrasebook loads at once, so quick replies and typing work while the models load.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from asr.audio import FRAME_SAMPLES, AudioSource, FileSource, MicrophoneSource
from asr.errors import AsrError
from asr.events import Side, Status, Utterance
from asr.streaming import StreamConfig, StreamingRecognizer
from kiosk import paths
from kiosk.errors import ChangguError
from kiosk.session import KSL, Mode, Session, Turn
from kiosk.settings import Settings, camera_device
from kiosk.sign_input import SignInput, SignTiming, SourceOpener, VideoOpener, camera_source
from sign.events import ResultKind, SignEvent, SignRejected, SignResult
from sign.store import VocabularyStore, office_or_demo
from sign.stream import Mode as SignMode
from sign.vocabulary import SignVocabulary

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    """Runs work off the UI thread, one job at a time, and posts each result back to it."""

    _done = Signal(object, object, object)  # callback, result, error

    def __init__(self) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="changgu-worker")
        self._done.connect(self._deliver)
        self._closed = False
        self._running: set[Future[Any]] = set()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any] | None:
        if self._closed:  # the kiosk is closing: late work (a last utterance) is dropped
            log.info("background task dropped: the kiosk is stopping")
            return None

        def job() -> None:
            try:
                result = work()
            except BaseException as exc:  # delivered to the UI as a status, never a crash
                self._done.emit(on_error, None, exc)
                return
            self._done.emit(on_done, result, None)

        future = self._pool.submit(job)
        self._running.add(future)
        future.add_done_callback(self._running.discard)
        return future

    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
        if error is not None:
            log.warning("background task failed: %s", error)
            if callback is not None:
                callback(error)
            return
        callback(result)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def join(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the job in progress; True if none is left."""
        return not wait(list(self._running), timeout=max(0.0, timeout_s)).not_done


@dataclass(frozen=True)
class Timing:
    """When a final utterance was recognised and when its translation reached the screen."""

    turn_id: int
    side: Side
    recognised_at: float
    shown_at: float = 0.0


class Kiosk(QObject):
    """The application's state and engines, seen by the UI through signals and a few methods."""

    turn_changed = Signal(object)  # Turn (new, grown from a partial, or translated)
    # side value, and "idle" | "listening" | "recognising" | "translating"
    state_changed = Signal(str, str)
    status = Signal(object)  # asr.events.Status
    models_ready = Signal()
    visit_reset = Signal()
    language_changed = Signal(object)  # the visitor's language code, or None
    playback_finished = Signal()
    sign_rejected = Signal(object)  # sign.events.SignRejected: staff ask to repeat or write
    _utterance = Signal(object, object)  # Utterance, source tag (from audio threads)
    _status_from_thread = Signal(object)

    def __init__(self, settings: Settings | None = None, session: Session | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings.load()
        self.session = session or Session(idle_timeout_s=float(self.settings.idle_timeout_s))
        self.tasks = TaskRunner()  # translation
        self.loader = TaskRunner()  # model loading: never delays a translation
        self.health: dict[str, Status] = {}  # the latest status of each component
        self.translator: Any = None  # phrasebook-only at first; the full one once loaded
        self.speech: Any = None
        self.ready = False
        self.muted = False
        self.push_to_talk: bool | None = None  # None: hands-free; True/False: button held or not
        self.timings: list[Timing] = []
        self._turn_of: dict[tuple[str, int], int] = {}
        self._inputs: dict[str, _AudioInput] = {}
        self._stopped_inputs: list[_AudioInput] = []  # stopped, perhaps still finishing a decode
        self._utterance.connect(self._on_utterance)
        self._status_from_thread.connect(self.status.emit)
        self.status.connect(self._remember)
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(self._check_idle)
        self._idle_timer.start(5000)
        self._speaker: Any = None
        self._stopped = False
        self.sign = SignInput(self._sign_vocabulary)
        self.sign.sign_event.connect(self._on_sign_event)
        self.sign.status.connect(self.status.emit)
        self.sign.activity.connect(self._sign_activity)
        self.sign_results: dict[int, SignResult] = {}  # turn id → what the recogniser said
        self.sign_timings: list[SignTiming] = []
        self.sign_source: SourceOpener | None = None  # None: the camera of the settings
        self._spelling_turn: int | None = None  # the turn fingerspelled letters are added to

    # -- start-up --------------------------------------------------------------------------------

    def start(self, load_speech: bool = True) -> None:
        """Phrasebook now (quick replies and typing work at once); the models in the background."""
        from translate import Translator

        try:
            self.translator = Translator.load(paths.cache_dir(), semantic=False)
        except Exception as exc:
            self._report("translation", "error", f"phrasebook could not be loaded: {exc}")
        self._report("models", "working", "loading")

        def load() -> tuple[Any, Any]:
            from translate import Translator

            speech = None
            if load_speech:  # first: a missing speech model is reported at once
                from kiosk.speech import SpeechModels

                speech = SpeechModels(asr_model=self.settings.speech_model or None)
            translator = Translator.load(paths.cache_dir(), paths.models_dir() / "mt")
            return translator, speech

        self.loader.run(load, self._models_loaded, self._models_failed)

    def _models_loaded(self, loaded: tuple[Any, Any]) -> None:
        self.translator, self.speech = loaded
        self.ready = True
        self._report("models", "ok", "ready")
        self.models_ready.emit()

    def _models_failed(self, error: BaseException) -> None:
        message = str(error) if isinstance(error, ChangguError | AsrError) else repr(error)
        self._report("models", "error", message)

    # -- the visit -------------------------------------------------------------------------------

    def choose_language(self, lang: str | None) -> None:
        if lang is None:
            self.session.visitor_lang = None
        else:
            self.session.choose_language(lang)
        for source in self._inputs.values():
            source.set_languages(self.session.languages)
        self._follow_sign_mode()
        self.language_changed.emit(lang)

    def new_visit(self) -> None:
        self.session.new_visit()
        self._turn_of.clear()
        self.sign_results.clear()
        self.set_fingerspelling(False)  # the next visitor starts with signs
        self._follow_sign_mode()
        self.push_to_talk = None
        for source in self._inputs.values():
            source.reset_requested = True
        self.visit_reset.emit()
        self.language_changed.emit(None)

    def quick_reply(self, phrase_id: str, slots: dict[str, str] | None = None) -> Turn | None:
        """Staff tap a phrase: shown (and optionally spoken) to the visitor, verified."""
        from translate import TranslateError

        target = self.session.other_lang(Side.STAFF)
        try:
            translation = self.translator.say(phrase_id, "ko", target, _slot_values(slots or {}))
        except TranslateError as exc:
            self._report("quick reply", "warning", str(exc))
            return None
        turn = self.session.add(
            None,
            side=Side.STAFF,
            lang="ko",
            text=translation.source_text,
            translated_lang=target,
            translated_text=translation.text,
            kind="original" if target == "ko" else translation.kind.value,
            phrase_id=phrase_id,
        )
        self.turn_changed.emit(turn)
        self._speak(turn)
        return turn

    def send_typed(self, text: str) -> None:
        """Staff typed Korean: translated for the visitor on the worker thread."""
        text = text.strip()
        if not text:
            return
        target = self.session.other_lang(Side.STAFF)
        turn = self.session.add(
            None,
            side=Side.STAFF,
            lang="ko",
            text=text,
            translated_lang=target,
            translated_text="",
            kind="pending",
        )
        self.turn_changed.emit(turn)
        self._translate(turn)

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        self._report("microphone", "warning" if muted else "ok", "muted" if muted else "on")

    def set_push_to_talk(self, held: bool) -> None:
        """The visitor's talk button: from its first use, the visitor's speech counts only while
        it is held (hands-free turn-taking stays for staff)."""
        self.push_to_talk = held
        self.state_changed.emit(Side.VISITOR.value, "listening" if held else "idle")

    # -- audio -----------------------------------------------------------------------------------

    def start_microphones(self) -> None:
        """Open the microphone(s) the settings name; a missing one becomes a status, not a crash."""
        if self.speech is None:
            self._report("microphone", "error", "speech model not loaded")
            return
        two = bool(self.settings.visitor_device) and self.session.mode is not Mode.DEAF_VISITOR
        plan = (
            [
                ("staff", self.settings.staff_device, Side.STAFF),
                ("visitor", self.settings.visitor_device, Side.VISITOR),
            ]
            if two
            else [("counter", self.settings.staff_device, None)]
        )
        for tag, device, side in plan:
            try:
                source = MicrophoneSource(
                    device or None, on_status=self._status_from_thread.emit, component=f"mic:{tag}"
                )
            except AsrError as exc:
                self._report(f"mic:{tag}", "error", str(exc))
                continue
            self._start_input(tag, source, side, keep_running=True)

    def play_file(
        self,
        path: Path,
        side: Side | None = None,
        realtime: bool = True,
        trailing_silence_s: float = 0.0,
    ) -> None:
        """Feed a recording as if it came from the counter microphone (the demo; tests), followed
        by `trailing_silence_s` of a quiet room."""
        source = FileSource(path, realtime=realtime, trailing_silence_s=trailing_silence_s)
        self._start_input(f"file:{path.name}:{time.monotonic()}", source, side, keep_running=False)

    def stop(self, wait_s: float = 0.0) -> None:
        """Stop every input and worker. With `wait_s` (at exit), also wait that long in all for
        their threads to leave Whisper, MediaPipe or CTranslate2: a daemon thread still inside
        native code when the interpreter finalises is frozen there mid-call."""
        self._stopped = True
        self._idle_timer.stop()  # a timer must stop on its own thread, before any deletion
        self.sign.stop(wait_s=3.0)  # lets go of the camera and MediaPipe before the app quits
        for source in list(self._inputs.values()):
            source.stop()
            self._stopped_inputs.append(source)
        self._inputs.clear()
        self.tasks.shutdown()
        self.loader.shutdown()
        if wait_s <= 0:
            return
        deadline = time.monotonic() + wait_s
        for source in self._stopped_inputs:
            if not source.join(deadline - time.monotonic()):
                log.warning("audio input %s still running at exit", source.tag)
        for name, runner in (("translation", self.tasks), ("model loading", self.loader)):
            if not runner.join(deadline - time.monotonic()):
                log.warning("%s still running at exit", name)

    def _start_input(
        self, tag: str, source: AudioSource, side: Side | None, keep_running: bool
    ) -> None:
        recognizer = self._recognizer(side)
        worker = _AudioInput(
            tag, source, recognizer, self, on_finished=None if keep_running else self._file_done
        )
        self._inputs[tag] = worker
        worker.start()
        self.state_changed.emit((side or Side.VISITOR).value, "listening")

    def _recognizer(self, side: Side | None) -> StreamingRecognizer:
        langs = self.session.languages
        config = StreamConfig(side=side or Side.VISITOR)
        if side is None:  # one microphone: the language tells who spoke
            visitor = {lang: Side.VISITOR for lang in langs if lang != self.session.staff_lang}
            config = replace(config, side_by_lang={self.session.staff_lang: Side.STAFF, **visitor})
            if len(langs) == 1 and self.session.mode is not Mode.DEAF_VISITOR:
                config = replace(config, side=Side.STAFF)
        if self.session.mode is Mode.DEAF_VISITOR or self.session.visitor_lang == KSL:
            config = replace(config, side=Side.STAFF, side_by_lang={})
        recognizer: StreamingRecognizer = self.speech.recognizer(langs, config)
        return recognizer

    # -- camera (deaf-visitor mode) ---------------------------------------------------------------

    @property
    def deaf_visitor(self) -> bool:
        return self.session.visitor_lang == KSL

    def play_sign_file(self, path: Path, realtime: bool = True) -> None:
        """Watch a video file instead of the camera (the demo; tests), in deaf-visitor mode.

        The file stays the camera until `sign_source` is set back to None.
        """
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

    def resume_sign(self) -> None:
        """(Re)start the camera if the visitor signs (after enrolment, or a settings change)."""
        if self.deaf_visitor:
            self.sign.start(self.sign_opener())

    def set_fingerspelling(self, on: bool) -> None:
        self.sign.set_mode(SignMode.SPELLING if on else SignMode.SIGNS)
        self._spelling_turn = None

    def _follow_sign_mode(self) -> None:
        """The camera runs while the visitor signs, and only then."""
        if self.deaf_visitor and not self.sign.running:
            self.resume_sign()
        elif not self.deaf_visitor and self.sign.running:
            self.sign.stop()

    def _sign_vocabulary(self) -> tuple[SignVocabulary, bool]:
        """The office's enrolled vocabulary, else the bundled MSL demo pack (on the worker)."""
        return office_or_demo(self.sign_store())

    def _sign_activity(self, activity: str) -> None:
        if activity == "signing":
            self.session.touch()  # someone signing is not an idle counter
            self.state_changed.emit(Side.VISITOR.value, "recognising")
        elif activity in ("watching", "off"):
            self.state_changed.emit(Side.VISITOR.value, "idle")

    def _on_sign_event(self, event: SignEvent, ended_at: float, recognised_at: float) -> None:
        if not self.deaf_visitor:
            return
        if isinstance(event, SignRejected):
            self._spelling_turn = None
            self.session.touch()
            self.sign_rejected.emit(event)
            return
        letter = event.kind is ResultKind.LETTER
        spelled = self._turn(self._spelling_turn) if letter else None
        if spelled is not None:  # fingerspelling: the letters of one word grow one turn
            turn = self.session.add(
                spelled.turn_id,
                text=spelled.text + event.gloss,
                translated_text=spelled.translated_text + event.text_ko,
            )
        else:
            turn = self.session.add(
                None,
                side=Side.VISITOR,
                lang=KSL,
                text=event.gloss,
                translated_lang=self.session.staff_lang,
                translated_text=event.text_ko,
                kind="verified" if event.phrase_id else "sign",
                phrase_id=event.phrase_id,
            )
        self._spelling_turn = turn.turn_id if letter else None
        self.sign_results[turn.turn_id] = event
        self.sign_timings.append(SignTiming(turn.turn_id, ended_at, recognised_at))
        self.turn_changed.emit(turn)

    def _turn(self, turn_id: int | None) -> Turn | None:
        return next((t for t in self.session.turns if t.turn_id == turn_id), None)

    def _file_done(self, tag: str) -> None:
        self._inputs.pop(tag, None)
        self.playback_finished.emit()

    # -- utterances and translation --------------------------------------------------------------

    def _on_utterance(self, u: Utterance, tag: str) -> None:
        if self._stopped:
            return  # queued by an audio thread before it saw the stop
        key = (tag, u.utterance_id)
        turn_id = self._turn_of.get(key)
        target = self.session.other_lang(u.side)
        if self.session.visitor_lang is None and u.side is Side.VISITOR and u.lang != "ko":
            self.choose_language(u.lang)  # recognised before the visitor chose: follow it
            target = "ko"
        turn = self.session.add(
            turn_id,
            side=u.side,
            lang=u.lang,
            text=u.text,
            translated_lang=target,
            translated_text="",
            kind="pending",
            final=u.final,
        )
        self._turn_of[key] = turn.turn_id
        self.turn_changed.emit(turn)
        if not u.final:
            self.state_changed.emit(u.side.value, "recognising")
            return
        self.timings.append(Timing(turn.turn_id, u.side, time.perf_counter()))
        self._translate(turn)

    def _translate(self, turn: Turn) -> None:
        if turn.lang == turn.translated_lang:
            same = self.session.add(turn.turn_id, translated_text=turn.text, kind="original")
            self._translated(same)
            return
        self.state_changed.emit(turn.side.value, "translating")
        translator = self.translator

        def work() -> Turn:
            t = translator.translate(turn.text, turn.lang, turn.translated_lang)
            return replace(turn, translated_text=t.text, kind=t.kind.value, phrase_id=t.phrase_id)

        def done(result: Turn) -> None:
            updated = self.session.add(
                result.turn_id,
                translated_text=result.translated_text,
                kind=result.kind,
                phrase_id=result.phrase_id,
            )
            self._translated(updated)

        def failed(error: BaseException) -> None:
            updated = self.session.add(turn.turn_id, kind="none", translated_text="")
            self._report("translation", "warning", f"not translated: {error}")
            self._translated(updated)

        self.tasks.run(work, done, failed)

    def _translated(self, turn: Turn) -> None:
        self.turn_changed.emit(turn)
        self.state_changed.emit(turn.side.value, "idle")
        if turn.side is Side.STAFF:
            self._speak(turn)

    # -- speech out, idle, status ----------------------------------------------------------------

    def _speak(self, turn: Turn) -> None:
        if not self.settings.speak_translations or turn.kind not in ("verified", "original"):
            return
        from kiosk.speech_out import Speaker

        self._speaker = self._speaker or Speaker()
        self._speaker.say(turn.translated_text, turn.translated_lang)

    def _check_idle(self) -> None:
        if self.session.expire_if_idle():
            self.new_visit()
            self._report("visit", "ok", "idle timeout: new visit")

    def _report(self, component: str, state: str, message: str) -> None:
        self.status.emit(Status(component, state, message))

    def _remember(self, status: Status) -> None:
        self.health[status.component] = status  # a screen built later shows it too


def _slot_values(raw: dict[str, str]) -> dict[str, object]:
    """Slot text as staff typed it: numbers ("1,200", "3") become numbers, the rest stays text."""
    values: dict[str, object] = {}
    for name, text in raw.items():
        digits = str(text).replace(",", "").replace(" ", "")
        values[name] = int(digits) if digits.isdigit() else text
    return values


class _AudioInput:
    """One audio source and its recognizer on a plain thread; results go out through Qt signals."""

    def __init__(
        self,
        tag: str,
        source: AudioSource,
        recognizer: StreamingRecognizer,
        kiosk: Kiosk,
        on_finished: Callable[[str], None] | None,
    ) -> None:
        self.tag = tag
        self.source = source
        self.recognizer = recognizer
        self.kiosk = kiosk
        self.on_finished = on_finished
        self.reset_requested = False
        self._stopping = False
        self._langs: tuple[str, ...] | None = None
        self._thread = threading.Thread(target=self._run, name=f"audio-{tag}", daemon=True)
        self._finished = _Finished()
        if on_finished is not None:
            self._finished.done.connect(on_finished)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True  # nobody waits for the last words: no final decode
        self.source.close()

    def join(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the thread to end; True if it has."""
        self._thread.join(max(0.0, timeout_s))
        return not self._thread.is_alive()

    def set_languages(self, langs: tuple[str, ...]) -> None:
        self._langs = langs  # applied by the audio thread between frames

    def _run(self) -> None:
        silence = np.zeros(FRAME_SAMPLES, dtype=np.float32)
        try:
            for frame in self.source.frames():
                if self.reset_requested:
                    self.recognizer.reset()
                    self.reset_requested = False
                if self._langs is not None:
                    self.recognizer.set_languages(self._langs)
                    self._langs = None
                gated = self.kiosk.muted or self.kiosk.push_to_talk is False
                for u in self.recognizer.accept(
                    silence if gated else frame, backlog_s=self.source.backlog_s()
                ):
                    self.kiosk._utterance.emit(u, self.tag)
            if not self._stopping:  # the recording ended: its last words become final
                for u in self.recognizer.finish():
                    self.kiosk._utterance.emit(u, self.tag)
        except Exception as exc:  # a device or model failure: a status, and the kiosk runs on
            log.exception("audio input %s failed", self.tag)
            self.kiosk._status_from_thread.emit(Status(self.tag, "error", str(exc)))
        finally:
            self._finished.done.emit(self.tag)


class _Finished(QObject):
    done = Signal(str)

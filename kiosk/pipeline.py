"""The kiosk's engine room: audio and translation workers wired to the session, behind Qt signals.

Threads: each audio input has its own plain thread (source → VAD → Whisper); translation and model
loading run on one worker thread (`TaskRunner`). Workers never touch widgets: they emit the
frozen events of `asr`/`translate` through `Kiosk`'s signals, which Qt delivers on the UI thread.
The phrasebook loads at once, so quick replies and typing work while the models load.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
from kiosk.settings import Settings

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    """Runs work off the UI thread, one job at a time, and posts each result back to it."""

    _done = Signal(object, object, object)  # callback, result, error

    def __init__(self) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="changgu-worker")
        self._done.connect(self._deliver)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        def job() -> None:
            try:
                result = work()
            except BaseException as exc:  # delivered to the UI as a status, never a crash
                self._done.emit(on_error, None, exc)
                return
            self._done.emit(on_done, result, None)

        return self._pool.submit(job)

    def _deliver(self, callback: Any, result: Any, error: Any) -> None:
        if error is not None:
            log.warning("background task failed: %s", error)
            if callback is not None:
                callback(error)
            return
        callback(result)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


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
    state_changed = Signal(str, str)  # side value, "idle" | "listening" | "recognising" | "translating"
    status = Signal(object)  # asr.events.Status
    models_ready = Signal()
    visit_reset = Signal()
    language_changed = Signal(object)  # the visitor's language code, or None
    playback_finished = Signal()
    _utterance = Signal(object, object)  # Utterance, source tag (from audio threads)
    _status_from_thread = Signal(object)

    def __init__(self, settings: Settings | None = None, session: Session | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings.load()
        self.session = session or Session(idle_timeout_s=float(self.settings.idle_timeout_s))
        self.tasks = TaskRunner()
        self.translator: Any = None  # phrasebook-only at first; the full one once loaded
        self.speech: Any = None
        self.ready = False
        self.muted = False
        self.push_to_talk: bool | None = None  # None: hands-free; True/False: button held or not
        self.timings: list[Timing] = []
        self._turn_of: dict[tuple[str, int], int] = {}
        self._inputs: dict[str, _AudioInput] = {}
        self._utterance.connect(self._on_utterance)
        self._status_from_thread.connect(self.status.emit)
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(self._check_idle)
        self._idle_timer.start(5000)
        self._speaker: Any = None

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

            translator = Translator.load(paths.cache_dir(), paths.models_dir() / "mt")
            speech = None
            if load_speech:
                from kiosk.speech import SpeechModels

                speech = SpeechModels()
            return translator, speech

        self.tasks.run(load, self._models_loaded, self._models_failed)

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
        self.language_changed.emit(lang)

    def new_visit(self) -> None:
        self.session.new_visit()
        self._turn_of.clear()
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
            [("staff", self.settings.staff_device, Side.STAFF), ("visitor", self.settings.visitor_device, Side.VISITOR)]
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

    def play_file(self, path: Path, side: Side | None = None, realtime: bool = True) -> None:
        """Feed a recording as if it came from the counter microphone (the demo; tests)."""
        source = FileSource(path, realtime=realtime)
        self._start_input(f"file:{path.name}:{time.monotonic()}", source, side, keep_running=False)

    def stop(self) -> None:
        for source in list(self._inputs.values()):
            source.stop()
        self._inputs.clear()
        self.tasks.shutdown()

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

    def _file_done(self, tag: str) -> None:
        self._inputs.pop(tag, None)
        self.playback_finished.emit()

    # -- utterances and translation --------------------------------------------------------------

    def _on_utterance(self, u: Utterance, tag: str) -> None:
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
            done = self.session.add(turn.turn_id, translated_text=turn.text, kind="original")
            self._translated(done)
            return
        self.state_changed.emit(turn.side.value, "translating")
        translator = self.translator

        def work() -> Turn:
            t = translator.translate(turn.text, turn.lang, turn.translated_lang)
            return replace(
                turn, translated_text=t.text, kind=t.kind.value, phrase_id=t.phrase_id
            )

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
        self._langs: tuple[str, ...] | None = None
        self._thread = threading.Thread(target=self._run, name=f"audio-{tag}", daemon=True)
        self._finished = _Finished()
        if on_finished is not None:
            self._finished.done.connect(on_finished)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.source.close()

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
            for u in self.recognizer.finish():
                self.kiosk._utterance.emit(u, self.tag)
        except Exception as exc:  # a device or model failure: a status, and the kiosk runs on
            log.exception("audio input %s failed", self.tag)
            self.kiosk._status_from_thread.emit(Status(self.tag, "error", str(exc)))
        finally:
            self._finished.done.emit(self.tag)


class _Finished(QObject):
    done = Signal(str)

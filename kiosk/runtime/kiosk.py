"""The kiosk: the conversation core (`kiosk.core.conversation`) driven from Qt.

`Kiosk` turns what happens — a recogniser's result, a sign, a tap, typed text — into events for
the core, and carries out the commands it returns: it shows turns (its signals, which the screens
listen to), translates on a worker, tells the microphones what to listen for, runs the camera, and
forgets a visit. It decides nothing about the visit itself. Microphones, translation, model loading
and the camera each work on a thread of their own and post back through one `Bridge`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from asr.errors import AsrError
from asr.events import Side, Status, Utterance
from kiosk.core import events as core
from kiosk.core import strings
from kiosk.core.conversation import Conversation
from kiosk.core.events import MicRole, VisitMode
from kiosk.core.health import Component, State
from kiosk.core.session import KSL, Session, Turn
from kiosk.errors import ChangguError
from kiosk.runtime.building import BuildingTier
from kiosk.runtime.camera import Camera
from kiosk.runtime.engines import Engines, SpeechEngine, TranslationEngine, slot_values
from kiosk.runtime.feed import RecordingFeed
from kiosk.runtime.health_metrics import HealthMetrics
from kiosk.runtime.microphones import Microphones
from kiosk.runtime.sign_input import SignTiming
from kiosk.runtime.speech_out import Speaker
from kiosk.runtime.workers import Bridge, Jobs
from kiosk.setup import paths
from kiosk.setup.office_packs import OfficePackSync
from kiosk.setup.office_packs import SyncReport as OfficePackReport
from kiosk.setup.settings import Settings
from sign.events import SignEvent
from translate import TranslateError
from translate.slots import SlotValue

METRICS_EVERY_MS = 15_000
PACKS_EVERY_MS = 60_000


class Kiosk(QObject):
    """The application's state and engines, seen by the UI through signals and a few methods."""

    turn_changed = Signal(object)  # Turn (new, grown from a partial, or translated)
    state_changed = Signal(object, object)  # Side, core.Activity
    status = Signal(object)  # asr.events.Status, as the engines and workers report it
    # the same Status once `health` holds it (on the UI thread): what screens listen to, so a
    # status a worker reported before a screen existed is neither lost nor shown out of order
    health_changed = Signal(object)
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
            speak_translations=self.settings.speak_translations,
        )
        self.bridge = Bridge()
        self.tasks = Jobs(self.bridge, "translation")
        self.loader = Jobs(self.bridge, "models")  # model loading never delays a translation
        self.health: dict[str, Status] = {}  # the latest status of each component
        # counts and latencies for the city's monitoring (a Prometheus textfile the policy names)
        self.metrics = HealthMetrics()
        self.status.connect(self.metrics.status)
        # packs from the city's shared folder (the policy's office_packs), checked each minute
        self.office_packs: OfficePackSync | None = None
        self._packs_timer = QTimer(self)
        self._packs_timer.timeout.connect(self.sync_office_packs)
        self._metrics_timer = QTimer(self)
        self._metrics_timer.timeout.connect(self.write_metrics)
        if self.settings.policy.metrics_file is not None:
            self._metrics_timer.start(METRICS_EVERY_MS)
        self.translator: TranslationEngine | None = None  # the phrasebook first, then all tiers
        self.speech: SpeechEngine | None = None
        self.building: BuildingTier | None = None  # a building server, when one is set up
        self.ready = False
        self.status.connect(self._remember)
        self.microphones = Microphones(
            self.bridge,
            lambda u, tag, role: self._handle(core.Heard(u, tag, role)),
            self.status.emit,
            self.playback_finished.emit,
        )
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(lambda: self._handle(core.Tick()))
        self._idle_timer.start(5000)
        self._speaker: Speaker | None = None
        self.camera = Camera(self.settings, self.bridge)
        self.sign = sign = self.camera.sign
        sign.sign_event.connect(self._on_sign_event)
        sign.status.connect(self.status.emit)
        sign.activity.connect(lambda state: self._handle(core.CameraChanged(state)))
        self.sign_timings: deque[SignTiming] = deque(maxlen=200)  # for the sign benchmark

    # -- start-up --------------------------------------------------------------------------------

    def start(self, load_speech: bool = True) -> None:
        """Phrasebook now (quick replies and typing work at once); the models in the background."""
        try:
            self.translator = self.engines.phrasebook()
        except Exception as exc:
            self._report(Component.TRANSLATION, State.ERROR, f"phrasebook not loaded: {exc}")
        self._report(Component.MODELS, State.WORKING, "loading")
        self.building = self._building_tier()
        self.office_packs = self._office_packs()
        if self.office_packs is not None:  # before the models: the translator loads what it took
            self.sync_office_packs()
            self._packs_timer.start(PACKS_EVERY_MS)
        self.loader.run(
            self.engines.loading(self.settings, load_speech, self.building),
            self._models_loaded,
            self._models_failed,
        )
        self._apply(self.conversation.start())

    def _building_tier(self) -> BuildingTier | None:
        """The building server of the settings, if any (its problems go to the status line)."""
        from kiosk.setup.building import building_config

        config, problems = building_config(self.settings)
        for problem in problems:
            self._report(Component.BUILDING, State.WARNING, problem)
        if config is None:
            return None
        from kiosk.runtime.building import BuildingTier

        self._report(Component.BUILDING, State.WORKING, f"connecting to {config.url}")
        return BuildingTier(config, self.status.emit)

    def _models_loaded(self, loaded: tuple[TranslationEngine, SpeechEngine | None]) -> None:
        self.translator, self.speech = loaded
        self.ready = True
        tier = getattr(self.speech, "tier", None)  # the real speech models say which one runs
        detail = f"ready; speech {tier.reason}" if tier else "ready"
        whisper = getattr(self.speech, "whisper", None)
        if whisper is not None:
            self.metrics.speech_model(whisper.model_dir.name)
        self._report(Component.MODELS, State.OK, detail)
        self.models_ready.emit()

    def _models_failed(self, error: BaseException) -> None:
        known = isinstance(error, ChangguError | AsrError)  # an error that names its fix
        self._report(Component.MODELS, State.ERROR, str(error) if known else repr(error))

    # -- what staff and the visitor do -----------------------------------------------------------

    def choose_language(self, lang: str | None) -> None:
        self._handle(core.LanguageChosen(lang))

    def new_visit(self) -> None:
        self._handle(core.NewVisit())

    def quick_reply(
        self, phrase_id: str, slots: dict[str, str] | None = None, replaces: int | None = None
    ) -> Turn | None:
        """Staff tap a phrase: shown (and optionally spoken) to the visitor, verified. `replaces`:
        the staff turn whose unmatched words this nearest phrase stands for."""
        c = self.conversation
        try:
            if self.translator is None:
                raise TranslateError("the phrasebook is not loaded (see the models status)")
            values = slot_values(slots or {})
            said = self.translator.say(phrase_id, c.staff_lang, c.target_for(Side.STAFF), values)
        except TranslateError as exc:
            self._report(Component.QUICK_REPLY, State.WARNING, str(exc))
            return None
        self._handle(core.PhraseSaid(said, replaces))
        return self.session.latest(Side.STAFF)

    def visitor_phrase(self, phrase_id: str, values: Mapping[str, SlotValue]) -> Turn | None:
        """The visitor pointed at a phrase (the phrase picker), its slots filled: a checked turn
        for staff, rendered by the phrasebook in the visitor's language and in Korean."""
        c = self.conversation
        lang = strings.reading_lang(self.session.visitor_lang)
        try:
            if self.translator is None:
                raise TranslateError("the phrasebook is not loaded (see the models status)")
            said = self.translator.say(phrase_id, lang, c.target_for(Side.VISITOR), dict(values))
        except TranslateError as exc:
            self._report(Component.QUICK_REPLY, State.WARNING, str(exc))
            return None
        self._handle(core.PhraseSaid(said, side=Side.VISITOR))
        return self.session.latest(Side.VISITOR)

    def reload_office_phrases(self) -> None:
        """The office's own phrases changed (the settings' editor): taken up on the worker."""
        translator = self.translator
        if translator is not None:
            self.tasks.run(
                lambda: translator.use_office(paths.office_phrases()),
                lambda n: self._report(Component.TRANSLATION, State.OK, f"{n} office phrases"),
                lambda e: self._report(Component.TRANSLATION, State.WARNING, str(e)),
            )

    def send_typed(self, text: str, side: Side = Side.STAFF, lang: str | None = None) -> None:
        """Typed text (staff's Korean, or the visitor's pad): translated on the worker thread."""
        self._handle(core.Typed(text, side, lang))

    def hear(self, utterance: Utterance, source: str, role: MicRole = MicRole.COUNTER) -> None:
        """A recogniser's result, as a microphone's worker posts it (tests feed results here)."""
        self._handle(core.Heard(utterance, source, role))

    def confirm(
        self, turn_id: int, phrase_id: str | None, slots: dict[str, str] | None = None
    ) -> None:
        """The answer to "Did you mean …?" (the phrase meant, or None for No), or staff's pick of
        a nearest phrase with the values of its open slots."""
        self._handle(core.Confirmed(turn_id, phrase_id, tuple((slots or {}).items())))

    def settings_changed(self) -> None:
        """Staff changed the settings: the languages offered, speech out, the idle timeout."""
        s = self.settings
        offered = tuple(s.languages)
        self._handle(core.SettingsChanged(offered, s.speak_translations, float(s.idle_timeout_s)))

    def set_muted(self, muted: bool) -> None:
        self.microphones.mute(muted)

    def set_push_to_talk(self, held: bool) -> None:
        """The visitor's talk button: while it is held, what the microphone hears is theirs."""
        self._handle(core.TalkButton(held))

    # -- audio -----------------------------------------------------------------------------------

    def start_microphones(self) -> None:
        """Open the microphone(s) the settings name; a missing one becomes a status, not a crash."""
        s = self.settings
        self.microphones.open_devices(
            s.staff_device, s.visitor_device, self.speech, self.conversation.listening()
        )

    def open_feed(
        self, role: MicRole = MicRole.COUNTER, realtime: bool = True
    ) -> RecordingFeed | None:
        """A recording player in a microphone's place (demo, scripts, tests), opened now like the
        microphone; None (and a status) if speech cannot be recognised."""
        langs = self.conversation.listening()[role]
        return self.microphones.open_feed(role, realtime, self.speech, langs)

    def play_file(
        self,
        path: Path,
        role: MicRole = MicRole.COUNTER,
        realtime: bool = True,
        trailing_silence_s: float = 1.0,
    ) -> None:
        """Play a recording into the feed in `role`'s microphone place; `playback_finished`
        follows (at once, with nothing heard, if the feed cannot open)."""
        self.open_feed(MicRole(role), realtime)
        if not self.microphones.play(MicRole(role), Path(path), trailing_silence_s):
            QTimer.singleShot(0, self.playback_finished.emit)

    # -- camera (deaf-visitor mode) ---------------------------------------------------------------

    def play_sign_file(self, path: Path, realtime: bool = True) -> None:
        """Watch a video file instead of the camera (the demo; tests), in deaf-visitor mode. The
        file stays the camera until `camera.video` is set back to None."""
        self.camera.play(path, realtime)
        if self.conversation.mode is VisitMode.DEAF:
            self.camera.watch()
        else:
            self.choose_language(KSL)  # starts watching it

    def resume_sign(self) -> None:
        """(Re)start the camera if the visitor signs (after enrolment, or a settings change)."""
        if self.conversation.mode is VisitMode.DEAF:
            self.camera.watch()

    def _on_sign_event(self, event: SignEvent, ended_at: float, recognised_at: float) -> None:
        before = len(self.session.turns)
        self._handle(core.Signed(event))
        latest = self.session.latest(Side.VISITOR)
        if latest is not None and len(self.session.turns) > before:
            self.sign_timings.append(SignTiming(latest.turn_id, ended_at, recognised_at))

    # -- the core's commands ---------------------------------------------------------------------

    def _handle(self, event: core.Event) -> None:
        if isinstance(event, core.Heard) and event.utterance.final:
            self.metrics.final_heard(event.utterance.latency_s)
        self._apply(self.conversation.handle(event))

    def _apply(self, commands: list[core.Command]) -> None:
        for command in commands:
            match command:
                case core.ShowTurn(turn):
                    self.metrics.turn(turn)
                    self.turn_changed.emit(turn)
                case core.Translate():
                    self._translate(command)
                case core.ListenFor(languages):
                    self.microphones.listen_for(languages)
                case core.ForgetVisit():
                    self._forget_visit()
                case core.VisitEnded(idle):
                    self.metrics.visit_ended()
                    self.visit_reset.emit()
                    if idle:
                        self._report(Component.VISIT, State.OK, "idle timeout: new visit")
                case core.LanguageShown(lang, _mode):
                    self.language_changed.emit(lang)
                case core.Camera(on):
                    self.camera.switch(on)
                case core.SetActivity(side, activity):
                    self.state_changed.emit(side, activity)
                case core.Speak(text, lang):
                    self._speak(text, lang)
                case core.SayPhrase(turn_id, phrase_id, slots):
                    self.quick_reply(phrase_id, dict(slots), replaces=turn_id)
                case core.AskConfirm(turn):
                    self.confirm_asked.emit(turn)
                case core.SignNotRecognised(event):
                    self.sign_rejected.emit(event)
                case core.Report(status):
                    self.status.emit(status)

    def _forget_visit(self) -> None:
        """Queued translations and late results are dropped, the caches cleared on the worker after
        the job in flight (which fills them); recognisers reset, and drop what they heard."""
        self.tasks.drop_pending()
        translator = self.translator
        if translator is not None:
            self.tasks.run(translator.forget, lambda _none: None)
        self.microphones.forget()
        self.camera.set_fingerspelling(False)  # the next visitor starts with signs

    def _translate(self, command: core.Translate) -> None:
        translator, turn_id = self.translator, command.turn_id
        if translator is None:
            self._handle(core.TranslationFailed(turn_id, "the phrasebook is not loaded"))
            return
        self.tasks.run(
            lambda: translator.translate(
                command.text, command.source_lang, command.target_lang, command.side.value
            ),
            lambda t: self._handle(core.Translated(turn_id, t)),
            lambda e: self._handle(core.TranslationFailed(turn_id, str(e))),
        )

    def _speak(self, text: str, lang: str) -> None:
        self._speaker = self._speaker or Speaker()
        self._speaker.say(text, lang)
        status = self._speaker.status()  # captions go on; staff learn why nothing is heard
        if status != self.health.get(Component.SPEECH_OUT):
            self.status.emit(status)

    def _office_packs(self) -> OfficePackSync | None:
        folder = self.settings.policy.office_packs
        if folder is None:
            return None
        from translate.phrasebook import Phrasebook

        return OfficePackSync(
            folder,
            paths.data_dir() / "office-packs",
            paths.office_phrases(),
            self.camera.store(),
            frozenset(phrase.id for phrase in Phrasebook.load()),
        )

    def sync_office_packs(self) -> None:
        """Take up changed packs of the shared folder, on the loading worker."""
        if self.office_packs is not None:
            self.loader.run(self.office_packs.sync, self._packs_taken, self._packs_failed)

    def undo_office_pack(self) -> None:
        """Staff undo the latest pack update (settings screen)."""
        if self.office_packs is not None:
            self.loader.run(self.office_packs.rollback, self._packs_taken, self._packs_failed)

    def _packs_taken(self, report: OfficePackReport) -> None:
        for problem in report.problems:
            self._report(Component.OFFICE_PACKS, State.WARNING, problem)
        if report.taken:
            self._report(Component.OFFICE_PACKS, State.OK, "; ".join(report.taken))
        if report.phrases_changed:
            self.reload_office_phrases()
        # a changed sign vocabulary is loaded when the camera next starts watching

    def _packs_failed(self, error: BaseException) -> None:
        self._report(Component.OFFICE_PACKS, State.WARNING, f"office packs not checked: {error}")

    def write_metrics(self) -> None:
        """The health textfile, if the city's policy names one (a problem is a status once)."""
        path = self.settings.policy.metrics_file
        if path is None:
            return
        problem = self.metrics.write(path)
        if problem and self.health.get(Component.METRICS, None) is None:
            self._report(Component.METRICS, State.WARNING, problem)
        elif not problem and Component.METRICS in self.health:
            self._report(Component.METRICS, State.OK, f"written to {path}")

    def stop(self, wait_s: float = 0.0) -> None:
        """Stop every input and worker; with `wait_s` (at exit), wait that long for their threads to
        leave native code (one still inside it when Python finalises is frozen there mid-call)."""
        self._idle_timer.stop()  # a timer must stop on its own thread, before any deletion
        self._metrics_timer.stop()
        self._packs_timer.stop()
        self.write_metrics()
        self.camera.stop(wait_s=3.0)  # lets go of the camera and MediaPipe before the app quits
        self.microphones.stop()
        self.tasks.shutdown()
        self.loader.shutdown()
        if self._speaker is not None:
            self._speaker.stop()
        if self.building is not None:
            self.building.close()  # its connections; a request in flight fails and is not shown
        if wait_s <= 0:
            return
        deadline = time.monotonic() + wait_s
        for worker in (self.microphones, self.tasks, self.loader):
            worker.join(deadline - time.monotonic())

    def _report(self, component: str, state: State, message: str) -> None:
        self.status.emit(Status(component, state, message))

    def _remember(self, status: Status) -> None:
        self.health[status.component] = status  # a screen built later shows it too
        self.health_changed.emit(status)

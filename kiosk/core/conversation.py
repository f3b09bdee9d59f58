"""The rules of a visit, in one place: events in, commands out.

Plain Python: no Qt, no threads, no engines. The runtime (`kiosk.runtime.kiosk.Kiosk`) feeds it
what happened — something heard on a microphone, a sign, a staff tap, typed text, a language
chosen, New visit, a clock tick, a translation that finished — and carries out the commands it
returns: show a turn, translate a text, tell the recognisers which languages to listen for, forget
the visit, start or stop the camera. The demo, the tests and the live counter all drive this one
object; only where their input comes from differs.

Who spoke:
- with two microphones, the microphone decides;
- with one, the recognised language does, judged against the pair in force when the utterance
  arrives: Korean is staff's, anything else the visitor's. Before a visitor has chosen, their
  language is identified among the offered languages, and once it is recognised with confidence it
  becomes theirs. While the visitor holds their talk button, what is heard is theirs (a visitor who
  speaks Korean, e.g. one reading Korean captions);
- a Deaf visitor signs: everything the microphone hears is staff's, captioned in Korean.

New visit (or an idle visit, even one where only a language was chosen) forgets everything: the
turns, the recognisers' state and the translation caches. Turn ids never repeat, so a result of an
earlier visit that arrives late (a translation, a confirmation) finds no turn and is dropped.

The events and commands are in `kiosk.core.events`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from asr.events import Side, Status
from kiosk.core.events import (
    Activity,
    AskConfirm,
    Camera,
    CameraChanged,
    CameraState,
    Command,
    Confirmed,
    Event,
    ForgetVisit,
    Heard,
    LanguageChosen,
    LanguageShown,
    ListenFor,
    MicRole,
    NewVisit,
    PhraseSaid,
    Report,
    SayPhrase,
    SetActivity,
    SettingsChanged,
    ShowTurn,
    Signed,
    SignNotRecognised,
    Speak,
    TalkButton,
    Tick,
    Translate,
    Translated,
    TranslationFailed,
    Typed,
    VisitEnded,
    VisitMode,
)
from kiosk.core.health import Component, State
from kiosk.core.session import KO_CAPTIONS, KSL, Session, Turn, TurnKind
from sign.events import ResultKind, SignEvent, SignRejected, SignResult, SignUnsure
from translate import Translation
from translate.normalise import clean_input

log = logging.getLogger(__name__)

# A language heard before the visitor chose becomes the visitor's only when Whisper is this sure of
# it (its probability renormalised over Korean and the offered languages) in at least this much
# speech. Otherwise the turn is still the visitor's (it is not Korean), but the next utterance is
# identified again among every offered language. Measured on ../shared/speech (in-sample, 34
# clips cut to 1, 2 and 3 s and whole): every wrong identification had a probability of at most
# 0.94 at 1 s and 0.88 at 2-3 s (Korean taken for Japanese); whole clips were all right, and 2 s
# or more of a non-Korean clip reached 0.94 or more in 9 of 10.
ADOPT_LANGUAGE_CONFIDENCE = 0.9
ADOPT_MIN_SPEECH_S = 2.0
# An utterance that ends this long after the visitor let go of the talk button is still theirs:
# the end of speech is only known about half a second after the last word.
TALK_RELEASE_GRACE_S = 2.0


@dataclass
class Conversation:
    """One counter's visits. `handle(event)` applies the rules and returns what to do."""

    session: Session
    offered: tuple[str, ...]  # the visitor languages offered at this counter (settings)
    speak_translations: bool = False
    monotonic: Callable[[], float] = time.monotonic
    sign_results: dict[int, SignResult] = field(default_factory=dict)  # turn id → the recogniser's
    _turn_of: dict[tuple[str, int], int] = field(default_factory=dict)
    _spelling_turn: int | None = None
    _talk: bool | None = None  # None: the talk button never used this visit
    _talk_released_at: float = -1e9

    # -- state ------------------------------------------------------------------------------------

    @property
    def staff_lang(self) -> str:
        return self.session.staff_lang

    @property
    def visitor_lang(self) -> str | None:
        return self.session.visitor_lang

    @property
    def mode(self) -> VisitMode:
        if self.session.visitor_lang == KSL:
            return VisitMode.DEAF
        if self.session.visitor_lang == KO_CAPTIONS:
            return VisitMode.CAPTIONS
        return VisitMode.SPOKEN

    def listening(self) -> dict[MicRole, tuple[str, ...]]:
        """Which languages each microphone listens for, now."""
        ko = self.staff_lang
        if self.mode is not VisitMode.SPOKEN or self.visitor_lang == ko:
            visitor: tuple[str, ...] = (ko,)
        elif self.visitor_lang is not None:
            visitor = (ko, self.visitor_lang)
        else:  # not chosen yet: identify the visitor's language among those offered
            visitor = (ko, *(lang for lang in self.offered if lang not in (ko, KSL, KO_CAPTIONS)))
        return {MicRole.COUNTER: visitor, MicRole.STAFF: (ko,), MicRole.VISITOR: visitor}

    def target_for(self, side: Side) -> str:
        """The language a side's words are shown in to the other side."""
        if side is Side.VISITOR:
            return self.staff_lang
        vl = self.visitor_lang
        return vl if vl is not None and self.mode is VisitMode.SPOKEN else self.staff_lang

    def start(self) -> list[Command]:
        """What the counter needs before anything has happened."""
        return [ListenFor(self.listening()), LanguageShown(self.visitor_lang, self.mode)]

    # -- events -----------------------------------------------------------------------------------

    def handle(self, event: Event) -> list[Command]:
        match event:
            case Heard():
                return self._heard(event)
            case Signed():
                return self._signed(event.event)
            case CameraChanged():
                return self._camera(event.state)
            case PhraseSaid() if event.side is Side.VISITOR:
                return self._picked(event.phrase)
            case PhraseSaid():
                return self._phrase(event.phrase, event.replaces)
            case Typed():
                return self._typed(event)
            case LanguageChosen():
                return self._choose(event.lang)
            case NewVisit():
                return self._new_visit(idle=False)
            case Tick():
                return self._tick()
            case TalkButton():
                return self._talk_button(event.held)
            case Translated():
                return self._translated(event.turn_id, event.translation)
            case TranslationFailed():
                return self._translation_failed(event)
            case Confirmed():
                return self._confirmed(event)
            case SettingsChanged():
                return self._settings(event)
        raise TypeError(f"not a conversation event: {event!r}")

    # -- speech -----------------------------------------------------------------------------------

    def _heard(self, event: Heard) -> list[Command]:
        u = event.utterance
        text = clean_input(u.text)
        if not text:
            return []
        side = self._who_spoke(event)
        lang = u.lang
        commands: list[Command] = []
        if (
            side is Side.VISITOR
            and u.final
            and self.visitor_lang is None
            and lang != self.staff_lang
            and u.lang_confidence >= ADOPT_LANGUAGE_CONFIDENCE
            and u.duration_s >= ADOPT_MIN_SPEECH_S
        ):
            commands += self._choose(lang)  # recognised before the visitor chose: theirs now
        target = self.target_for(side)
        key = (event.source, u.utterance_id)
        partial = self.session.get(self._turn_of.get(key))
        if partial is None:
            turn = self.session.open(side, lang, text, target, final=u.final)
        else:  # a partial growing (or becoming final): the same turn
            grown = replace(partial, side=side, lang=lang, text=text, translated_lang=target)
            turn = self.session.put(replace(grown, final=u.final))
        self._turn_of[key] = turn.turn_id
        commands.append(ShowTurn(turn))
        if not u.final:
            commands.append(SetActivity(side, Activity.RECOGNISING))
            return commands
        del self._turn_of[key]
        return commands + self._translate(turn)

    def _who_spoke(self, event: Heard) -> Side:
        if event.role is MicRole.STAFF:
            return Side.STAFF
        if event.role is MicRole.VISITOR:
            return Side.VISITOR
        if self._talk or self.monotonic() - self._talk_released_at < TALK_RELEASE_GRACE_S:
            return Side.VISITOR  # the visitor holds the talk button (or just let go)
        if self.mode is not VisitMode.SPOKEN:
            return Side.STAFF  # a Deaf visitor signs; a captions visitor uses the talk button
        return Side.STAFF if event.utterance.lang == self.staff_lang else Side.VISITOR

    def _talk_button(self, held: bool) -> list[Command]:
        if self._talk and not held:
            self._talk_released_at = self.monotonic()
        self._talk = held
        self.session.touch()
        return [SetActivity(Side.VISITOR, Activity.LISTENING if held else Activity.IDLE)]

    # -- typing and quick replies -----------------------------------------------------------------

    def _typed(self, event: Typed) -> list[Command]:
        text = clean_input(event.text)  # the pad and the keyboard take any character
        if not text:
            return []
        side = event.side
        lang = event.lang or (self.staff_lang if side is Side.STAFF else self.visitor_lang)
        lang = lang or self.staff_lang
        turn = self.session.open(side, lang, text, self.target_for(side), written=True)
        return [ShowTurn(turn), *self._translate(turn)]

    def _phrase(self, phrase: Translation, replaces: int | None = None) -> list[Command]:
        same = phrase.target_lang == self.staff_lang  # a captions or Deaf visitor reads Korean
        kind = _phrase_kind(phrase, same)
        old = self.session.get(replaces) if replaces is not None else None
        if old is not None:  # staff picked a nearest phrase: it takes their unmatched words' place
            picked = replace(
                old,
                text=phrase.source_text,
                translated_text=phrase.text,
                kind=kind,
                phrase_id=phrase.phrase_id,
                reviewed=phrase.reviewed,
                candidates=(),
            )
            turn = self.session.put(picked)
            return [ShowTurn(turn), *self._speak(turn)]
        turn = self._open_phrase(Side.STAFF, self.staff_lang, phrase, kind)
        return [ShowTurn(turn), *self._speak(turn)]

    def _picked(self, phrase: Translation) -> list[Command]:
        """The visitor pointed at a phrase of the book: a checked turn for staff, in Korean."""
        same = phrase.source_lang == phrase.target_lang  # a visitor who reads Korean
        kind = _phrase_kind(phrase, same)
        return [ShowTurn(self._open_phrase(Side.VISITOR, phrase.source_lang, phrase, kind, True))]

    def _open_phrase(
        self, side: Side, lang: str, phrase: Translation, kind: TurnKind, written: bool = False
    ) -> Turn:
        """A new turn of a phrase of the book, said by `side` in `lang`."""
        return self.session.open(
            side,
            lang,
            phrase.source_text,
            phrase.target_lang,
            kind,
            phrase.text,
            phrase_id=phrase.phrase_id,
            reviewed=phrase.reviewed,
            written=written,
        )

    # -- translation ------------------------------------------------------------------------------

    def _translate(self, turn: Turn) -> list[Command]:
        if turn.lang == turn.translated_lang:
            same = self.session.put(
                replace(turn, translated_text=turn.text, kind=TurnKind.ORIGINAL)
            )
            return [ShowTurn(same), SetActivity(same.side, Activity.IDLE), *self._speak(same)]
        return [
            SetActivity(turn.side, Activity.TRANSLATING),
            Translate(turn.turn_id, turn.text, turn.lang, turn.translated_lang, turn.side),
        ]

    def _translated(self, turn_id: int, translation: Translation) -> list[Command]:
        turn = self.session.get(turn_id)
        if turn is None:  # the visit ended while it was being translated
            return []
        kind = TurnKind(translation.kind.value)
        updated = self.session.put(
            replace(
                turn,
                translated_text=translation.text,
                kind=kind,
                phrase_id=translation.phrase_id,
                reviewed=translation.reviewed,
                candidates=translation.candidates,
            )
        )
        commands: list[Command] = [ShowTurn(updated), SetActivity(updated.side, Activity.IDLE)]
        if kind is TurnKind.CONFIRM:
            log.info("confirmation asked")  # never the text
            return [*commands, AskConfirm(updated)]
        return commands + self._speak(updated)

    def _translation_failed(self, event: TranslationFailed) -> list[Command]:
        turn = self.session.get(event.turn_id)
        if turn is None:
            return []
        updated = self.session.put(replace(turn, kind=TurnKind.NONE, translated_text=""))
        return [
            ShowTurn(updated),
            SetActivity(updated.side, Activity.IDLE),
            Report(
                Status(Component.TRANSLATION, State.WARNING, f"not translated: {event.message}")
            ),
        ]

    def _confirmed(self, event: Confirmed) -> list[Command]:
        turn = self.session.get(event.turn_id)
        if turn is None:  # asked in an earlier visit
            return []
        if turn.kind is TurnKind.SIGN_UNSURE:
            return self._sign_confirmed(turn, event.phrase_id is not None)
        # "Did you mean …?" — or, after No, one of the alternatives picked
        chosen = next((c for c in turn.candidates if c.phrase_id == event.phrase_id), None)
        if chosen is not None and chosen.needs:  # a nearest phrase with slots staff filled in
            return [SayPhrase(turn.turn_id, chosen.phrase_id, event.slots)]
        if chosen is None:
            if turn.kind is not TurnKind.CONFIRM:
                return []
            log.info("confirmation declined")  # honestly not translated; alternatives offered
            declined = replace(
                turn,
                kind=TurnKind.NONE,
                translated_text="",
                phrase_id=None,
                candidates=turn.candidates[1:4],
                declined=True,
            )
            return [ShowTurn(self.session.put(declined))]
        log.info("confirmation accepted")
        updated = self.session.put(
            replace(
                turn,
                kind=TurnKind.VERIFIED,
                phrase_id=chosen.phrase_id,
                translated_text=chosen.text,
                reviewed=chosen.reviewed,
                candidates=(),
            )
        )
        return [ShowTurn(updated), *self._speak(updated)]

    def _sign_confirmed(self, turn: Turn, yes: bool) -> list[Command]:
        if yes:
            kind = TurnKind.VERIFIED if turn.phrase_id else TurnKind.SIGN
            answered = replace(turn, kind=kind, reviewed=True)
        else:
            answered = replace(turn, kind=TurnKind.NONE, translated_text="")
        return [ShowTurn(self.session.put(answered))]

    def _speak(self, turn: Turn) -> list[Command]:
        if not self.speak_translations or turn.side is not Side.STAFF:
            return []
        if turn.kind not in (TurnKind.VERIFIED, TurnKind.ORIGINAL) or not turn.translated_text:
            return []
        return [Speak(turn.translated_text, turn.translated_lang)]

    # -- signs ------------------------------------------------------------------------------------

    def _camera(self, state: CameraState) -> list[Command]:
        if state is CameraState.SIGNING:
            self.session.touch()  # someone signing is not an idle counter
            return [SetActivity(Side.VISITOR, Activity.RECOGNISING)]
        if state in (CameraState.WATCHING, CameraState.OFF):
            return [SetActivity(Side.VISITOR, Activity.IDLE)]
        return []

    def _signed(self, event: SignEvent) -> list[Command]:
        if self.mode is not VisitMode.DEAF:
            return []  # a stopped camera's late result
        self.session.touch()
        if isinstance(event, SignRejected):
            self._spelling_turn = None
            return [SignNotRecognised(event)]
        if isinstance(event, SignUnsure):  # asked on the staff screen, as a question
            return self._sign_unsure(event)
        letter = event.kind is ResultKind.LETTER
        spelled = self.session.get(self._spelling_turn) if letter else None
        if spelled is not None:  # fingerspelling: the letters of one word grow one turn
            turn = self.session.put(
                replace(
                    spelled,
                    text=spelled.text + event.gloss,
                    translated_text=spelled.translated_text + event.text_ko,
                )
            )
        else:
            turn = self.session.open(
                Side.VISITOR,
                KSL,
                event.gloss,
                self.staff_lang,
                TurnKind.VERIFIED if event.phrase_id else TurnKind.SIGN,
                event.text_ko,
                phrase_id=event.phrase_id,
                reviewed=True,
            )
        self._spelling_turn = turn.turn_id if letter else None
        self.sign_results[turn.turn_id] = event
        return [ShowTurn(turn)]

    def _sign_unsure(self, event: SignUnsure) -> list[Command]:
        candidate = event.candidate
        self._spelling_turn = None
        turn = self.session.open(
            Side.VISITOR,
            KSL,
            candidate.gloss,
            self.staff_lang,
            TurnKind.SIGN_UNSURE,
            candidate.text_ko,
            phrase_id=candidate.phrase_id,
        )
        self.sign_results[turn.turn_id] = candidate
        return [ShowTurn(turn)]

    # -- languages, settings and visits -----------------------------------------------------------

    def _choose(self, lang: str | None) -> list[Command]:
        before = (self.visitor_lang, self.mode)
        self.session.visitor_lang = lang
        self.session.touch()
        self._spelling_turn = None
        if (self.visitor_lang, self.mode) == before:
            return []
        return [
            ListenFor(self.listening()),
            LanguageShown(lang, self.mode),
            Camera(self.mode is VisitMode.DEAF),
        ]

    def _settings(self, event: SettingsChanged) -> list[Command]:
        self.offered = event.offered
        self.speak_translations = event.speak_translations
        self.session.idle_timeout_s = event.idle_timeout_s
        return [ListenFor(self.listening())]

    def _new_visit(self, idle: bool) -> list[Command]:
        """Everything New visit (or an idle visit) wipes, in one place."""
        self.session.new_visit()
        self._turn_of.clear()
        self.sign_results.clear()
        self._spelling_turn = None
        self._talk = None
        self._talk_released_at = -1e9
        return [
            ForgetVisit(),  # the recognisers' state, the translation caches, queued work
            VisitEnded(idle),
            ListenFor(self.listening()),
            LanguageShown(None, self.mode),
            Camera(False),
            SetActivity(Side.VISITOR, Activity.IDLE),
        ]

    def _tick(self) -> list[Command]:
        if self.session.idle():
            log.info("idle visit ended")
            return self._new_visit(idle=True)
        return []


def _phrase_kind(phrase: Translation, same_language: bool) -> TurnKind:
    """A rendered phrase's turn kind: its own (verified), or ORIGINAL when both sides read it."""
    return TurnKind.ORIGINAL if same_language else TurnKind(phrase.kind.value)

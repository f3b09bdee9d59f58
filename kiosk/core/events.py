"""What flows into and out of the conversation core: events (what happened at the counter) and
commands (what the runtime is to do about it). Frozen values only; they cross threads freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from asr.events import Side, Status, Utterance
from kiosk.core.session import Turn
from sign.events import SignEvent, SignRejected
from translate import Translation


class MicRole(StrEnum):
    """What a microphone is for: one counter microphone for both sides, or one per side."""

    COUNTER = "counter"
    STAFF = "staff"
    VISITOR = "visitor"


class Activity(StrEnum):
    """What a side's screen says is going on."""

    IDLE = "idle"
    LISTENING = "listening"
    RECOGNISING = "recognising"
    TRANSLATING = "translating"


class CameraState(StrEnum):
    """What the camera worker is doing (deaf-visitor mode)."""

    OFF = "off"
    STARTING = "starting"
    NO_CAMERA = "no camera"
    WATCHING = "watching"  # a picture, nobody signing
    SIGNING = "signing"  # hands up: a sign is being made


class VisitMode(StrEnum):
    SPOKEN = "spoken"  # the visitor speaks (or has not chosen yet)
    DEAF = "deaf"  # the visitor signs (한국수어); staff speech captioned in Korean
    CAPTIONS = "captions"  # the visitor reads Korean captions and answers in Korean


# -- events in ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heard:
    """A partial or final result of a recogniser on microphone `source` (its role decides, with
    two microphones, who spoke)."""

    utterance: Utterance
    source: str
    role: MicRole = MicRole.COUNTER


@dataclass(frozen=True, slots=True)
class Signed:
    """The sign engine finished a segment: a sign, a fingerspelled letter, or no match."""

    event: SignEvent


@dataclass(frozen=True, slots=True)
class PhraseSaid:
    """Staff tapped a quick reply; the phrasebook rendered it (`Translator.say`: the Korean as
    `source_text`, the visitor's wording as `text`). `replaces`: the staff turn whose nearest
    phrase this is (their words matched nothing; they picked a phrase whose slots they filled)."""

    phrase: Translation
    replaces: int | None = None
    #: who said it: staff (a quick reply), or the visitor, who pointed at it in the phrase picker
    #: (then `source_text` is the visitor's wording and `text` the Korean)
    side: Side = Side.STAFF


@dataclass(frozen=True, slots=True)
class Typed:
    """Text typed on a keyboard: staff's Korean, or the visitor's own language on the pad."""

    text: str
    side: Side = Side.STAFF
    lang: str | None = None  # None: the side's language


@dataclass(frozen=True, slots=True)
class LanguageChosen:
    """The visitor chose (or staff overrode) the visitor's language; None = not chosen."""

    lang: str | None


@dataclass(frozen=True, slots=True)
class NewVisit:
    """Staff pressed New visit."""


@dataclass(frozen=True, slots=True)
class Tick:
    """The clock moved on (for idle expiry)."""


@dataclass(frozen=True, slots=True)
class TalkButton:
    held: bool


@dataclass(frozen=True, slots=True)
class Translated:
    """The translation worker finished a turn's text."""

    turn_id: int
    translation: Translation


@dataclass(frozen=True, slots=True)
class TranslationFailed:
    turn_id: int
    message: str


@dataclass(frozen=True, slots=True)
class Confirmed:
    """The answer to "Did you mean …?": the phrase meant, or None for No. Also staff's pick among
    the nearest phrases to their words that matched nothing, with the values they typed for its
    open slots (`slots`, by slot name)."""

    turn_id: int
    phrase_id: str | None
    slots: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SettingsChanged:
    """Staff saved the settings: what the rules of a visit depend on."""

    offered: tuple[str, ...]
    speak_translations: bool
    idle_timeout_s: float


@dataclass(frozen=True, slots=True)
class CameraChanged:
    """The camera worker's state changed (someone signing is not an idle counter)."""

    state: CameraState


Event = (
    Heard
    | Signed
    | PhraseSaid
    | Typed
    | LanguageChosen
    | NewVisit
    | Tick
    | TalkButton
    | Translated
    | TranslationFailed
    | Confirmed
    | SettingsChanged
    | CameraChanged
)


# -- commands out ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowTurn:
    turn: Turn


@dataclass(frozen=True, slots=True)
class Translate:
    """Translate a turn's text on the translation worker; answer with `Translated`."""

    turn_id: int
    text: str
    source_lang: str
    target_lang: str
    #: who spoke: their words are matched against the phrases their side says
    side: Side = Side.VISITOR


@dataclass(frozen=True, slots=True)
class ListenFor:
    """The languages each microphone's recogniser identifies among, by role."""

    languages: dict[MicRole, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ForgetVisit:
    """Reset the recognisers and clear every translation cache: the visit is over."""


@dataclass(frozen=True, slots=True)
class VisitEnded:
    idle: bool


@dataclass(frozen=True, slots=True)
class LanguageShown:
    """The visitor's language changed (chosen, recognised, or cleared)."""

    lang: str | None
    mode: VisitMode


@dataclass(frozen=True, slots=True)
class Camera:
    on: bool


@dataclass(frozen=True, slots=True)
class SetActivity:
    side: Side
    activity: Activity


@dataclass(frozen=True, slots=True)
class Speak:
    text: str
    lang: str


@dataclass(frozen=True, slots=True)
class SayPhrase:
    """Render a phrase with staff's slot values (`Translator.say`) for the staff turn it
    replaces; answer with `PhraseSaid(replaces=turn_id)`."""

    turn_id: int
    phrase_id: str
    slots: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AskConfirm:
    """Ask the side who said `turn` whether they meant its best candidate phrase."""

    turn: Turn


@dataclass(frozen=True, slots=True)
class SignNotRecognised:
    event: SignRejected


@dataclass(frozen=True, slots=True)
class Report:
    status: Status


Command = (
    ShowTurn
    | Translate
    | ListenFor
    | ForgetVisit
    | VisitEnded
    | LanguageShown
    | Camera
    | SetActivity
    | Speak
    | SayPhrase
    | AskConfirm
    | SignNotRecognised
    | Report
)

"""The values that leave the sign engine (frozen dataclasses; safe to pass between threads).

A finished sign segment produces exactly one event:
- a `SignResult` when it matched the vocabulary well enough to be shown as recognised;
- a `SignUnsure` when the best candidate is plausible but below that bar: staff are asked
  "did they sign …?" with the candidate and its alternatives, and nothing is shown as recognised
  until they confirm;
- a `SignRejected` when nothing in the vocabulary fits (the staff screen then says "not recognised —
  ask to repeat or write").
No event at all means nobody signed (or the hands barely moved). Device and model health is
reported as `Status`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ResultKind(enum.Enum):
    SIGN = "sign"  # a lexical sign matched against enrolled takes
    LETTER = "letter"  # a fingerspelled letter (지문자) from a static hand shape


@dataclass(frozen=True)
class SignResult:
    """A recognised sign (or fingerspelled letter, `kind=ResultKind.LETTER`)."""

    gloss: str
    text_ko: str
    confidence: float  # 0..1, probability of `gloss` among the vocabulary
    alternatives: tuple[
        tuple[str, float], ...
    ]  # up to 3 (gloss, probability), best first, incl. gloss
    start_s: float
    end_s: float
    phrase_id: str | None = None  # a phrasebook id (e.g. "emer.sick") when the gloss maps to one
    kind: ResultKind = ResultKind.SIGN


@dataclass(frozen=True)
class SignRejected:
    """Someone signed, but nothing in the vocabulary matched well enough."""

    start_s: float
    end_s: float
    nearest: tuple[
        tuple[str, float], ...
    ]  # the closest glosses and their probabilities, for the log
    reason: str  # e.g. "too far from every enrolled take"


@dataclass(frozen=True)
class SignUnsure:
    """The uncertain middle: `candidate` is the best gloss (with its alternatives, best first), to
    be put to staff as a question ("…?"), never shown as a recognised sign on its own."""

    candidate: SignResult
    start_s: float
    end_s: float
    reason: str  # e.g. "farther from the enrolled takes than they are from each other"


SignEvent = SignResult | SignRejected | SignUnsure


@dataclass(frozen=True)
class Status:
    """Device health for the staff screen, e.g. `Status("camera", "lost", "Camera 0 …")`."""

    component: str  # "camera" | "landmarks" | "vocabulary"
    state: str  # "ok" | "starting" | "lost" | "reconnecting" | "error"
    message: str

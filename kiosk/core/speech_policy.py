"""What the visitor screen offers first, from how well the speech model hears the language.

The figures and bands are in `assets/languages.toml` (`speech`): where Whisper base mishears most
of what is said (Uzbek, Mongolian, Nepali, Khmer), a visitor pressed to "Hold to talk" would only
see wrong words. Their screen leads with the phrase picker and writing, offers talking last, and
says why in one line; staff see the language's speech quality beside the visitor's spoken turns.
"""

from __future__ import annotations

from typing import Literal

from translate import languages
from translate.languages import SpeechQuality

VisitorAction = Literal["talk", "write", "pick", "note"]

SPEECH_FIRST: tuple[VisitorAction, ...] = ("talk", "write", "pick", "note")
POINT_FIRST: tuple[VisitorAction, ...] = ("pick", "write", "talk", "note")


def speech_quality(lang: str | None) -> SpeechQuality | None:
    """The registry's speech band for a visitor language; None for sign language, Korean
    captions or no language yet."""
    if lang is None or not languages.is_supported(lang):
        return None
    return languages.get(lang).speech


def speech_unreliable(lang: str | None) -> bool:
    return speech_quality(lang) == "poor"


def visitor_actions(lang: str | None) -> tuple[VisitorAction, ...]:
    """The visitor screen's bottom buttons, in order (the first is the largest, and focused)."""
    return POINT_FIRST if speech_unreliable(lang) else SPEECH_FIRST

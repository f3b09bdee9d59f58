"""The language registry: names, scripts, fonts and model codes of every supported language.

The data lives in `assets/languages.toml`; everything else in Changgu asks this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from translate.errors import PhrasebookError, UnsupportedLanguageError
from translate.files import parse_toml, read_text

Direction = Literal["ltr", "rtl"]
# How well the shipped speech model hears a language (assets/languages.toml explains the bands).
SpeechQuality = Literal["good", "fair", "poor"]
SPEECH_QUALITIES: tuple[SpeechQuality, ...] = ("good", "fair", "poor")

#: The staff side always speaks Korean.
STAFF_LANGUAGE = "ko"


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    english: str
    native: str
    script: str
    direction: Direction
    font: str
    whisper: str
    nllb: str
    m2m100: str
    espeak: str
    speech: SpeechQuality = "fair"
    speech_fleurs: float | None = None  # Whisper base's published FLEURS error, %
    speech_measured: float | None = None  # ours, on licensed recordings (0-1)

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def speech_unreliable(self) -> bool:
        """Speech is offered last: the picker and writing lead on the visitor screen."""
        return self.speech == "poor"


def get(code: str) -> Language:
    """The language with this code; raises UnsupportedLanguageError naming the supported ones."""
    registry = _registry()
    try:
        return registry[code]
    except KeyError:
        raise UnsupportedLanguageError(
            f"language {code!r} is not supported; choose one of {', '.join(registry)}"
        ) from None


def all() -> tuple[Language, ...]:
    """Every supported language, in registry order (most needed at Korean counters first)."""
    return tuple(_registry().values())


def codes() -> tuple[str, ...]:
    return tuple(_registry())


def is_supported(code: str) -> bool:
    return code in _registry()


def by_whisper_code(whisper: str) -> Language | None:
    """Map a Whisper language id back to the registry (None when the session cannot use it)."""
    for language in _registry().values():
        if language.whisper == whisper:
            return language
    return None


_FIELDS = ("code", "english", "native", "script", "direction", "font", "whisper", "nllb", "m2m100")


@cache
def _registry() -> dict[str, Language]:
    return parse_registry(read_text(resources.files("assets").joinpath("languages.toml")))


def parse_registry(text: str) -> dict[str, Language]:
    """Parse the TOML text of a language registry, with messages that name the bad entry."""
    data = parse_toml(text, "assets/languages.toml")
    languages: dict[str, Language] = {}
    for index, raw in enumerate(data.get("language", [])):
        missing = [name for name in _FIELDS if not str(raw.get(name, "")).strip()]
        if missing:
            raise PhrasebookError(
                f"assets/languages.toml entry #{index + 1} lacks {', '.join(missing)}; add them"
            )
        direction = raw["direction"]
        if direction not in ("ltr", "rtl"):
            raise PhrasebookError(
                f"assets/languages.toml: {raw['code']} has direction {direction!r}; use ltr or rtl"
            )
        speech = raw.get("speech", "fair")
        if speech not in SPEECH_QUALITIES:
            raise PhrasebookError(
                f"assets/languages.toml: {raw['code']} has speech {speech!r}; use "
                + ", ".join(SPEECH_QUALITIES)
            )
        if raw["code"] in languages:
            raise PhrasebookError(f"assets/languages.toml lists {raw['code']!r} twice; keep one")
        languages[raw["code"]] = Language(
            code=str(raw["code"]),
            english=str(raw["english"]),
            native=str(raw["native"]),
            script=str(raw["script"]),
            direction=direction,
            font=str(raw["font"]),
            whisper=str(raw["whisper"]),
            nllb=str(raw["nllb"]),
            m2m100=str(raw["m2m100"]),
            espeak=str(raw.get("espeak", "")),
            speech=speech,
            speech_fleurs=_number(raw, "speech_fleurs"),
            speech_measured=_number(raw, "speech_measured"),
        )
    if not languages:
        raise PhrasebookError("assets/languages.toml lists no language; restore the file")
    return languages


def _number(raw: dict[str, object], name: str) -> float | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PhrasebookError(
            f"assets/languages.toml: {raw.get('code')} has {name} = {value!r}; write a number"
        )
    return float(value)

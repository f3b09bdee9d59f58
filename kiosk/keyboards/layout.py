"""Keyboard layouts as data: rows of keys, each typing a text plain, with Shift and with AltGr.

Layouts live in `assets/keyboards/<name>.toml` (written by `python -m kiosk.keyboards.generate`,
mostly from xkeyboard-config) and `assets/keyboards/languages.toml` says which layouts a visitor
language offers, its own script first. The kiosk reads only these files, never xkb.

    for layout in layouts_for("th"):          # Thai (Kedmanee), then Latin
        for row in layout.rows:
            for key in row:
                key.label(), key.output(shifted=True)
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

#: The layout shown to a visitor whose language has no entry (a sign-language visit, say).
FALLBACK = "latin"

_DOTTED_CIRCLE = "\u25cc"


class LayoutError(Exception):
    """A layout file that is missing or malformed: regenerate it with kiosk.keyboards.generate."""


class ComposerKind(StrEnum):
    """How keys become text: as they are, or through a composer (see `composer_for`)."""

    NONE = "none"
    HANGUL = "hangul"
    TELEX = "telex"
    PINYIN = "pinyin"
    KANA = "kana"


class Level(StrEnum):
    BASE = "base"
    SHIFT = "shift"
    ALT = "alt"


@dataclass(frozen=True, slots=True)
class Key:
    """One key: the text it types on each level ("" where that level types nothing).

    `position` is the xkb name of the key it copies (AE01, AD01, …) or EXnn for a key the
    keyboard adds; it lets a physical keyboard's key press the same on-screen key.
    """

    position: str
    base: str
    shift: str = ""
    alt: str = ""

    def output(self, shifted: bool = False, alt: bool = False) -> str:
        """What pressing the key types; Shift with nothing of its own types the plain text."""
        if alt:
            return self.alt
        return (self.shift or self.base) if shifted else self.base

    def label(self, shifted: bool = False, alt: bool = False) -> str:
        """What the key shows: its text, a combining mark drawn on a dotted circle (◌ั), and
        an invisible character by its name's initials (ZWJ), so no key looks blank."""
        return display(self.output(shifted, alt))

    def outputs(self) -> tuple[str, ...]:
        return tuple(text for text in (self.base, self.shift, self.alt) if text)


@dataclass(frozen=True, slots=True)
class Layout:
    """A keyboard: its rows of keys, how keys become text, and where its data came from."""

    name: str
    title: str  # in English, for staff screens and logs
    script: str  # ISO 15924
    composer: ComposerKind
    switch_label: str  # on the key that switches to this layout, in its own script
    rows: tuple[tuple[Key, ...], ...]
    source: str
    licence: str

    def every_key(self) -> Iterator[Key]:
        for row in self.rows:
            yield from row

    def outputs(self) -> frozenset[str]:
        """Every text a key of the layout types, on any level."""
        return frozenset(text for key in self.every_key() for text in key.outputs())

    def find(self, text: str) -> tuple[Key, Level] | None:
        """The key and level that type `text` (the plain level first), or None."""
        for level in Level:
            for key in self.every_key():
                if getattr(key, level.value) == text:
                    return key, level
        return None


def display(text: str) -> str:
    """A key's label for the text it types."""
    if not text:
        return ""
    first = unicodedata.category(text[0])
    if first in ("Mn", "Mc"):
        return _DOTTED_CIRCLE + text
    if first == "Cf":
        return "".join(word[0] for word in unicodedata.name(text[0], "?").split())
    return text


def layouts_for(lang: str) -> list[Layout]:
    """The layouts a visitor writing `lang` may use, their own script first (then Latin)."""
    names = _language_table().get(lang, (FALLBACK,))
    return [layout(name) for name in names]


@cache
def layout(name: str) -> Layout:
    """The layout `assets/keyboards/<name>.toml`."""
    data = _read_toml(f"{name}.toml")
    try:
        rows = tuple(
            tuple(
                Key(
                    str(k["position"]),
                    str(k["base"]),
                    str(k.get("shift", "")),
                    str(k.get("alt", "")),
                )
                for k in row["keys"]
            )
            for row in data["row"]
        )
        return Layout(
            name=str(data["name"]),
            title=str(data["title"]),
            script=str(data["script"]),
            composer=ComposerKind(str(data.get("composer", "none"))),
            switch_label=str(data["switch_label"]),
            rows=rows,
            source=str(data["source"]),
            licence=str(data["licence"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise LayoutError(
            f"assets/keyboards/{name}.toml is malformed ({error!r}): regenerate it with "
            "`python -m kiosk.keyboards.generate`"
        ) from error


def languages() -> tuple[str, ...]:
    """The languages that have layouts."""
    return tuple(_language_table())


@cache
def _language_table() -> dict[str, tuple[str, ...]]:
    table = _read_toml("languages.toml").get("languages", {})
    return {str(lang): tuple(str(n) for n in names) for lang, names in table.items()}


def _read_toml(name: str) -> dict[str, Any]:
    file = resources.files("assets").joinpath("keyboards", name)
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayoutError(
            f"assets/keyboards/{name} is missing: run `python -m kiosk.keyboards.generate`"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise LayoutError(f"assets/keyboards/{name} is not valid TOML: {error}") from error

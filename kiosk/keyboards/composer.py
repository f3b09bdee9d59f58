"""One interface for every way keys become text, so the writing pad handles all layouts alike.

The interface is the one the pad already drives for Korean (`kiosk.ui.hangul.HangulComposer`):
`press` a key's text, read `composing` (the preedit, shown underlined) and `take_committed()`
(finished text for the field), `backspace()` (False when there was nothing of the composer's to
take back, so the field deletes its own text), `finish()` when the pad sends, switches layout or
the cursor moves, and `clear()` at New visit. Composers that offer candidates (Chinese, Japanese)
also have `candidates` and `choose(index)`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from kiosk.keyboards.base import ComposerBase
from kiosk.keyboards.layout import ComposerKind, Layout


@runtime_checkable
class Composer(Protocol):
    committed: str

    @property
    def composing(self) -> str: ...

    @property
    def text(self) -> str: ...

    def press(self, key: str) -> None: ...

    def backspace(self) -> bool: ...

    def finish(self) -> str: ...

    def take_committed(self) -> str: ...

    def clear(self) -> None: ...


@runtime_checkable
class CandidateComposer(Composer, Protocol):
    """A composer whose preedit is turned into text by picking one of several candidates."""

    @property
    def candidates(self) -> tuple[str, ...]: ...

    def choose(self, index: int) -> None: ...


class PlainComposer(ComposerBase):
    """Keys type their text as it is: the layouts whose script needs no composition (Thai, Khmer,
    Devanagari, Cyrillic, Latin). Combining marks need nothing either: each key types one code
    point in the order the script stores them (Khmer ក ្ ម makes the subscript ក្ម)."""

    def press(self, key: str) -> None:
        self.committed += key

    def backspace(self) -> bool:
        """Take back the last code point typed (a mark, not the whole cluster, as the key
        typed it), else report there was nothing."""
        return self._erase_committed()

    def finish(self) -> str:
        return self.committed


def composer_for(layout: Layout) -> Composer:
    """A new composer for the layout. Chinese candidates load a dictionary of a few hundred
    thousand words on first use (about three seconds): build it off the UI thread."""
    match layout.composer:
        case ComposerKind.TELEX:
            from kiosk.keyboards.telex import TelexComposer, TonePlacement

            # the phrasebook places tones the traditional way (hòa, tùy): typed the same way, a
            # visitor's words meet its wordings exactly
            return TelexComposer(TonePlacement.TRADITIONAL)
        case ComposerKind.PINYIN:
            from kiosk.keyboards.pinyin import PinyinComposer

            return PinyinComposer()
        case ComposerKind.KANA:
            from kiosk.keyboards.kana import KanaComposer

            return KanaComposer()
        case ComposerKind.HANGUL:
            from kiosk.ui.hangul import HangulComposer  # Qt-free; the pad's own composer

            return HangulComposer()
        case _:
            return PlainComposer()


def preload(layout: Layout) -> None:
    """Read the dictionary the layout's composer converts with (Chinese: a few hundred thousand
    words, about three seconds; Japanese: Mozc's), so the first key press does not wait. Meant
    for a worker thread when a visitor's language is chosen; a dictionary that cannot be read
    raises here, as it would at the first key press."""
    if layout.composer is ComposerKind.PINYIN:
        from kiosk.keyboards.hanzi import shared_dictionary

        shared_dictionary()
    elif layout.composer is ComposerKind.KANA:
        from kiosk.keyboards.kanji import shared_converter

        shared_converter()

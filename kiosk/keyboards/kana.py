"""Japanese typed on a kana grid: kana collect in the preedit and are written as kana or kanji.

The grid (`assets/keyboards/kana.toml`) types hiragana, with Shift katakana. Three keys change
the kana before them, as on Japanese phones: ゛ voices it (か → が, again → か), ゜ makes it
semi-voiced (は → ぱ), 小 makes it small (つ → っ, や → ゃ). Candidates are the preedit as it is,
in katakana, and the converter's kanji (`kiosk.keyboards.kanji`); choosing one writes it. Space
chooses the first; finishing (Send, a layout switch) writes the kana unconverted, since kana is
always correct Japanese and a conversion the visitor did not see may not be.
"""

from __future__ import annotations

import unicodedata

from kiosk.keyboards.base import ComposerBase
from kiosk.keyboards.kanji import KanjiConverter, shared_converter

VOICED = "゛"
SEMI_VOICED = "゜"
SMALL = "小"
MAX_CANDIDATES = 30
_SMALL_PAIRS = (
    "あぁいぃうぅえぇおぉつっやゃゆゅよょわゎかゕけゖ"  # hiragana: big, small
    "アァイィウゥエェオォツッヤャユュヨョワヮカヵケヶ"  # katakana
)
_TO_SMALL = dict(zip(_SMALL_PAIRS[::2], _SMALL_PAIRS[1::2], strict=True))
_FROM_SMALL = {small: big for big, small in _TO_SMALL.items()}
_MARKS = {VOICED: "\u3099", SEMI_VOICED: "\u309a"}


class KanaComposer(ComposerBase):
    def __init__(self, converter: KanjiConverter | None = None, convert: bool = True) -> None:
        """`convert=False` offers kana candidates only (no kanji dictionary is loaded)."""
        super().__init__()
        self._converter = converter
        self._convert = convert
        self._kana = ""

    @property
    def composing(self) -> str:
        return self._kana

    @property
    def candidates(self) -> tuple[str, ...]:
        if not self._kana:
            return ()
        found = [self._kana, katakana(self._kana), *self._conversions(MAX_CANDIDATES)]
        return tuple(dict.fromkeys(found))[:MAX_CANDIDATES]

    def press(self, key: str) -> None:
        if key in (VOICED, SEMI_VOICED, SMALL):
            self._modify(key)
        elif key == " " and self._kana:
            self.committed += self._best_conversion()
            self._kana = ""
        elif is_kana(key) or (key in "、。？！「」" and self._kana):
            self._kana += key  # punctuation inside the preedit helps the converter
        else:
            self.finish()
            self.committed += key

    def choose(self, index: int) -> None:
        candidates = self.candidates
        if 0 <= index < len(candidates):
            self.committed += candidates[index]
            self._kana = ""

    def backspace(self) -> bool:
        if self._kana:
            self._kana = self._kana[:-1]
            return True
        return self._erase_committed()

    def finish(self) -> str:
        self.committed += self._kana
        self._kana = ""
        return self.committed

    def _drop_composing(self) -> None:
        self._kana = ""

    def _best_conversion(self) -> str:
        converted = self._conversions(1)
        return converted[0] if converted else self._kana

    def _conversions(self, count: int) -> tuple[str, ...]:
        if not self._convert:
            return ()
        if self._converter is None:
            self._converter = shared_converter()
        return self._converter.convert(self._kana, count)

    def _modify(self, mark: str) -> None:
        if not self._kana:
            return
        last = self._kana[-1]
        self._kana = self._kana[:-1] + modified(last, mark)


def modified(kana: str, mark: str) -> str:
    """The kana with a mark key applied; pressing the same mark again takes it off."""
    if mark == SMALL:
        return _TO_SMALL.get(kana) or _FROM_SMALL.get(kana, kana)
    decomposed = unicodedata.normalize("NFD", kana)
    base, marks = decomposed[0], decomposed[1:]
    combining = _MARKS[mark]
    if combining in marks:
        return base
    result = unicodedata.normalize("NFC", base + combining)
    return result if len(result) == 1 else kana


def katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if 0x3041 <= ord(c) <= 0x3096 else c for c in text)


def is_kana(char: str) -> bool:
    """Hiragana, katakana and the long-vowel mark ー."""
    return len(char) == 1 and (0x3041 <= ord(char) <= 0x3096 or 0x30A1 <= ord(char) <= 0x30FC)

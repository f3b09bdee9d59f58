"""Hanzi by their pinyin, most frequent first: the dictionary behind Chinese candidates.

Readings come from pypinyin (MIT; its per-character readings, and its phrase readings where a
character reads differently in a word: 银行 yin hang), frequencies from jieba's dictionary (MIT;
349,000 words with counts from a large corpus). Both ship their data inside the package, so the
dictionary works offline. Building the index takes about three seconds and 200 MB on the counter
PC, once per kiosk run, so it is built on first use, and a `PinyinComposer` can be given any
other `HanziDictionary` (a smaller one for a small machine, or a future input-method engine).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Protocol


class HanziDictionary(Protocol):
    def syllables(self) -> frozenset[str]:
        """Every toneless pinyin syllable the dictionary knows (ü written v: lv, nv)."""
        ...

    def lookup(self, syllables: tuple[str, ...]) -> tuple[str, ...]:
        """Words read exactly as these syllables, most frequent first."""
        ...


class PinyinDictionary:
    """pypinyin's readings ranked by jieba's word frequencies."""

    def __init__(self) -> None:
        from pypinyin.phrases_dict import phrases_dict
        from pypinyin.pinyin_dict import pinyin_dict

        frequency = _jieba_frequencies()
        readings = {
            chr(code): tuple(dict.fromkeys(toneless(r) for r in value.split(",")))
            for code, value in pinyin_dict.items()
        }
        ranked: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        for char, char_readings in readings.items():
            for reading in char_readings:  # every reading: 行 is found under xing and hang
                ranked[reading].append((frequency.get(char, 0), char))
        for word, count in frequency.items():
            if len(word) < 2:
                continue
            if word in phrases_dict:
                key = " ".join(toneless(r[0]) for r in phrases_dict[word])
            elif all(c in readings for c in word):
                key = " ".join(readings[c][0] for c in word)
            else:
                continue
            ranked[key].append((count, word))
        self._index = {
            key: tuple(word for _, word in sorted(entries, key=lambda e: -e[0]))
            for key, entries in ranked.items()
        }
        self._syllables = frozenset(r for rs in readings.values() for r in rs if r.isalpha())

    def syllables(self) -> frozenset[str]:
        return self._syllables

    def lookup(self, syllables: tuple[str, ...]) -> tuple[str, ...]:
        return self._index.get(" ".join(syllables), ())


@cache
def shared_dictionary() -> PinyinDictionary:
    """The one dictionary of a kiosk run (it is large; every composer shares it)."""
    return PinyinDictionary()


def toneless(reading: str) -> str:
    """ "lǜ" → "lv", "fèi" → "fei": pinyin as typed on a keyboard."""
    decomposed = unicodedata.normalize("NFD", reading.strip().lower())
    letters: list[str] = []
    for char in decomposed:
        if char == "\u0308":  # the diaeresis of ü
            letters[-1] = "v"
        elif not unicodedata.combining(char):
            letters.append(char)
    return "".join(letters)


def _jieba_frequencies() -> dict[str, int]:
    """Word → count from jieba's dictionary file, read directly (jieba itself is not needed)."""
    frequency: dict[str, int] = {}
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            frequency[parts[0]] = int(parts[1])
    return frequency

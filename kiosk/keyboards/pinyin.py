"""Chinese typed as pinyin, written as hanzi picked from candidates: "shouxufei" → 手续费.

Lowercase letters collect in the preedit, split into syllables (the fewest that cover it, so
"xian" is one syllable; an apostrophe splits where the visitor means two: "xi'an"). The
candidates are the words read as the whole preedit, then as ever shorter leading parts of it,
most frequent first; choosing one writes it and leaves the rest of the preedit to choose next.
Space chooses the first candidate; punctuation, digits and capitals end the preedit (its best
candidates are written) and are typed as they are. Tones are not typed, as on Chinese phones.
"""

from __future__ import annotations

from functools import cache

from kiosk.keyboards.base import ComposerBase
from kiosk.keyboards.hanzi import HanziDictionary, shared_dictionary

MAX_CANDIDATES = 300  # a rare character is still reachable, pages further on
_SEPARATOR = "'"


class PinyinComposer(ComposerBase):
    def __init__(self, dictionary: HanziDictionary | None = None) -> None:
        super().__init__()
        self._dictionary = dictionary
        self._pinyin = ""

    @property
    def dictionary(self) -> HanziDictionary:
        """The dictionary, loaded on first need (see `kiosk.keyboards.hanzi`)."""
        if self._dictionary is None:
            self._dictionary = shared_dictionary()
        return self._dictionary

    @property
    def composing(self) -> str:
        return self._pinyin

    @property
    def candidates(self) -> tuple[str, ...]:
        """Words for the preedit: read as all of it first, then as shorter leading parts."""
        syllables = self.syllables()
        found: dict[str, None] = {}
        for n in range(len(syllables), 0, -1):
            for word in self.dictionary.lookup(syllables[:n]):
                found.setdefault(word)
                if len(found) >= MAX_CANDIDATES:
                    return tuple(found)
        return tuple(found)

    def syllables(self) -> tuple[str, ...]:
        """The preedit as syllables (a trailing unfinished one is left out)."""
        known = self.dictionary.syllables()
        result: list[str] = []
        for part in self._pinyin.split(_SEPARATOR):
            result.extend(_split(part, known))
        return tuple(result)

    def press(self, key: str) -> None:
        if (len(key) == 1 and "a" <= key <= "z") or (key == _SEPARATOR and self._pinyin):
            self._pinyin += key
        elif key == " " and self._pinyin:
            self.choose(0)
        else:
            self.finish()
            self.committed += key

    def choose(self, index: int) -> None:
        """Write candidate `index` and keep the pinyin it did not cover."""
        candidates = self.candidates
        if not 0 <= index < len(candidates):
            return
        word = candidates[index]
        self.committed += word
        self._pinyin = self._after(self._covered(word))

    def backspace(self) -> bool:
        if self._pinyin:
            self._pinyin = self._pinyin[:-1]
            return True
        return self._erase_committed()

    def finish(self) -> str:
        """Write the best candidates for all of the preedit (pinyin the dictionary cannot read
        stays as letters): a visitor who sends mid-word means the words, not the letters."""
        while self._pinyin:
            if not self.candidates:
                self.committed += self._pinyin.replace(_SEPARATOR, "")
                self._pinyin = ""
                break
            self.choose(0)
        return self.committed

    def _drop_composing(self) -> None:
        self._pinyin = ""

    def _covered(self, word: str) -> int:
        """How many syllables a chosen candidate stands for (one per character)."""
        return min(len(word), len(self.syllables()))

    def _after(self, count: int) -> str:
        """The preedit without its first `count` syllables."""
        known = self.dictionary.syllables()
        rest = self._pinyin
        for _ in range(count):
            rest = rest.lstrip(_SEPARATOR)
            head = rest.split(_SEPARATOR, 1)[0]
            first = _split(head, known)[:1]
            rest = rest[len(first[0]) :] if first else ""
        return rest.lstrip(_SEPARATOR)


def _split(letters: str, known: frozenset[str]) -> list[str]:
    """The fewest known syllables that spell a prefix as long as possible of `letters`."""
    return list(_best(letters, known))


@cache
def _best(letters: str, known: frozenset[str]) -> tuple[str, ...]:
    """Longest coverable prefix first, then fewest syllables, then longest first syllable."""
    best: tuple[str, ...] = ()
    best_score = (0, 0)
    for size in range(min(6, len(letters)), 0, -1):
        head = letters[:size]
        if head not in known:
            continue
        rest = _best(letters[size:], known)
        covered = size + sum(len(s) for s in rest)
        score = (covered, -(1 + len(rest)))
        if score > best_score:
            best, best_score = (head, *rest), score
    return best

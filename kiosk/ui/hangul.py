"""Hangul composition for a 2-beolsik (두벌식) keyboard: jamo keys in, syllables out.

A visitor writing Korean on the pad presses jamo keys (ㄱ, ㅏ, …) one at a time; `HangulComposer`
joins them into syllables the way a Korean input method does: an initial, a medial and a final
(double finals like ㄳ ㄺ, compound vowels like ㅘ ㅢ), and a final consonant moving on to the next
syllable when a vowel follows it (갑 + ㅏ → 가바, 값 + ㅏ → 갑사). Backspace takes back the last
jamo of the syllable being composed, then whole committed characters.

    composer = HangulComposer()
    for key in "ㅎㅏㄴㄱㅡㄹ":
        composer.press(key)
    composer.text  # "한글"  (committed "한", composing "글")

No Qt: the writing pad (`kiosk/ui/pad.py`) shows `composing` as the input method's preedit.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.keyboards.base import ComposerBase

# The Hangul Compatibility Jamo a 2-beolsik keyboard types, in Unicode's syllable order.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"  # after "no final" (index 0)

# Two keys that make one vowel or one final consonant.
COMPOUND_VOWELS = {
    ("ㅗ", "ㅏ"): "ㅘ",
    ("ㅗ", "ㅐ"): "ㅙ",
    ("ㅗ", "ㅣ"): "ㅚ",
    ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ",
    ("ㅜ", "ㅣ"): "ㅟ",
    ("ㅡ", "ㅣ"): "ㅢ",
}
DOUBLE_FINALS = {
    ("ㄱ", "ㅅ"): "ㄳ",
    ("ㄴ", "ㅈ"): "ㄵ",
    ("ㄴ", "ㅎ"): "ㄶ",
    ("ㄹ", "ㄱ"): "ㄺ",
    ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ",
    ("ㄹ", "ㅅ"): "ㄽ",
    ("ㄹ", "ㅌ"): "ㄾ",
    ("ㄹ", "ㅍ"): "ㄿ",
    ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}
_SPLIT_FINALS = {double: pair for pair, double in DOUBLE_FINALS.items()}

# The 2-beolsik layout on a QWERTY keyboard: unshifted keys, and what Shift changes.
DUBEOLSIK = dict(
    zip(
        "qwertyuiopasdfghjklzxcvbnm",
        "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ",
        strict=True,
    )
)
DUBEOLSIK_SHIFT = {"q": "ㅃ", "w": "ㅉ", "e": "ㄸ", "r": "ㄲ", "t": "ㅆ", "o": "ㅒ", "p": "ㅖ"}

SYLLABLE_BASE = 0xAC00


def is_consonant(key: str) -> bool:
    """A consonant key of the keyboard (one that can begin a syllable)."""
    return len(key) == 1 and key in INITIALS


def is_vowel(key: str) -> bool:
    return len(key) == 1 and key in MEDIALS


def syllable(initial: str, medial: str, final: str = "") -> str:
    """The precomposed syllable of an initial, a medial and an optional final (ㅎ ㅏ ㄴ → 한)."""
    index = (INITIALS.index(initial) * len(MEDIALS) + MEDIALS.index(medial)) * 28
    return chr(SYLLABLE_BASE + index + (FINALS.index(final) + 1 if final else 0))


def compose(keys: Iterable[str]) -> str:
    """The text a sequence of keys types ("\\b" is backspace)."""
    composer = HangulComposer()
    for key in keys:
        if key == "\b":
            composer.backspace()
        else:
            composer.press(key)
    return composer.text


class HangulComposer(ComposerBase):
    """Jamo keys in, committed text and the syllable being composed out.

    `press` takes a jamo key or any other character (a letter, digit, space or punctuation
    commits the syllable and is added as it is). `committed` grows as syllables are finished;
    `take_committed()` hands it over and empties it, for a text field that keeps the text itself.
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[str] = []  # the keys of the syllable being composed
        self._initial = ""
        self._medial = ""
        self._final = ""

    # -- state -------------------------------------------------------------------------------

    @property
    def composing(self) -> str:
        """The syllable (or lone jamo) being composed; "" when nothing is."""
        if self._initial and self._medial:
            return syllable(self._initial, self._medial, self._final)
        return self._initial or self._medial

    # -- keys --------------------------------------------------------------------------------

    def press(self, key: str) -> None:
        if is_vowel(key):
            self._vowel(key)
        elif is_consonant(key):
            self._consonant(key)
        else:
            self.finish()
            self.committed += key

    def backspace(self) -> bool:
        """Take back the last jamo composed, else the last committed character.

        False when there was nothing to take back (a text field then deletes its own text).
        """
        if self._keys:
            keys = self._keys[:-1]
            self._reset()
            for key in keys:  # replaying a prefix never commits: it fitted one syllable before
                self.press(key)
            return True
        return self._erase_committed()

    def finish(self) -> str:
        """Commit the syllable being composed; returns all committed text."""
        self.committed += self.composing
        self._reset()
        return self.committed

    def _drop_composing(self) -> None:
        self._reset()

    # -- the automaton -----------------------------------------------------------------------

    def _consonant(self, key: str) -> None:
        if self._initial and self._medial and not self._final and key in FINALS:
            self._final = key  # 가 + ㄱ → 각 (ㄸ ㅃ ㅉ are never finals)
        elif self._final and (self._final, key) in DOUBLE_FINALS:
            self._final = DOUBLE_FINALS[self._final, key]  # 각 + ㅅ → 갃
        else:
            self.finish()
            self._initial = key
        self._keys.append(key)

    def _vowel(self, key: str) -> None:
        if self._final:  # the final moves on: 갑 + ㅏ → 가 바, 값 + ㅏ → 갑 사
            stays, moves = _SPLIT_FINALS.get(self._final, ("", self._final))
            self._final = stays
            self.finish()
            self._initial, self._medial = moves, key
            self._keys = [moves, key]
            return
        if self._medial and (self._medial, key) in COMPOUND_VOWELS:
            self._medial = COMPOUND_VOWELS[self._medial, key]  # 고 + ㅏ → 과
        elif self._initial and not self._medial:
            self._medial = key
        else:
            self.finish()
            self._medial = key
        self._keys.append(key)

    def _reset(self) -> None:
        self._keys = []
        self._initial = self._medial = self._final = ""

"""Vietnamese typed with Telex on a Latin keyboard: "leej phis bao nhieeu" → "lệ phí bao nhiêu".

The Telex rules: aa â, aw ă, ee ê, oo ô, ow ơ, uw ư (uow ươ, and w alone ư), dd đ; the tone keys
s (sắc), f (huyền), r (hỏi), x (ngã), j (nặng) anywhere after the syllable's first vowel, z to
remove the tone. Pressing a key again undoes what it did and types it as a letter ("ass" → "as",
"aaa" → "aa"), which is how a visitor types English words inside Vietnamese text.

The tone is placed on the syllable's main vowel each time the word is drawn, so shape and tone
keys may come in any order ("nhieeuf" and "nhieefu" both give "nhiều"): on the vowel with a
shape mark (ươ takes it on ơ), else the middle of three vowels, else the second of two when a
consonant follows, else the first of two, except that with `TonePlacement.MODERN` (the default)
oa, oe and uy at the end of a syllable take it on the second (hoà, thuỷ; TRADITIONAL: hòa, thủy).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from enum import StrEnum

from kiosk.keyboards.base import ComposerBase


class TonePlacement(StrEnum):
    MODERN = "modern"  # hoà, hoè, thuỷ
    TRADITIONAL = "traditional"  # hòa, hòe, thủy


TONE_MARKS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
VOWELS = frozenset("aăâeêioôơuưy")
_CIRCUMFLEX = {"a": "â", "ă": "â", "e": "ê", "o": "ô"}
_BREVE_HORN = {"a": "ă", "â": "ă", "o": "ơ", "ô": "ơ", "u": "ư"}
_SHAPED = frozenset("ăâêôơư")
_PLAIN = {"â": "a", "ă": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d"}


def telex(keys: Sequence[str], placement: TonePlacement = TonePlacement.MODERN) -> str:
    """The word a sequence of Telex keys types."""
    word = _Word()
    for key in keys:
        word.press(key)
    return word.render(placement)


class TelexComposer(ComposerBase):
    """Telex keys in, Vietnamese words out; the word being typed is the preedit.

    Letters compose the current word; anything else (space, punctuation, a digit) ends it and is
    typed as it is. Backspace takes back the last key that changed the word.
    """

    def __init__(self, placement: TonePlacement = TonePlacement.MODERN) -> None:
        super().__init__()
        self.placement = placement
        self._keys: list[str] = []

    @property
    def composing(self) -> str:
        return telex(self._keys, self.placement)

    def press(self, key: str) -> None:
        if len(key) == 1 and key.isascii() and key.isalpha():
            self._keys.append(key)
        else:
            self.finish()
            self.committed += key

    def backspace(self) -> bool:
        if self._keys:
            shown = self.composing
            while self._keys and self.composing == shown:  # "lej" ← "le": one press, not two
                self._keys.pop()
            return True
        return self._erase_committed()

    def finish(self) -> str:
        self.committed += self.composing
        self._keys = []
        return self.committed

    def _drop_composing(self) -> None:
        self._keys = []


class _Word:
    """The word as letters with their shape marks, and its tone kept apart until drawn."""

    def __init__(self) -> None:
        self.letters: list[str] = []
        self.tone = ""
        self.last = ""  # the key whose transformation a repeat would undo
        self.lone_w: tuple[int, str] | None = None  # where a lone w typed ư, and the w

    def press(self, key: str) -> None:
        lower = key.lower()
        if not self._transform(lower, key):
            self.letters.append(key)
            self.last = ""
        if self.last != "w":
            self.lone_w = None

    def _transform(self, lower: str, key: str) -> bool:
        """Apply the key as a Telex command; False when it is a plain letter here."""
        if lower in TONE_MARKS or lower == "z":
            return self._tone(lower, key)
        if lower == "d":
            return self._stroke(key)
        if lower in "aeo":
            return self._shape(lower, key, _CIRCUMFLEX)
        if lower == "w":
            return self._horn(key)
        return False

    def _tone(self, lower: str, key: str) -> bool:
        if not self._vowel_span():
            return False
        if lower == "z":
            if not self.tone:
                return False
            self.tone = ""
        elif self.tone == TONE_MARKS[lower] and self.last == lower:
            self.tone = ""  # "ass": the second s undoes the tone and is a letter
            self.letters.append(key)
            self.last = ""
            return True
        else:
            self.tone = TONE_MARKS[lower]
        self.last = lower
        return True

    def _stroke(self, key: str) -> bool:
        if not self.letters:
            return False
        first = self.letters[0]
        if first in "dD":
            self.letters[0] = "đ" if first == "d" else "Đ"
            self.last = "d"
            return True
        if first in "đĐ" and self.last == "d":
            self.letters[0] = "d" if first == "đ" else "D"
            self.letters.append(key)
            self.last = ""
            return True
        return False

    def _shape(self, lower: str, key: str, table: dict[str, str]) -> bool:
        span = self._vowel_span()
        for i in reversed(span):
            plain = self.letters[i].lower()
            if table.get(plain) and _PLAIN.get(table[plain], plain) == lower:
                self._set(i, table[plain])
                self.last = lower
                return True
            if plain == _CIRCUMFLEX.get(lower) and self.last == lower:
                self._set(i, lower)  # "aaa": undo, and the third a is a letter
                self.letters.append(key)
                self.last = ""
                return True
        return False

    def _horn(self, key: str) -> bool:
        span = self._vowel_span()
        lowered = [self.letters[i].lower() for i in span]
        if self.last == "w":  # "uww" → "uw", "ww" → "w": a repeat undoes and is a letter
            if self.lone_w is not None:
                at, typed = self.lone_w
                self.letters[at] = typed
            else:
                for i in span:
                    if self.letters[i].lower() in "ăơư":
                        self._set(i, _PLAIN[self.letters[i].lower()])
                self.letters.append(key)
            self.last = ""
            self.lone_w = None
            return True
        targets: list[int] = []
        text = "".join(lowered)
        after_q = bool(span) and span[0] > 0 and self.letters[span[0] - 1].lower() == "q"
        if "uo" in text:  # uow → ươ
            at = span[text.index("uo")]
            targets = [at, at + 1]
        elif text.startswith("ua") and not after_q:  # muaw → mưa
            targets = [span[0]]
        else:
            for i in reversed(span):
                if self.letters[i].lower() in _BREVE_HORN:
                    targets = [i]
                    break
        if not targets:
            if span:
                return False
            self.letters.append("ư" if key == "w" else "Ư")  # w alone is ư
            self.last = "w"
            self.lone_w = (len(self.letters) - 1, key)
            return True
        for i in targets:
            self._set(i, _BREVE_HORN[self.letters[i].lower()])
        self.last = "w"
        return True

    def _set(self, i: int, lower: str) -> None:
        self.letters[i] = lower.upper() if self.letters[i].isupper() else lower

    def _vowel_span(self) -> list[int]:
        """Indices of the word's last run of vowels."""
        span: list[int] = []
        for i in range(len(self.letters) - 1, -1, -1):
            if self.letters[i].lower() in VOWELS:
                span.insert(0, i)
            elif span:
                break
        return span

    def render(self, placement: TonePlacement) -> str:
        if not self.tone:
            return "".join(self.letters)
        at = self._tone_position(placement)
        letters = list(self.letters)
        letters[at] = unicodedata.normalize("NFC", letters[at] + self.tone)
        return "".join(letters)

    def _tone_position(self, placement: TonePlacement) -> int:
        span = self._vowel_span()
        lower = [c.lower() for c in self.letters]
        start, end = span[0], span[-1] + 1
        if end - start > 1 and start > 0:  # qu-, gi-: the u and the i belong to the consonant
            before = lower[start - 1]
            if (before == "q" and lower[start] == "u") or (before == "g" and lower[start] == "i"):
                start += 1
        shaped = [i for i in range(start, end) if lower[i] in _SHAPED]
        if shaped:
            return shaped[-1]
        count = end - start
        if count == 1:
            return start
        if count >= 3:
            return start + 1
        final_consonant = end < len(self.letters)
        pair = "".join(lower[start:end])
        if final_consonant or (placement is TonePlacement.MODERN and pair in ("oa", "oe", "uy")):
            return start + 1
        return start

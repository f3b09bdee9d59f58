"""Where words begin and end in a text, per language: the boundaries a key concept's stem or a
glossary term must respect ("нов" is in "новый" but not in "снова"; ต่อ is not in ติดต่อ).

Chinese, Japanese, Thai and Khmer are written without spaces: ICU's dictionary-based word
breaking (icu4py) finds their words. Every other language separates words with spaces.
Korean writes compounds and particles inside one eojeol (출생신고를, 여권만): a Korean stem may
start anywhere in an eojeol but right after a digit, where a counter or unit follows (3개월 is
no 개, a dog); loanwords that hold a stem (아이디 holds 아이) are listed as `not` in the lexicon.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from icu4py.breakers import WordBreaker

#: languages whose words ICU's dictionaries find (no spaces between words)
UNSPACED = frozenset({"zh", "ja", "th", "km"})
#: prefixes that Russian, Indonesian and Tagalog put before a stem ("зарегистрировать",
#: "mendaftarkan", "iparehistro"): a stem may start a word or follow one of these at its start
PREFIXES: dict[str, tuple[str, ...]] = {
    "ru": ("за", "пере", "по", "про", "вы", "из", "от", "под", "при", "авто"),
    "id": (
        "me",
        "mem",
        "men",
        "meng",
        "meny",
        "di",
        "ber",
        "ter",
        "pe",
        "pem",
        "pen",
        "peng",
        "per",
        "ke",
        "memper",
        "diper",
        "se",
    ),
    "tl": ("i", "ipa", "mag", "nag", "pag", "paki", "ma", "na", "ka", "maki", "magpa", "pa"),
}


_ICU = threading.Lock()


@dataclass(frozen=True, slots=True)
class Words:
    """A text and the offsets where its words start and end."""

    text: str
    starts: frozenset[int]
    ends: frozenset[int]

    def occurs(self, stem: str, whole: bool = False) -> bool:
        """Whether `stem` appears starting a word (and, when `whole`, ending one)."""
        return any(True for _ in self.spans(stem, whole))

    def spans(self, stem: str, whole: bool = False) -> list[tuple[int, int]]:
        """Every (start, end) where `stem` starts a word (and, when `whole`, ends one)."""
        found = []
        start = self.text.find(stem)
        while start >= 0 and stem:
            end = start + len(stem)
            if start in self.starts and (not whole or end in self.ends):
                found.append((start, end))
            start = self.text.find(stem, start + 1)
        return found


def split(text: str, lang: str) -> Words:
    """The word boundaries of `text` as a text in `lang` is read."""
    return _split(text, lang if lang in (*UNSPACED, *PREFIXES, "ko") else "")


@lru_cache(maxsize=4096)
def _split(text: str, locale: str) -> Words:
    starts: set[int] = set()
    ends: set[int] = set()
    if locale == "ko":
        starts.update(
            i for i, c in enumerate(text) if not c.isspace() and not _after_digit(text, i)
        )
    elif locale in UNSPACED:
        # ICU counts UTF-16 code units: a character outside the BMP (an emoji) counts twice
        at = [i for i, c in enumerate(text) for _ in range(2 if ord(c) > 0xFFFF else 1)]
        at.append(len(text))
        with _ICU:  # one thread at a time in ICU: the loader, the translation worker and the UI
            segments = list(WordBreaker(text, locale).segments())
        for start, end in segments:
            if not text[at[start] : at[end]].isspace():
                starts.add(at[start])
                ends.add(at[end])
    for index, char in enumerate(text):
        if char.isspace():
            continue
        if index == 0 or text[index - 1].isspace():
            starts.add(index)
        if index + 1 == len(text) or text[index + 1].isspace():
            ends.add(index + 1)
    for start in list(starts) if locale in PREFIXES else ():
        starts.update(
            start + len(prefix)
            for prefix in PREFIXES[locale]
            if text.startswith(prefix, start) and text[start + len(prefix) :][:1].isalpha()
        )
    return Words(text, frozenset(starts), frozenset(ends))


def forget() -> None:
    """Drop the cache of split texts: it holds what was said (New visit calls this through
    `Translator.forget`)."""
    _split.cache_clear()


def _after_digit(text: str, index: int) -> bool:
    return index > 0 and text[index - 1].isdigit()


#: scripts written without spaces whose line breaks need a dictionary (Unicode's class SA):
#: Thai, Lao, Myanmar, Khmer, Tai Tham/Tai Viet/New Tai Lue
_SA_RANGES = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x19E0, 0x19FF),
    (0x1950, 0x19DF),
    (0x1A20, 0x1AAF),
    (0xAA60, 0xAADF),
)
ZWSP = "\u200b"


def line_breaks(text: str) -> str:
    """`text` with a zero-width space wherever ICU puts a word boundary inside a run of Thai,
    Khmer, Lao or Myanmar: places a line may break. Qt wraps Thai by its own dictionary but not
    Khmer, whose long lines would otherwise widen a window past its screen. For display only:
    what is stored, matched or exported is the text without them."""
    if not any(_dictionary_script(ch) for ch in text):
        return text
    with _ICU:
        segments = list(WordBreaker(text, "").segments())
    at = [i for i, c in enumerate(text) for _ in range(2 if ord(c) > 0xFFFF else 1)]
    at.append(len(text))
    starts = {at[start] for start, _end in segments}
    out: list[str] = []
    for index, char in enumerate(text):
        if (
            index in starts
            and index > 0
            and _dictionary_script(text[index - 1])
            and _dictionary_script(char)
        ):
            out.append(ZWSP)
        out.append(char)
    return "".join(out)


def _dictionary_script(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _SA_RANGES)

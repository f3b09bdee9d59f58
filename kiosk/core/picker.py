"""The visitor's phrase picker: topics, their phrases and search, in the visitor's language.

A visitor who cannot speak or write points at what they need: a topic, then a phrase of it (or
one found by typing a few letters), then the values its slots need (an amount, a date, a
document). This module is what the picker shows, as plain values; `kiosk.ui.picker` draws it.

Only phrases a visitor says (side visitor or both) and that have a wording in the visitor's
language are offered: an office phrase not yet translated into it could not be read. Each phrase
comes with the Korean staff will see, and says whether its wording in the visitor's language is a
draft (not in the phrase's `reviewed` languages).

Search is forgiving, because visitors type on a touch screen in a hurry: case, accents and tone
marks do not matter ("le phi" finds "Lệ phí", Thai and Khmer without their marks), words may come
in any order and be cut short, and a typo still finds a phrase (rapidfuzz). It looks at the
wording in the visitor's language, the extra wordings people use for it, and English. Queries are
never kept: each is scored and forgotten.

    picker = Picker.load()
    picker.topics("vi")                       # PickerTopic(id, name, icon, count), …
    picker.phrases("fee", "vi")               # PickerPhrase(id, text, korean, draft, slots), …
    picker.search("le phi", "vi")             # ranked, best first
    picker.fill("pay.big_bill", "vi", {"amount": 50000})   # the sentence as it will be shown
"""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from rapidfuzz import fuzz

from translate import slots
from translate.glossary import Glossary
from translate.normalise import APOSTROPHES
from translate.phrasebook import Phrase, Phrasebook, SaidBy, Topic

#: How a slot without a value shows in a phrase (the visitor is asked for it on the tap).
OPEN_SLOT: Final = "…"
#: The icon of a topic `assets/picker/topics.toml` gives none.
DEFAULT_ICON: Final = "document"
#: Search results shown at most.
SEARCH_LIMIT: Final = 20
#: The office's own phrases (`translate.office`) are in this topic.
OFFICE_TOPIC: Final = "office"

_STAFF: Final = "ko"
_FALLBACK: Final = "en"
#: digits a number slot takes: an amount up to 999,999,999 won, anything else up to 999
_MAX_DIGITS: Final = {"amount": 9}
#: languages written without spaces: a word of the query may start anywhere in the wording
_UNSPACED: Final = frozenset({"zh", "ja", "th", "km"})
#: letters that carry a mark NFKD does not split off (Vietnamese đ, …)
_LETTERS: Final = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ħ": "h", "ı": "i"})
#: kana voicing marks change the word, unlike accents and tone marks: kept
_KEPT_MARKS: Final = frozenset({"\u3099", "\u309a"})


class SlotKind(StrEnum):
    """How the picker asks for a slot's value."""

    NUMBER = "number"  # digits: an amount, a duration, a counter
    FLOOR = "floor"  # digits, and a basement switch
    DATE = "date"  # a day from today on
    DOCUMENT = "document"  # one of the glossary's documents


@dataclass(frozen=True, slots=True)
class PickerSlot:
    name: str  # the slot's name in the template: "amount", "date", "document", …
    kind: SlotKind
    prompt: str  # the question, in the visitor's language ("How much? (won)")
    max_digits: int = 3  # for NUMBER and FLOOR


@dataclass(frozen=True, slots=True)
class PickerPhrase:
    id: str
    topic: str
    text: str  # the wording in the visitor's language, open slots as "…"
    korean: str  # what staff will see, open slots as "…"
    draft: bool  # the wording in the visitor's language has not been reviewed
    slots: tuple[PickerSlot, ...] = ()  # in the order the visitor's wording has them


@dataclass(frozen=True, slots=True)
class PickerTopic:
    id: str
    name: str  # in the visitor's language
    icon: str  # a name in assets/picker/icons/ (without .svg)
    count: int  # visitor phrases in it


@dataclass(frozen=True, slots=True)
class PickerChoice:
    """A document a `{document}` slot may take: the glossary key and its name."""

    key: str
    text: str
    draft: bool


@dataclass(frozen=True, slots=True)
class PickerDate:
    """A day a `{date}` slot may take, written as the visitor's language writes it."""

    date: dt.date
    text: str  # "May 7", "ngày 7 tháng 5", …
    relative: str  # "Today", "Tomorrow", or ""


@dataclass(frozen=True, slots=True)
class FilledPhrase:
    """A phrase with the slot values given so far (the others still "…")."""

    id: str
    text: str
    korean: str
    draft: bool  # the wording or a document's name in the visitor's language is a draft
    complete: bool  # every slot has a value
    values: Mapping[str, slots.SlotValue]


class Picker:
    """What the phrase picker offers a visitor, from a phrasebook (the bundled one, or a
    translator's with the office's own phrases) and the glossary (for `{document}` slots)."""

    def __init__(self, phrasebook: Phrasebook, glossary: Glossary | None = None) -> None:
        self.book = phrasebook
        self.glossary = glossary
        self._visitor = [p for p in phrasebook.phrases(side=SaidBy.VISITOR)]
        order = {topic.id: i for i, topic in enumerate(phrasebook.topics())}
        self._rank = {
            p.id: (order.get(p.topic, len(order)), i) for i, p in enumerate(self._visitor)
        }
        self._index: dict[str, list[_Entry]] = {}  # per language: the phrasebook's words only

    @classmethod
    def load(cls, office: Path | None = None) -> Picker:
        """The bundled phrasebook and glossary, plus the office's own phrases in `office` (a
        missing or damaged file adds none)."""
        from translate.facade import OFFICE_TOPIC as TOPIC_ENTRY
        from translate.facade import office_phrases

        book = Phrasebook.load()
        own = office_phrases(office)
        if own:
            book = book.with_phrases(own, TOPIC_ENTRY)
        return cls(book, Glossary.load())

    # -- topics and phrases -----------------------------------------------------------------------

    def topics(self, lang: str) -> tuple[PickerTopic, ...]:
        """The topics with phrases for a visitor reading `lang`, in the phrasebook's order."""
        counts: dict[str, int] = {}
        for phrase in self._visitor:
            if phrase.has(lang):
                counts[phrase.topic] = counts.get(phrase.topic, 0) + 1
        topics = [t for t in self.book.topics() if counts.get(t.id)]
        return tuple(
            PickerTopic(t.id, topic_name(t, lang), topic_icon(t.id), counts[t.id]) for t in topics
        )

    def phrases(self, topic: str, lang: str) -> tuple[PickerPhrase, ...]:
        """The phrases of `topic` a visitor says, in `lang`."""
        return tuple(
            self._phrase(p, lang) for p in self._visitor if p.topic == topic and p.has(lang)
        )

    def phrase(self, phrase_id: str, lang: str) -> PickerPhrase:
        """One phrase (UnknownPhraseError if the book lacks it)."""
        return self._phrase(self.book.get(phrase_id), lang)

    def fill(
        self, phrase_id: str, lang: str, values: Mapping[str, slots.SlotValue]
    ) -> FilledPhrase:
        """The phrase in `lang` and in Korean with the values given so far."""
        phrase = self.book.get(phrase_id)
        given = {k: v for k, v in values.items() if k in phrase.slots}
        draft = not phrase.is_reviewed(lang)
        document = given.get("document")
        if document is not None and self.glossary is not None and str(document) in self.glossary:
            draft = draft or lang not in self.glossary.get(str(document)).reviewed
        return FilledPhrase(
            phrase.id,
            self._render(phrase.text[lang], lang, given),
            self._render(phrase.text[_STAFF], _STAFF, given),
            draft,
            set(given) == set(phrase.slots),
            MappingProxyType(given),
        )

    # -- slot values ----------------------------------------------------------------------------

    def documents(self, lang: str) -> tuple[PickerChoice, ...]:
        """The documents a `{document}` slot may name, in `lang`."""
        if self.glossary is None:
            return ()
        return tuple(
            PickerChoice(term.key, term.render(lang), lang not in term.reviewed)
            for term in self.glossary
            if term.kind == "document" and term.text.get(lang)
        )

    @staticmethod
    def dates(lang: str, start: dt.date, count: int = 14) -> tuple[PickerDate, ...]:
        """`count` days from `start` (today, on the kiosk) for a `{date}` slot."""
        relative = {0: label(lang, "today"), 1: label(lang, "tomorrow")}
        return tuple(
            PickerDate(day, slots.format_date(day, lang), relative.get(offset, ""))
            for offset in range(count)
            for day in (start + dt.timedelta(days=offset),)
        )

    # -- search ---------------------------------------------------------------------------------

    def search(self, query: str, lang: str, limit: int = SEARCH_LIMIT) -> tuple[PickerPhrase, ...]:
        """Phrases whose wording in `lang` (or in English) holds the words of `query`, best
        first; nothing for an empty query."""
        wanted = _Query.of(query, lang)
        if wanted is None:
            return ()
        scored: list[tuple[float, tuple[int, int], PickerPhrase]] = []
        for entry in self._entries(lang):
            score = max(field.score(wanted) * field.weight for field in entry.fields)
            if score > 0:
                scored.append((score, self._rank[entry.phrase.id], entry.phrase))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return tuple(phrase for _, _, phrase in scored[:limit])

    # -- helpers --------------------------------------------------------------------------------

    def _phrase(self, phrase: Phrase, lang: str) -> PickerPhrase:
        text = phrase.text[lang]
        names = list(dict.fromkeys(m.group(1) for m in slots.FIELD.finditer(text)))
        return PickerPhrase(
            phrase.id,
            phrase.topic,
            self._render(text, lang, {}),
            self._render(phrase.text[_STAFF], _STAFF, {}),
            not phrase.is_reviewed(lang),
            tuple(picker_slot(name, lang) for name in names),
        )

    def _render(self, template: str, lang: str, values: Mapping[str, slots.SlotValue]) -> str:
        """The template with the given values filled and the other slots as "…"."""
        open_template = slots.FIELD.sub(
            lambda m: m.group(0) if m.group(1) in values else OPEN_SLOT, template
        )
        return slots.render(open_template, lang, values, self._document_name)

    def _document_name(self, key: str, lang: str) -> str:
        if self.glossary is not None and key in self.glossary:
            return self.glossary.render(key, lang)
        return key

    def _entries(self, lang: str) -> list[_Entry]:
        if lang not in self._index:
            self._index[lang] = [
                _Entry(self._phrase(p, lang), tuple(_fields(p, lang)))
                for p in self._visitor
                if p.has(lang)
            ]
        return self._index[lang]


def picker_slot(name: str, lang: str) -> PickerSlot:
    """How the picker asks a visitor reading `lang` for the slot `name`."""
    kind = {"date": SlotKind.DATE, "document": SlotKind.DOCUMENT, "floor": SlotKind.FLOOR}.get(
        name, SlotKind.NUMBER
    )
    return PickerSlot(name, kind, label(lang, f"slot_{name}"), _MAX_DIGITS.get(name, 3))


def slot_text(name: str, value: slots.SlotValue) -> str:
    """A slot value as staff type it (`translate.slots.parse_value` reads it back): 50000,
    2025-05-07, B1, a document's glossary key."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if name == "floor" and isinstance(value, int) and value < 0:
        return f"B{-value}"
    return str(value)


def label(lang: str, key: str) -> str:
    """The picker's own interface text (`assets/picker/strings.toml`), English if `lang` lacks
    it."""
    table = _strings()
    text = table.get(lang, {}).get(key) or table[_FALLBACK].get(key)
    if text is None:
        raise KeyError(f"assets/picker/strings.toml has no {key!r}; add it in every language")
    return text


def topic_name(topic: Topic, lang: str) -> str:
    """A topic's name in `lang`: the phrasebook's, else the picker's own (the office topic), else
    English."""
    own = _topic_names().get(topic.id, {})
    return (
        topic.name.get(lang)
        or own.get(lang)
        or topic.name.get(_FALLBACK)
        or own.get(_FALLBACK)
        or topic.id
    )


def topic_icon(topic: str) -> str:
    return _icons().get(topic, DEFAULT_ICON)


def icon_path(icon: str) -> Path:
    """The SVG file of an icon."""
    return Path(str(resources.files("assets").joinpath("picker", "icons", f"{icon}.svg")))


def fold(text: str) -> str:
    """Text as search compares it: casefolded, without accents, tone or vowel marks (kana voicing
    kept), apostrophes or punctuation, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text.translate(APOSTROPHES).casefold())
    kept: list[str] = []
    for ch in text.translate(_LETTERS):
        category = unicodedata.category(ch)
        if ch == "'" or (category in ("Mn", "Me") and ch not in _KEPT_MARKS):
            continue
        kept.append(ch if category[0] in "LMN" else " ")
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


# --- the search index ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Query:
    exact: str  # casefolded, punctuation and spaces dropped, marks kept
    compact: str  # folded, spaces dropped
    words: tuple[str, ...]  # folded words
    short: bool  # a single letter of a script written with letters: only at a word's start

    @classmethod
    def of(cls, query: str, lang: str) -> _Query | None:
        folded = fold(query)
        compact = folded.replace(" ", "")
        if not compact:
            return None
        short = len(compact) == 1 and not _ideographic(compact)
        return cls(_exact(query), compact, tuple(folded.split()), short)


@dataclass(frozen=True, slots=True)
class _Field:
    """One wording of a phrase, as search compares it."""

    weight: float
    exact: str
    compact: str
    words: tuple[str, ...]
    unspaced: bool

    def score(self, query: _Query) -> float:
        if query.short:
            return 90.0 if any(w.startswith(query.compact) for w in self.words) else 0.0
        if query.exact and query.exact in self.exact:
            return 100.0
        if query.compact in self.compact:
            return 95.0
        if all(self._has_word(w) for w in query.words):
            return 90.0
        if len(query.compact) < 4:
            return 0.0
        # a typo: the query nearly inside the wording, or its words nearly the wording's
        near = fuzz.partial_ratio(query.compact, self.compact, score_cutoff=80)
        if not self.unspaced and len(query.words) > 1:
            per_word = [
                max((fuzz.ratio(q, w) for w in self.words), default=0.0) for q in query.words
            ]
            near = max(near, min(per_word) if min(per_word) >= 80 else 0.0)
        return 0.8 * near

    def _has_word(self, word: str) -> bool:
        if self.unspaced:
            return word in self.compact
        return any(w.startswith(word) for w in self.words)


@dataclass(frozen=True, slots=True)
class _Entry:
    phrase: PickerPhrase
    fields: tuple[_Field, ...]


def _fields(phrase: Phrase, lang: str) -> Iterable[_Field]:
    """The wordings search looks at, the visitor's own first: shown, match-only, English."""
    langs = [lang] if lang == _FALLBACK else [lang, _FALLBACK]
    for i, code in enumerate(langs):
        shown = phrase.text.get(code)
        others = phrase.match.get(code, ())
        weights = (1.0, 0.93) if i == 0 else (0.96, 0.9)
        for weight, wordings in ((weights[0], (shown,) if shown else ()), (weights[1], others)):
            for wording in wordings:
                plain = slots.FIELD.sub(" ", wording)
                folded = fold(plain)
                yield _Field(
                    weight,
                    _exact(plain),
                    folded.replace(" ", ""),
                    tuple(folded.split()),
                    code in _UNSPACED,
                )


def _exact(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text.translate(APOSTROPHES).casefold())
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LMN")


def _ideographic(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA"))


# --- data ----------------------------------------------------------------------------------------


@cache
def _strings() -> dict[str, dict[str, str]]:
    data = _read("strings.toml")
    return {k: dict(v) for k, v in data.items() if isinstance(v, dict)}


@cache
def _icons() -> dict[str, str]:
    return {str(k): str(v) for k, v in _read("topics.toml").get("icons", {}).items()}


@cache
def _topic_names() -> dict[str, dict[str, str]]:
    return {
        str(t["id"]): {str(k): str(v) for k, v in t.get("name", {}).items()}
        for t in _read("topics.toml").get("topic", [])
    }


def _read(name: str) -> dict[str, Any]:
    raw = resources.files("assets").joinpath("picker", name).read_text("utf-8")
    return tomllib.loads(raw)

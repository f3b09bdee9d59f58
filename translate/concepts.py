"""Key concepts: the nouns and verbs that make a phrase that phrase, lexicalised in every language.

A phrase such as "I want to register a car" is about a *car* being *registered*; "I want to register
my bicycle" is close to it in any sentence embedding, but it does not mention a car, so it must not
be verified as that phrase. Each phrase lists its concepts (`concepts = ["car", "register"]` in its
phrasebook entry); each concept lists, per language, the word stems that express it
(`[[concept]]` tables in `assets/glossary.toml`). A phrase is verified only when the utterance
expresses every one of its concepts, and no action (a concept marked `action`: register, cancel,
lose, ...) that the phrase's own wording in that language does not express ("I want to cancel my
car registration" is not "I want to register a car"); otherwise the best it can be is a candidate
to confirm.

A form is one or more stems joined by "+" ("resident+regist"); the form is present when every stem
is, in any order. A stem must start a word, in every language (so "car" is in "cars" but not in
"scar", "нов" in "новую" but not in "снова", ต่อ not in ติดต่อ): words are found by
`translate.words` (ICU for Chinese, Japanese, Thai and Khmer; the eojeol for Korean; spaces
elsewhere). A stem ending in "=" must also end a word ("xe=" is the Vietnamese word, not the start
of "xem"). Matching is case- and width-insensitive.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any, Self

from translate.catalogue import SHIPPED, Catalogue, lacking
from translate.errors import PhrasebookError
from translate.files import parse_toml, read_text
from translate.normalise import APOSTROPHES
from translate.words import split

_FALLBACK = ("ko", "en")
#: joins alternative concepts in a phrase's key concept ("stay|residence_card")
ALTERNATIVE = "|"


def members(key: str) -> tuple[str, ...]:
    """The concepts a phrase's key concept names: itself, or its alternatives."""
    return tuple(part.strip() for part in key.split(ALTERNATIVE) if part.strip())


def flat(keys: Iterable[str]) -> frozenset[str]:
    """Every concept that a phrase's key concepts name, alternatives included."""
    return frozenset(member for key in keys for member in members(key))


@dataclass(frozen=True, slots=True)
class Concept:
    key: str
    forms: Mapping[str, tuple[tuple[str, ...], ...]]  # lang -> forms, each a tuple of stems
    #: lang -> words that contain a form but mean something else ("自行车", a bicycle, holds 车)
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: an action ("register", "cancel", "lose"): an utterance expressing it is not verified as a
    #: phrase whose own wording does not express it
    action: bool = False
    #: a modifier ("new" in "my new address"): describes, asks for nothing of its own, so an
    #: utterance expressing it is not kept from a phrase whose wording does not
    modifier: bool = False

    def blank(self, folded: str, langs: Iterable[str]) -> str:
        """`folded` with the words of every form of this concept that it contains blanked out."""
        for lang in langs:
            for form in self.forms.get(lang, ()):
                if all(_has_stem(folded, stem, lang) for stem in form):
                    for stem in form:
                        folded = _blank_stem(folded, stem, lang)
        return folded

    def in_text(
        self, folded: str, lang: str, original: str | None = None, said_in: str = ""
    ) -> bool:
        """Whether `folded` (see `fold`) expresses this concept in `lang`'s forms. `original`
        is the text before other concepts' words were blanked out of it
        (`ConceptLexicon.expressed`, which keeps every position): a word this concept excludes
        is found there, so "thời gian lưu trú" (a period of stay) names no duration even once
        "lưu trú" is blanked. `said_in` is the language the text is in, when Korean or English
        forms are tried on it: the words that language excludes hold no form of it either
        (Uzbek "payshanba", Thursday, holds no English "pay")."""
        excluded = self.exclude.get(lang, ())
        if said_in and said_in != lang:
            excluded = (*excluded, *self.exclude.get(said_in, ()))
        source = folded if original is None else original
        for word in excluded:  # blanked in place: positions stay those of `source`
            start = source.find(word)
            while start >= 0:
                folded = folded[:start] + " " * len(word) + folded[start + len(word) :]
                start = source.find(word, start + len(word))
        return any(
            all(_has_stem(folded, stem, lang) for stem in form) for form in self.forms.get(lang, ())
        )


class ConceptLexicon(Catalogue[Concept]):
    TABLE = "concept"
    UNKNOWN = "no concept {key!r} in {source}; add it or fix the phrase"

    def __init__(self, entries: Iterable[Concept], source: str = SHIPPED) -> None:
        super().__init__(entries, source)
        #: folded text and language -> the concepts it expresses (see `expressed`)
        self._memo: dict[tuple[str, str | None, str], frozenset[str]] = {}

    @classmethod
    def load(cls, file: Traversable | None = None) -> Self:
        """The concepts of a glossary file; the shipped lexicon (no file given) is the
        `[[concept]]` tables of `assets/glossary.toml` plus those of `assets/concepts/*.toml`
        (one file per group of topics)."""
        if file is not None:
            return super().load(file)
        tables: list[Mapping[str, Any]] = []
        assets = resources.files("assets")
        sources = [assets.joinpath("glossary.toml")]
        folder = assets.joinpath("concepts")
        if folder.is_dir():
            sources += sorted(
                (f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name
            )
        for source in sources:
            name = SHIPPED if source.name == "glossary.toml" else f"assets/concepts/{source.name}"
            tables.extend(parse_toml(read_text(source), name).get(cls.TABLE, []))
        return cls(cls.read_entries(tables, "assets/glossary.toml or assets/concepts/"), SHIPPED)

    @classmethod
    def read_entries(cls, tables: Sequence[Mapping[str, Any]], source: str) -> list[Concept]:
        concepts: list[Concept] = []
        for raw in tables:
            key = str(raw.get("key", "")).strip()
            table = raw.get("forms", {})
            if not key or not isinstance(table, dict):
                raise PhrasebookError(
                    f"concept {key or '(without key)'} in {source} needs a key and a "
                    "[concept.forms] table"
                )
            missing = lacking(table)
            if missing:
                raise PhrasebookError(
                    f"concept {key} lacks forms in {', '.join(missing)}; add them to {source}"
                )
            forms = {
                str(code): tuple(
                    tuple(_stem(part) for part in str(form).split("+") if _stem(part))
                    for form in values
                )
                for code, values in table.items()
            }
            raw_not = raw.get("not", {})
            exclude = {
                str(code): tuple(fold(word).strip() for word in words)
                for code, words in (raw_not.items() if isinstance(raw_not, dict) else ())
            }
            concepts.append(
                Concept(
                    key,
                    MappingProxyType(forms),
                    MappingProxyType(exclude),
                    bool(raw.get("action", False)),
                    bool(raw.get("modifier", False)),
                )
            )
        keys = [concept.key for concept in concepts]
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        if duplicated:
            raise PhrasebookError(f"concepts {duplicated} appear twice in {source}")
        return concepts

    def missing(self, text: str, lang: str, required: Iterable[str]) -> tuple[str, ...]:
        """The required concepts that `text` (in `lang`) does not express.

        Korean and English forms are tried after the utterance's own, so a term said in the
        staff's language or in English ("I lost my 외국인등록증") still counts. Not every
        language's: Chinese 新 ("new") is inside Japanese 更新 ("renew").
        """
        folded = fold(text)
        codes = (lang, *(code for code in _FALLBACK if code != lang))
        return tuple(
            key
            for key in required
            if not any(
                self.get(member).in_text(folded, code, said_in=lang)
                for member in members(key)
                for code in codes
            )
        )

    def in_wording(self, key: str, wording: str, lang: str) -> bool:
        """Whether `wording` expresses the key concept `key` (one of its alternatives) in `lang`
        alone (no Korean or English fallback)."""
        folded = fold(wording)
        return any(self.get(member).in_text(folded, lang) for member in members(key))

    def actions(self, text: str, lang: str, besides: Iterable[str] = ()) -> frozenset[str]:
        """The action concepts `text` expresses in `lang` (or in Korean or English words),
        outside the words that express the concepts `besides` ("registration" in "alien
        registration card" names a document; it is no request to register)."""
        expressed = self.expressed(text, lang, besides)
        return frozenset(key for key in expressed if self._entries[key].action)

    def expressed(self, text: str, lang: str, besides: Iterable[str] = ()) -> frozenset[str]:
        """Every concept `text` expresses in `lang` (or in Korean or English words), outside the
        words that express the concepts `besides` (see `actions`)."""
        original = folded = fold(text)
        for key in flat(besides):
            folded = self.get(key).blank(folded, (lang, *_FALLBACK))
        # one utterance is weighed against many phrases, and blanking a phrase's concepts mostly
        # leaves it as it was: the same folded text is looked up once (a bounded, in-memory
        # table, like the word boundaries of `translate.words`)
        before = original if folded != original else None
        found = self._memo.get((folded, before, lang))
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[(folded, before, lang)] = frozenset(
                concept.key
                for concept in self
                if any(
                    concept.in_text(folded, code, before, said_in=lang)
                    for code in (lang, *_FALLBACK)
                )
            )
        return found

    def forget(self) -> None:
        """Empty the table of recent texts' concepts (New visit: nothing of a visit stays)."""
        self._memo.clear()

    def found(self, text: str, lang: str) -> frozenset[str]:
        """Every concept that `text` expresses in `lang`."""
        folded = fold(text)
        return frozenset(c.key for c in self if c.in_text(folded, lang))


#: folded texts whose concepts `ConceptLexicon.expressed` keeps (a few utterances' worth)
_MEMO_SIZE = 2048


def _blank_stem(folded: str, stem: str, lang: str) -> str:
    """`folded` with the word(s) starting with `stem` replaced by spaces."""
    words = split(folded, lang)
    for start, end in words.spans(stem.rstrip(), stem.endswith(" ")):
        end = min(e for e in (*words.ends, len(folded)) if e >= end)  # "regist" -> "registration"
        folded = folded[:start] + " " * (end - start) + folded[end:]
    return folded


def fold(text: str) -> str:
    """Casefolded NFKC text, punctuation turned into spaces (word starts stay visible)."""
    # NFKC splits Thai and Lao sara am (ำ, ຳ) into two signs ICU's dictionaries do not know
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("\u0e4d\u0e32", "\u0e33").replace("\u0ecd\u0eb2", "\u0eb3")
    # Uzbek's ʻ and ʼ are letters to Unicode, apostrophes to writers ("toʻlov" is "to'lov")
    folded = folded.translate(APOSTROPHES)
    chars = [ch if unicodedata.category(ch)[0] in ("L", "M", "N") else " " for ch in folded]
    return " " + " ".join("".join(chars).split()) + " "


def _stem(part: str) -> str:
    whole = part.strip().endswith("=")
    stem = fold(part.strip().rstrip("=")).strip()
    return f"{stem} " if whole and stem else stem


def _has_stem(folded: str, stem: str, lang: str) -> bool:
    # Uzbek and Tagalog write affixes with apostrophes/hyphens ("i-renew"): fold made them spaces
    bare = stem.rstrip()
    if bare not in folded:  # most stems are absent: no word boundaries needed to say so
        return False
    return split(folded, lang).occurs(bare, stem.endswith(" "))

"""The glossary of civil-service terms and their approved rendering in every language.

Data: `assets/glossary.toml`. Used to fill `{document}` slots, to protect terms through machine
translation, and to show staff how a term is said in the visitor's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from translate import languages, words
from translate.catalogue import Catalogue, lacking
from translate.errors import PhrasebookError
from translate.normalise import normalise

KINDS = ("document", "procedure", "office", "benefit", "term")


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    kind: str
    text: Mapping[str, str]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reviewed: frozenset[str] = frozenset()

    def render(self, lang: str) -> str:
        return self.text[lang]

    def forms(self, lang: str) -> tuple[str, ...]:
        """Every way the term is written in `lang`, longest first (for finding it in text)."""
        found = {self.text[lang], *self.aliases.get(lang, ())}
        return tuple(sorted(found, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class TermHit:
    term: Term
    start: int
    end: int
    surface: str


class Glossary(Catalogue[Term]):
    TABLE = "term"
    UNKNOWN = "glossary has no term {key!r}; see {source} for the keys"

    @classmethod
    def read_entries(cls, tables: Sequence[Mapping[str, Any]], source: str) -> list[Term]:
        terms: dict[str, Term] = {}
        for raw in tables:
            key = str(raw.get("key", ""))
            rendering = {str(k): str(v) for k, v in raw.get("text", {}).items()}
            missing = lacking(rendering)
            if not key or missing:
                what = ", ".join(missing) or "a key"
                raise PhrasebookError(
                    f"glossary term {key or '(without key)'} lacks {what}; add it to {source}"
                )
            if raw.get("kind") not in KINDS:
                raise PhrasebookError(
                    f"glossary term {key}: kind must be one of {', '.join(KINDS)}"
                )
            aliases = {str(k): tuple(str(a) for a in v) for k, v in raw.get("aliases", {}).items()}
            terms[key] = Term(
                key=key,
                kind=str(raw["kind"]),
                text=MappingProxyType(rendering),
                aliases=MappingProxyType(aliases),
                reviewed=frozenset(raw.get("reviewed", [])),
            )
        return list(terms.values())

    def render(self, key: str, lang: str) -> str:
        return self.get(key).render(lang)

    def find(self, text: str, lang: str, kind: str | None = None) -> list[TermHit]:
        """Glossary terms written in `text` (in `lang`), longest match first, without overlaps."""
        hits: list[TermHit] = []
        taken: list[tuple[int, int]] = []
        lowered = text.casefold()
        candidates = [
            (form, term)
            for term in self
            if kind is None or term.kind == kind
            for form in term.forms(lang)
        ]
        candidates.sort(key=lambda pair: len(pair[0]), reverse=True)
        for form, term in candidates:
            needle = form.casefold()
            start = lowered.find(needle)
            while start >= 0:
                end = start + len(needle)
                if _is_word(lowered, start, end, lang) and all(
                    end <= s or start >= e for s, e in taken
                ):
                    taken.append((start, end))
                    hits.append(TermHit(term, start, end, text[start:end]))
                start = lowered.find(needle, start + 1)
        return sorted(hits, key=lambda hit: hit.start)

    def lookup(self, query: str) -> list[Term]:
        """Terms whose key, rendering or alias in any language contains `query` (for staff)."""
        needle = normalise(query)
        if not needle:
            return []
        return [
            term
            for term in self
            if needle in normalise(term.key)
            or any(needle in normalise(t) for t in term.text.values())
            or any(needle in normalise(a) for forms in term.aliases.values() for a in forms)
        ]

    def first_document(self, text: str, lang: str) -> str | None:
        """The key of the first document name written in `text` (fills `{document}` slots)."""
        for code in (lang, *[c for c in languages.codes() if c != lang]):
            hits = self.find(text, code, kind="document")
            if hits:
                return hits[0].term.key
        return None


_SPACED_SCRIPTS = frozenset({"Latn", "Cyrl", "Deva"})


def _is_word(text: str, start: int, end: int, lang: str) -> bool:
    """Latin/Cyrillic terms must stand as whole words ("fee" is not in "coffee"); in Chinese,
    Japanese, Thai and Khmer a term must start a word (see `translate.words`)."""
    if lang in words.UNSPACED:
        return start in words.split(text, lang).starts
    if not languages.is_supported(lang) or languages.get(lang).script not in _SPACED_SCRIPTS:
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not (after.isalnum() and lang not in ("ru", "mn", "uz"))

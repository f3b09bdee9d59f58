"""Keeping what must not change through machine translation: glossary terms, names and numbers.

Before MT, glossary terms and verbatim spans (Latin-script names in a non-Latin sentence, e-mail
addresses) are replaced by placeholders the models copy through (`ZQXA`, `ZQXB`, ...). After MT the
placeholders are restored — a glossary term with its approved rendering in the target
language, a verbatim span as it was. Numbers are compared before and after: a translation that
lost or changed a number is flagged, never silently shown.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass

from translate import languages
from translate.glossary import Glossary

_PLACEHOLDER = re.compile(r"z\s*q\s*x\s*([a-z])", re.IGNORECASE)
_VERBATIM_LATIN = re.compile(r"[A-Za-z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*)*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?")
_LATIN_SCRIPTS = frozenset({"Latn"})


@dataclass(frozen=True, slots=True)
class Protected:
    text: str
    spans: tuple[tuple[str, str | None, str], ...]  # (placeholder, glossary key | None, original)


@dataclass(frozen=True, slots=True)
class Restored:
    text: str
    lost: tuple[str, ...]  # originals whose placeholder the model dropped


def protect(text: str, lang: str, glossary: Glossary) -> Protected:
    spans: list[tuple[str, str | None, str]] = []
    pieces: list[tuple[int, int, str | None]] = []
    taken: list[tuple[int, int]] = []
    # Korean terms are protected in every source: visitors mix in the Korean names of documents
    for code in dict.fromkeys((lang, languages.STAFF_LANGUAGE)):
        for hit in glossary.find(text, code):
            if all(hit.end <= s or hit.start >= e for s, e in taken):
                pieces.append((hit.start, hit.end, hit.term.key))
                taken.append((hit.start, hit.end))
    verbatim = [m for m in _EMAIL.finditer(text)]
    if languages.is_supported(lang) and languages.get(lang).script not in _LATIN_SCRIPTS:
        verbatim += list(_VERBATIM_LATIN.finditer(text))
    for found in verbatim:
        if all(found.end() <= s or found.start() >= e for s, e in taken):
            pieces.append((found.start(), found.end(), None))
            taken.append((found.start(), found.end()))
    pieces.sort()
    out: list[str] = []
    last = 0
    for index, (start, end, key) in enumerate(pieces[: len(string.ascii_uppercase)]):
        placeholder = f"ZQX{string.ascii_uppercase[index]}"
        out.append(text[last:start])
        out.append(placeholder)
        spans.append((placeholder, key, text[start:end]))
        last = end
    out.append(text[last:])
    return Protected("".join(out), tuple(spans))


def restore(translated: str, protected: Protected, lang: str, glossary: Glossary) -> Restored:
    by_letter = {placeholder[-1]: (key, original) for placeholder, key, original in protected.spans}
    seen: set[str] = set()

    def put_back(match: re.Match[str]) -> str:
        letter = match.group(1).upper()
        if letter not in by_letter:
            return match.group(0)
        seen.add(letter)
        key, original = by_letter[letter]
        return glossary.render(key, lang) if key is not None else original

    text = _PLACEHOLDER.sub(put_back, translated)
    lost = tuple(original for letter, (_, original) in by_letter.items() if letter not in seen)
    return Restored(text, lost)


def numbers(text: str) -> Counter[str]:
    """The numbers in a text, with grouping removed ("3,000" and "3.000" are both 3000)."""
    found: Counter[str] = Counter()
    for match in _NUMBER.finditer(text):
        raw = match.group(0)
        grouped = re.fullmatch(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+", raw)
        found[re.sub(r"\D", "", raw) if grouped else raw.replace(",", ".")] += 1
    return found


def numbers_changed(source: str, translated: str) -> tuple[str, ...]:
    """Numbers of the source that are missing from the translation (or vice versa)."""
    before, after = numbers(source), numbers(translated)
    return tuple(sorted(((before - after) + (after - before)).elements()))

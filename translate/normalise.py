"""Text normalisation shared by exact and fuzzy matching (never by what is shown)."""

from __future__ import annotations

import unicodedata

#: Longest input the phrase matcher looks at; phrases are short, and embedding cost grows with
# length.
MAX_MATCH_CHARS = 300
#: Uzbek's oʻ and gʻ are written with ʻ (U+02BB), ʼ (U+02BC), a typographic ’ or a plain ': one
#: letter to readers, several to Unicode (ʻ and ʼ count as letters, the others as punctuation)
APOSTROPHES = str.maketrans({"\u02bb": "'", "\u02bc": "'", "\u2018": "'", "\u2019": "'"})


def clean_input(text: str) -> str:
    """Make arbitrary input safe to process: drop control characters and unpaired surrogates."""
    if not text:
        return ""
    text = text.encode("utf-8", errors="replace").decode("utf-8") if _has_surrogates(text) else text
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")]
    return " ".join("".join(kept).split())


def normalise(text: str) -> str:
    """Casefolded NFKC text without punctuation, symbols or whitespace, for comparing wordings.

    Spaces are dropped too: Chinese, Japanese, Thai and Khmer are written without them, and people
    space Korean inconsistently ("주민등록 등본" / "주민등록등본").
    """
    text = text.translate(APOSTROPHES)
    for _ in range(3):  # dropping a compatibility space can leave a mark that composes anew
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        cleaned = "".join(ch for ch in folded if _keep(ch))
        if cleaned == text:
            break
        text = cleaned
    return text


def normalise_spaced(text: str) -> str:
    """Like `normalise`, but keeps single spaces between words (for rapidfuzz token scores)."""
    text = text.translate(APOSTROPHES)
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    chars = [ch if _keep(ch) else " " for ch in folded]
    return unicodedata.normalize("NFC", " ".join("".join(chars).split()))


def _keep(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in ("L", "M", "N")


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)

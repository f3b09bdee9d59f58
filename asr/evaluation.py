"""Evaluating recognition: reading a speech manifest (id, lang, path, duration, transcript TSV, as
in shared/speech) and error rates: character error rate (CER) for languages written without
spaces between words (ko is scored by character too, as is usual for Korean), word error rate (WER)
for the rest. Text is normalised first: NFKC, case-folded, punctuation removed."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

CHARACTER_LANGS = frozenset({"ko", "zh", "ja", "th", "km", "lo", "my"})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = [ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text]
    return " ".join("".join(kept).split())


def error_rate(reference: str, hypothesis: str, lang: str) -> float:
    """CER or WER (by language) of `hypothesis` against `reference`, 0.0 = perfect."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if lang in CHARACTER_LANGS:
        ref_units: list[str] = list(ref.replace(" ", ""))
        hyp_units: list[str] = list(hyp.replace(" ", ""))
    else:
        ref_units, hyp_units = ref.split(), hyp.split()
    if not ref_units:
        return 0.0 if not hyp_units else 1.0
    return Levenshtein.distance(ref_units, hyp_units) / len(ref_units)


def metric_name(lang: str) -> str:
    return "CER" if lang in CHARACTER_LANGS else "WER"


@dataclass(frozen=True, slots=True)
class Clip:
    id: str
    lang: str
    path: Path
    duration_s: float
    transcript: str


def load_manifest(folder: Path) -> list[Clip]:
    """Clips listed in `folder/manifest.tsv` (paths relative to the folder)."""
    with (folder / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Clip(r["id"], r["lang"], folder / r["path"], float(r["duration_s"]), r["transcript"])
        for r in rows
    ]

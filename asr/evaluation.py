"""Evaluating recognition: reading a speech manifest (id, lang, path, duration, transcript TSV, as
in shared/speech) and error rates: character error rate (CER) for languages written without
spaces between words (ko is scored by character too, as is usual for Korean), word error rate (WER)
for the rest. Text is normalised first: NFKC, case-folded, punctuation removed."""

from __future__ import annotations

import csv
import re
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
    speaker: str = ""
    source: str = ""  # repository@commit:path, where the manifest gives it


def load_manifest(folder: Path) -> list[Clip]:
    """Clips listed in `folder/manifest.tsv` (paths relative to the folder)."""
    with (folder / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Clip(
            r["id"],
            r["lang"],
            folder / r["path"],
            float(r["duration_s"]),
            r["transcript"],
            r.get("speaker") or "",
            r.get("source") or "",
        )
        for r in rows
    ]


# --------------------------------------------------------------------------------------------
# Korean: numbers and emoticons, for a second figure beside the raw CER

# Counters read with native Korean numbers ("세 시간", "두 명"); every other number is read the
# Sino-Korean way ("십오 년", "만 원"). 번 is left out: "두 번" (twice) but "일 번" (number one).
NATIVE_COUNTERS = (
    "시간", "시", "개", "명", "살", "마리", "잔", "권", "사람", "군데", "달", "가지", "곳", "벌",
    "채", "대", "장",
)  # fmt: skip
_SINO_DIGITS = "영일이삼사오육칠팔구"
_NATIVE_UNITS = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")
_NATIVE_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# ㅋㅋ, ㅎㅎ, ㅠㅠ (written laughter, not speech), as compatibility jamo or after NFKC
_JAMO = re.compile(r"[\u1100-\u11ff\u3131-\u318e]+")


def normalise_korean(text: str) -> str:
    """Korean text as it is spoken: numbers written as words, jamo emoticons dropped.

    "3시간" → "세시간", "15년" → "십오년", "10,000원" → "만원", "ㅎㅎ" → "". References and
    hypotheses write numbers either way ("세 시간" / "3시간"), so a CER after this normalisation
    counts recognition errors, not spelling conventions."""
    text = _JAMO.sub(" ", unicodedata.normalize("NFKC", text))
    out: list[str] = []
    last = 0
    for match in _NUMBER.finditer(text):
        out.append(text[last : match.start()])
        number = match.group().replace(",", "")
        following = text[match.end() :].lstrip()
        whole, _, fraction = number.partition(".")
        value = int(whole)
        if not fraction and 0 < value < 100 and following.startswith(NATIVE_COUNTERS):
            out.append(native_number(value))
        else:
            out.append(sino_number(value))
            if fraction:
                out.append("점" + "".join(_SINO_DIGITS[int(d)] for d in fraction))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def sino_number(value: int) -> str:
    """The Sino-Korean reading of a whole number: 15 → 십오, 2026 → 이천이십육, 10000 → 만."""
    if value == 0:
        return "영"
    groups: list[str] = []
    for unit in ("", "만", "억", "조", "경"):
        value, group = divmod(value, 10_000)
        if group:
            words = _below_10000(group)
            groups.append(("" if words == "일" and unit else words) + unit)
        if not value:
            break
    return "".join(reversed(groups))


def native_number(value: int) -> str:
    """The native Korean reading before a counter, 1-99: 3 → 세, 20 → 스무, 21 → 스물한."""
    if not 0 < value < 100:
        raise ValueError(f"native Korean numbers go from 1 to 99, not {value}")
    tens, units = divmod(value, 10)
    if value == 20:
        return "스무"
    return _NATIVE_TENS[tens] + _NATIVE_UNITS[units]


def _below_10000(value: int) -> str:
    words = []
    for unit, size in (("천", 1000), ("백", 100), ("십", 10)):
        digit, value = divmod(value, size)
        if digit:
            words.append(("" if digit == 1 else _SINO_DIGITS[digit]) + unit)
    if value:
        words.append(_SINO_DIGITS[value])
    return "".join(words)

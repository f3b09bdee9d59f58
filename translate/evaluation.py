"""Scoring the phrase matcher on a labelled TSV: lang, utterance, expected_id (NONE: no phrase).

Metrics, as the eval README defines them: precision (answered matches that are right), recall (share
of non-NONE rows answered correctly) and the false-match rate on NONE rows; `evaluate_matcher` adds
how often the confirm step would be asked. `changgu eval phrases` and `bench/translate.py` report
what this module measures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from translate.errors import TranslateError
from translate.files import read_bytes
from translate.phrasebook import SaidBy
from translate.translation import TranslationKind

if TYPE_CHECKING:
    from translate.facade import Translator
    from translate.matcher import PhraseMatcher

NO_MATCH = "NONE"


@dataclass(frozen=True, slots=True)
class LabelledUtterance:
    lang: str
    text: str
    expected: str  # a phrase id, several separated by "|" (each right), or NONE
    side: str | None = None  # who said it (staff | visitor), when the file says
    split: str = ""  # the file's `split` column (dev | held), when it has one

    @property
    def expected_ids(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.expected.split("|"))

    def is_right(self, predicted: str) -> bool:
        return predicted in self.expected_ids


@dataclass(frozen=True, slots=True)
class Outcome:
    item: LabelledUtterance
    predicted: str  # phrase id or NONE

    @property
    def correct(self) -> bool:
        return self.item.is_right(self.predicted)


@dataclass(frozen=True, slots=True)
class Scores:
    rows: int
    positives: int
    negatives: int
    answered: int
    correct: int
    none_false_matches: int

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.positives if self.positives else 1.0

    @property
    def none_false_match_rate(self) -> float:
        return self.none_false_matches / self.negatives if self.negatives else 0.0

    def summary(self) -> str:
        return (
            f"precision {self.precision:.3f} ({self.correct}/{self.answered})  "
            f"recall {self.recall:.3f} ({self.correct}/{self.positives})  "
            f"NONE false-match {self.none_false_match_rate:.3f} "
            f"({self.none_false_matches}/{self.negatives})"
        )


@dataclass(frozen=True, slots=True)
class MatcherEvaluation:
    """The matcher's answers on labelled rows, and the rows where it would ask "Did you mean …?"."""

    scores: Scores
    outcomes: tuple[Outcome, ...]
    asked: tuple[bool, ...]  # per row: the confirm step would be asked

    @property
    def asked_count(self) -> int:
        return sum(self.asked)

    @property
    def none_rows(self) -> int:
        return sum(outcome.item.expected == NO_MATCH for outcome in self.outcomes)

    @property
    def asked_on_none(self) -> int:
        return sum(
            asked
            for asked, outcome in zip(self.asked, self.outcomes, strict=True)
            if outcome.item.expected == NO_MATCH
        )


def read_labelled(path: Path) -> list[LabelledUtterance]:
    """Read a lang/utterance/expected_id TSV (optional columns: side, split); bad bytes or a
    wrong header give a clear error."""
    try:
        raw = read_bytes(path)
    except OSError as exc:
        raise TranslateError(f"cannot read {path} ({exc.strerror}); check the path") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranslateError(
            f"{path} is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    needed = {"lang", "utterance", "expected_id"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise TranslateError(f"{path} needs the tab-separated columns lang, utterance, expected_id")
    items = [
        LabelledUtterance(
            row["lang"].strip(),
            row["utterance"].strip(),
            row["expected_id"].strip(),
            (row.get("side") or "").strip() or None,
            (row.get("split") or "").strip(),
        )
        for row in reader
        if row.get("utterance")
    ]
    if not items:
        raise TranslateError(f"{path} has no rows to evaluate")
    return items


def score(outcomes: Iterable[Outcome]) -> Scores:
    rows = positives = negatives = answered = correct = none_fp = 0
    for outcome in outcomes:
        rows += 1
        is_none = outcome.item.expected == NO_MATCH
        negatives += is_none
        positives += not is_none
        if outcome.predicted != NO_MATCH:
            answered += 1
            correct += outcome.correct
            none_fp += is_none
    return Scores(rows, positives, negatives, answered, correct, none_fp)


def evaluate(
    items: Sequence[LabelledUtterance], predict: Callable[[str, str], str | None]
) -> tuple[Scores, list[Outcome]]:
    """Run `predict(text, lang) -> phrase id | None` over the items and score it."""
    outcomes = [Outcome(item, predict(item.text, item.lang) or NO_MATCH) for item in items]
    return score(outcomes), outcomes


def evaluate_matcher(
    matcher: PhraseMatcher, items: Sequence[LabelledUtterance]
) -> MatcherEvaluation:
    """Score `matcher`'s verified answers on `items` (with the rule it holds), and note the rows
    where it would ask "Did you mean …?" instead."""
    asked: list[bool] = []

    outcomes = []
    for item in items:
        found = matcher.assess(item.text, item.lang, _side(item))
        asked.append(found.plausible)
        outcomes.append(Outcome(item, found.match.phrase.id if found.match else NO_MATCH))
    return MatcherEvaluation(score(outcomes), tuple(outcomes), tuple(asked))


def _side(item: LabelledUtterance) -> SaidBy | None:
    return SaidBy(item.side) if item.side else None


class Reached(StrEnum):
    """What became of an utterance at the counter (issue table of `bench/translate.py`)."""

    RIGHT = "right"  # a checked phrase that means it, "Did you mean …?" with it first, or, for
    # words the book has no phrase for, nothing shown as checked and nothing asked
    NOTHING = "nothing"  # the book has a phrase for it, but nothing was shown or asked
    ASKED_WRONG = "asked wrong"  # "Did you mean …?" with a phrase that means something else
    CHECKED_WRONG = "checked wrong"  # a checked phrase that means something else


@dataclass(frozen=True, slots=True)
class CounterTalk:
    item: LabelledUtterance
    reached: Reached
    shown: str  # the phrase verified or asked about first, or NONE
    asked: bool


def counter_talk(translator: Translator, items: Sequence[LabelledUtterance]) -> list[CounterTalk]:
    """Run each utterance through the kiosk's own `Translator.translate`, as its side says it
    (a visitor toward Korean, staff toward English), and say what reached the other side. The
    nearest phrases offered to staff after unmatched words are shown to nobody: nothing."""
    out: list[CounterTalk] = []
    for item in items:
        target = "en" if item.side == "staff" or item.lang == "ko" else "ko"
        result = translator.translate(item.text, item.lang, target, _side(item))
        none = item.expected_ids == {NO_MATCH}
        if result.kind is TranslationKind.VERIFIED:
            shown = result.phrase_id or NO_MATCH
            reached = Reached.RIGHT if item.is_right(shown) else Reached.CHECKED_WRONG
        elif result.kind is TranslationKind.CONFIRM:
            shown = result.phrase_id or NO_MATCH
            reached = Reached.RIGHT if item.is_right(shown) else Reached.ASKED_WRONG
        else:
            shown = NO_MATCH
            reached = Reached.RIGHT if none else Reached.NOTHING
        out.append(CounterTalk(item, reached, shown, result.kind is TranslationKind.CONFIRM))
    return out

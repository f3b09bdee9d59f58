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
from pathlib import Path
from typing import TYPE_CHECKING

from translate.errors import TranslateError
from translate.files import read_bytes

if TYPE_CHECKING:
    from translate.matcher import PhraseMatcher

NO_MATCH = "NONE"


@dataclass(frozen=True, slots=True)
class LabelledUtterance:
    lang: str
    text: str
    expected: str  # a phrase id or NONE


@dataclass(frozen=True, slots=True)
class Outcome:
    item: LabelledUtterance
    predicted: str  # phrase id or NONE

    @property
    def correct(self) -> bool:
        return self.predicted == self.item.expected


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
    """Read a lang/utterance/expected_id TSV; bad bytes or a wrong header give a clear error."""
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
        LabelledUtterance(row["lang"].strip(), row["utterance"].strip(), row["expected_id"].strip())
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

    def predict(text: str, lang: str) -> str | None:
        found = matcher.assess(text, lang)
        asked.append(found.plausible)
        return found.match.phrase.id if found.match else None

    scores, outcomes = evaluate(items, predict)
    return MatcherEvaluation(scores, tuple(outcomes), tuple(asked))

"""Calibrating the semantic match rule on a labelled dev set, with cross-validation.

The rule has three calibrated knobs: `top_k` (how many languages' best similarities are averaged
into a phrase's score), `min_score` and `min_margin` (best minus second-best phrase). The score's
lexical weight and reviewed bonus are fixed in `DEFAULT_RULE` (chosen on the dev set from a small
grid, 0/0.05/0.1 x 0/0.01/0.02/0.03, where the neighbours of the chosen pair did as well).

For each `top_k` a grid search picks the (min_score, min_margin) that answers the most utterances
correctly while keeping, on the rows it was fitted on, precision >= `target_precision` and no NONE
row answered. Ties go to the most conservative pair (largest margin, then score): an unseen set is
judged, so we prefer to refuse.

Cross-validation estimates how the procedure does on unseen utterances: the rows are split into
folds (stratified so that NONE rows are spread), the rule is fitted on all folds but one and applied
to the held-out fold, and the held-out predictions are scored together.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from translate.evaluation import NO_MATCH, LabelledUtterance, Outcome, Scores, score
from translate.matcher import MatchRule, PhraseMatcher, SemanticRanking, speaker_side

TOP_KS = (1, 2, 3, 5, 13)
SCORE_GRID = tuple(float(x) for x in np.round(np.arange(0.80, 1.101, 0.005), 3))
MARGIN_GRID = tuple(float(x) for x in np.round(np.arange(0.0, 0.0601, 0.001), 3))


@dataclass(frozen=True, slots=True)
class Observation:
    """Everything the rule needs about one labelled utterance, computed once."""

    item: LabelledUtterance
    text_tier: str | None  # phrase id from the exact/fuzzy tiers, if any
    rankings: dict[int, SemanticRanking]
    slot_ok: dict[str, bool]  # phrase id -> its slot values can be read from the utterance


@dataclass(frozen=True, slots=True)
class Calibration:
    rule: MatchRule
    fitted: Scores  # on all rows (optimistic)
    cross_validated: Scores  # held-out predictions of the fitting procedure
    folds: int
    per_k: dict[int, Scores]  # cross-validated scores of each top_k, for the report


def observe(matcher: PhraseMatcher, items: Sequence[LabelledUtterance]) -> list[Observation]:
    observations = []
    for item in items:
        text_match = matcher.match_text_only(item.text, item.lang)
        rankings = matcher.rankings(item.text, item.lang, TOP_KS, speaker_side(item.lang))
        slot_ok: dict[str, bool] = {}
        for ranking in rankings.values():
            if ranking.best not in slot_ok:
                phrase = matcher.phrasebook.get(ranking.best)
                slot_ok[ranking.best] = (
                    matcher._read_slots(item.text, item.lang, phrase) is not None
                )
        observations.append(
            Observation(item, text_match.phrase.id if text_match else None, rankings, slot_ok)
        )
    return observations


def predict(observation: Observation, rule: MatchRule) -> str:
    if observation.text_tier is not None:
        return observation.text_tier
    ranking = observation.rankings.get(rule.top_k)
    if ranking is None or ranking.score < rule.min_score or ranking.margin < rule.min_margin:
        return NO_MATCH
    return ranking.best if observation.slot_ok.get(ranking.best, False) else NO_MATCH


def fit(
    observations: Sequence[Observation], top_k: int, target_precision: float = 0.97
) -> MatchRule:
    best: tuple[float, float, float] | None = None
    chosen = MatchRule(min_score=1.0, min_margin=1.0, top_k=top_k)  # refuses everything
    for margin in MARGIN_GRID:
        for min_score in SCORE_GRID:
            rule = MatchRule(min_score=min_score, min_margin=margin, top_k=top_k)
            scores = score(Outcome(o.item, predict(o, rule)) for o in observations)
            if scores.precision < target_precision or scores.none_false_matches > 0:
                continue
            key = (scores.correct, margin, min_score)
            if best is None or key > best:
                best, chosen = key, rule
    return chosen


def calibrate(
    observations: Sequence[Observation],
    folds: int = 6,
    seed: int = 7,
    target_precision: float = 0.97,
) -> Calibration:
    fold_of = _stratified_folds(observations, folds, seed)
    per_k: dict[int, Scores] = {}
    held_out: dict[int, list[Outcome]] = {}
    for k in TOP_KS:
        outcomes: list[Outcome] = []
        for fold in range(folds):
            train = [o for o, f in zip(observations, fold_of, strict=True) if f != fold]
            test = [o for o, f in zip(observations, fold_of, strict=True) if f == fold]
            rule = fit(train, k, target_precision)
            outcomes.extend(Outcome(o.item, predict(o, rule)) for o in test)
        per_k[k] = score(outcomes)
        held_out[k] = outcomes
    # choose top_k by cross-validated correct answers without NONE false matches, then precision
    best_k = max(
        TOP_KS,
        key=lambda k: (
            per_k[k].none_false_matches == 0,
            per_k[k].precision >= 0.95,
            per_k[k].correct,
            per_k[k].precision,
        ),
    )
    rule = fit(observations, best_k, target_precision)
    fitted = score(Outcome(o.item, predict(o, rule)) for o in observations)
    return Calibration(rule, fitted, per_k[best_k], folds, per_k)


def _stratified_folds(observations: Sequence[Observation], folds: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    order = list(range(len(observations)))
    rng.shuffle(order)
    order.sort(key=lambda i: observations[i].item.expected == NO_MATCH)
    fold_of = [0] * len(observations)
    for position, index in enumerate(order):
        fold_of[index] = position % folds
    return fold_of

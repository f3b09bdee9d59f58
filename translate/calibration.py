"""Calibrating the semantic match rule on a labelled dev set, with honest cross-validation.

What is fitted: the scoring (`top_k`, how many languages' best similarities are averaged, and
`lexical_weight`, the weight of same-language word overlap), and two pairs of thresholds on the
best candidate's score and its margin over the runner-up — one for phrases whose key concepts the
utterance expresses, one for phrases without key concepts — plus the confirm bar.

For each scoring a grid search picks, per group, the (min_score, min_margin) that answers the most
rows correctly while keeping, on the rows it is fitted on, precision >= `target_precision` and no
NONE row answered. Ties go to the most conservative pair (largest margin, then score): an unseen set
is judged, so we prefer to refuse. The scoring with the most correct answers on the fitted rows
wins; between equals, the one whose thresholds leave the widest gap above the closest NONE row.
The confirm bar is the 5th percentile of the scores of right best candidates that the rule did not
verify (so most right answers that fall short are still asked about), and never above the
verified bars.

Cross-validation estimates how the whole procedure does on unseen utterances: the rows are split
into folds (stratified so that NONE rows are spread), everything above is fitted on all folds but
one and applied to the held-out fold, and the held-out predictions are scored together. Nothing is
chosen on the held-out fold.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from translate.evaluation import NO_MATCH, LabelledUtterance, Outcome, Scores, score
from translate.matcher import MatchRule, PhraseMatcher, SemanticRanking, speaker_side
from translate.phrasebook import SaidBy

TOP_KS = (1, 2, 3, 5)
LEXICAL_WEIGHTS = (0.0, 0.1, 0.2)
VARIANTS = tuple((k, w) for k in TOP_KS for w in LEXICAL_WEIGHTS)
SCORE_GRID = np.round(np.arange(0.80, 1.101, 0.005), 3)
MARGIN_GRID = np.round(np.arange(0.0, 0.0601, 0.001), 3)
CONFIRM_QUANTILE = 5.0  # percent


@dataclass(frozen=True, slots=True)
class Observation:
    """Everything the rule needs about one labelled utterance, computed once."""

    item: LabelledUtterance
    text_tier: str | None  # phrase id from the exact/fuzzy tiers, if any
    text_tier_verified: bool  # False: a fuzzy hit lacking its key concepts (asked, not verified)
    rankings: dict[tuple[int, float], SemanticRanking]
    slot_ok: dict[str, bool]  # phrase id -> its slot values can be read from the utterance


@dataclass(frozen=True, slots=True)
class ConfirmRates:
    """How often the confirm step ("Did you mean …?") would be asked."""

    asked: int
    rows: int
    asked_on_none: int
    none_rows: int
    right_when_asked: int  # the candidate asked about was the expected phrase

    def summary(self) -> str:
        overall = self.asked / self.rows if self.rows else 0.0
        on_none = self.asked_on_none / self.none_rows if self.none_rows else 0.0
        return (
            f"confirm asked {overall:.3f} ({self.asked}/{self.rows}), on NONE rows {on_none:.3f} "
            f"({self.asked_on_none}/{self.none_rows}); the candidate was right "
            f"{self.right_when_asked}/{self.asked}"
        )


@dataclass(frozen=True, slots=True)
class Calibration:
    rule: MatchRule  # fitted on all rows
    fitted: Scores  # that rule on all rows (in-sample, optimistic)
    fitted_confirm: ConfirmRates
    cross_validated: Scores  # held-out predictions of the fitting procedure
    cross_validated_confirm: ConfirmRates
    folds: int
    fold_rules: tuple[MatchRule, ...]  # the rule fitted in each fold (for the report)


def observe(matcher: PhraseMatcher, items: Sequence[LabelledUtterance]) -> list[Observation]:
    observations = []
    for item in items:
        side = SaidBy(item.side) if item.side else speaker_side(item.lang)
        text_match = matcher.match_text_only(item.text, item.lang, side)
        rankings = matcher.rankings(item.text, item.lang, VARIANTS, side)
        slot_ok: dict[str, bool] = {}
        for ranking in rankings.values():
            if ranking.best and ranking.best not in slot_ok:
                phrase = matcher.phrasebook.get(ranking.best)
                slot_ok[ranking.best] = (
                    matcher._read_slots(item.text, item.lang, phrase) is not None
                )
        observations.append(
            Observation(
                item,
                text_match.phrase.id if text_match else None,
                text_match is None or text_match.concepts_ok,
                rankings,
                slot_ok,
            )
        )
    return observations


def predict(observation: Observation, rule: MatchRule) -> str:
    """The verified phrase id, or NONE."""
    if observation.text_tier is not None:
        return observation.text_tier if observation.text_tier_verified else NO_MATCH
    ranking = observation.rankings.get((rule.top_k, rule.lexical_weight))
    if ranking is None or not ranking.best or not ranking.verifiable:
        return NO_MATCH
    min_score, min_margin = rule.thresholds(ranking.concept_backed)
    if ranking.score < min_score or ranking.margin < min_margin:
        return NO_MATCH
    return ranking.best if observation.slot_ok.get(ranking.best, False) else NO_MATCH


def would_confirm(observation: Observation, rule: MatchRule) -> str | None:
    """The phrase the confirm step would ask about, or None (verified, or nothing plausible)."""
    if predict(observation, rule) != NO_MATCH:
        return None
    if observation.text_tier is not None:
        return observation.text_tier  # a fuzzy near miss
    ranking = observation.rankings.get((rule.top_k, rule.lexical_weight))
    if ranking is None or not ranking.best:
        return None
    side = SaidBy(observation.item.side) if observation.item.side else SaidBy.BOTH
    bar = rule.confirm_bar(ranking.concept_backed, side)
    if ranking.score < bar:
        return None
    return ranking.best if observation.slot_ok.get(ranking.best, False) else None


def confirm_rates(observations: Sequence[Observation], rules: Sequence[MatchRule]) -> ConfirmRates:
    asked = on_none = right = none_rows = 0
    for observation, rule in zip(observations, rules, strict=True):
        is_none = observation.item.expected == NO_MATCH
        none_rows += is_none
        candidate = would_confirm(observation, rule)
        if candidate is not None:
            asked += 1
            on_none += is_none
            right += observation.item.is_right(candidate)
    return ConfirmRates(asked, len(observations), on_none, none_rows, right)


def fit(observations: Sequence[Observation], target_precision: float = 0.97) -> MatchRule:
    """The rule (scoring, thresholds, confirm bar) that does best on these rows.

    Between scorings with as many right answers, the one that keeps the NONE rows furthest below
    its thresholds wins (the widest safety gap), not whichever was tried first.
    """
    best: tuple[int, float, MatchRule] | None = None
    for k, weight in VARIANTS:
        rule = MatchRule(min_score=1.0, min_margin=1.0, top_k=k, lexical_weight=weight)
        correct, gap = 0, 1.0
        for backed in (False, True):
            (min_score, min_margin), right, group_gap = _fit_group(
                observations, k, weight, backed, target_precision
            )
            correct += right
            gap = min(gap, group_gap)
            if backed:
                rule = replace(rule, concept_min_score=min_score, concept_min_margin=min_margin)
            else:
                rule = replace(rule, min_score=min_score, min_margin=min_margin)
        if best is None or (correct, gap) > best[:2]:
            best = (correct, gap, rule)
    assert best is not None
    rule = best[2]
    return replace(rule, confirm_min_score=_confirm_bar(observations, rule))


def calibrate(
    observations: Sequence[Observation],
    folds: int = 6,
    seed: int = 7,
    target_precision: float = 0.97,
) -> Calibration:
    fold_of = _stratified_folds(observations, folds, seed)
    held_out: list[Outcome] = []
    held_out_obs: list[Observation] = []
    held_out_rules: list[MatchRule] = []
    fold_rules = []
    for fold in range(folds):
        train = [o for o, f in zip(observations, fold_of, strict=True) if f != fold]
        test = [o for o, f in zip(observations, fold_of, strict=True) if f == fold]
        rule = fit(train, target_precision)
        fold_rules.append(rule)
        held_out.extend(Outcome(o.item, predict(o, rule)) for o in test)
        held_out_obs.extend(test)
        held_out_rules.extend([rule] * len(test))
    rule = fit(observations, target_precision)
    fitted = score(Outcome(o.item, predict(o, rule)) for o in observations)
    return Calibration(
        rule,
        fitted,
        confirm_rates(observations, [rule] * len(observations)),
        score(held_out),
        confirm_rates(held_out_obs, held_out_rules),
        folds,
        tuple(fold_rules),
    )


def _fit_group(
    observations: Sequence[Observation],
    k: int,
    weight: float,
    backed: bool,
    target_precision: float,
) -> tuple[tuple[float, float], int, float]:
    """Thresholds for one group (concept-backed or not): the grid point with the most right
    answers, precision >= target and no NONE row answered on these rows; ties to the strictest.
    Also returns the safety gap: how far the closest NONE row stays below the thresholds."""
    scores, margins, right, none = [], [], [], []
    for o in observations:
        if o.text_tier is not None:
            continue
        ranking = o.rankings.get((k, weight))
        if ranking is None or not ranking.best or ranking.concept_backed != backed:
            continue
        if not ranking.verifiable:  # never answered, whatever the thresholds
            continue
        if not o.slot_ok.get(ranking.best, False):
            continue
        scores.append(ranking.score)
        margins.append(ranking.margin)
        right.append(ranking.best == o.item.expected)
        none.append(o.item.expected == NO_MATCH)
    if not scores:
        return (1.0, 1.0), 0, 1.0
    s, m = np.array(scores), np.array(margins)
    answered: NDArray[np.bool_] = (s[None, None, :] >= SCORE_GRID[:, None, None]) & (
        m[None, None, :] >= MARGIN_GRID[None, :, None]
    )
    n_answered = answered.sum(axis=2)
    n_right = (answered & np.array(right)[None, None, :]).sum(axis=2)
    n_none = (answered & np.array(none)[None, None, :]).sum(axis=2)
    allowed = (n_none == 0) & (n_right >= target_precision * n_answered)
    if not allowed.any():
        return (1.0, 1.0), 0, 1.0
    best_right = n_right[allowed].max()
    candidates = np.argwhere(allowed & (n_right == best_right))
    # strictest: largest margin, then largest score
    i, j = max(candidates, key=lambda ij: (MARGIN_GRID[ij[1]], SCORE_GRID[ij[0]]))
    min_score, min_margin = float(SCORE_GRID[i]), float(MARGIN_GRID[j])
    is_none = np.array(none)
    shortfall = np.maximum(min_score - s[is_none], min_margin - m[is_none])
    gap = float(shortfall.min()) if shortfall.size else 1.0
    return (min_score, min_margin), int(best_right), gap


def _confirm_bar(observations: Sequence[Observation], rule: MatchRule) -> float:
    lowest_verified = min(rule.min_score, rule.concept_min_score)
    shortfalls = []
    for o in observations:
        ranking = o.rankings.get((rule.top_k, rule.lexical_weight))
        if ranking is None or ranking.best != o.item.expected:
            continue
        if predict(o, rule) == NO_MATCH:
            shortfalls.append(ranking.score)
    if not shortfalls:
        return lowest_verified
    bar = float(np.percentile(shortfalls, CONFIRM_QUANTILE))
    return round(min(bar, lowest_verified), 3)


def _stratified_folds(observations: Sequence[Observation], folds: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    order = list(range(len(observations)))
    rng.shuffle(order)
    order.sort(key=lambda i: observations[i].item.expected == NO_MATCH)
    fold_of = [0] * len(observations)
    for position, index in enumerate(order):
        fold_of[index] = position % folds
    return fold_of

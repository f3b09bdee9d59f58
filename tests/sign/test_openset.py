"""Open-set recognition: what is not a sign of the vocabulary is never shown as one, and the
uncertain middle becomes a question (`SignUnsure`) instead of a result.

Real data throughout: the demo vocabulary's MSL-150 takes, our MediaPipe extraction of the five
MSL videos, the SILFA fingerspelling photos, and non-sign movement built from those real landmarks
(`sign.msl.non_sign_items`). The figures here are in-sample (the recogniser's constants were chosen
on the same check, see bench/sign.py for the cross-validated ones).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from sign.events import SignRejected, SignResult, SignUnsure
from sign.landmarks import Landmarks, LandmarkSequence
from sign.msl import NON_SIGN_KINDS, gloss_for, non_sign_items, performances
from sign.pipeline import recognise_landmarks
from sign.recogniser import RecogniserConfig, Verdict, judge
from sign.stream import SignStream, SignStreamConfig
from sign.templates import Ranking, TemplateMatcher
from sign.vocabulary import SignVocabulary

CONFIG = RecogniserConfig()


def ranking(*pairs: tuple[str, float]) -> Ranking:
    return Ranking(tuple(g for g, _ in pairs), tuple(d for _, d in pairs))


# --- the rule ------------------------------------------------------------------------------------


def test_bars_scale_with_the_glosss_own_spread() -> None:
    spread: dict[str, float | None] = {"tight": 0.12, "loose": 0.19, "other": 0.12}
    # the same distance is a result for a gloss whose takes vary, a question for a tight one
    d = 0.45
    assert judge(ranking(("loose", d), ("other", 1.0)), spread, CONFIG).verdict is Verdict.ACCEPT
    tight = judge(ranking(("tight", d), ("other", 1.0)), spread, CONFIG)
    assert tight.verdict is Verdict.REJECT and tight.gloss == "tight"
    middle = judge(ranking(("tight", 0.33), ("other", 1.0)), spread, CONFIG)
    assert middle.verdict is Verdict.UNSURE and "from each other" in middle.reason


def test_verdict_never_improves_with_distance() -> None:
    spread: dict[str, float | None] = {"a": 0.15, "b": 0.3}
    order = [Verdict.ACCEPT, Verdict.UNSURE, Verdict.REJECT]
    last = 0
    for step in range(1, 120):
        verdict = judge(ranking(("a", step / 100), ("b", 1.5)), spread, CONFIG).verdict
        assert order.index(verdict) >= last
        last = order.index(verdict)
    assert last == 2


def test_floor_cap_single_take_and_runner_up() -> None:
    near_copies: dict[str, float | None] = {"a": 0.01, "b": 0.01}
    # takes that are near-copies of each other: the floor keeps the bar from collapsing
    accepted = judge(ranking(("a", 0.25), ("b", 1.0)), near_copies, CONFIG)
    assert accepted.verdict is Verdict.ACCEPT
    # a widely spread gloss is still capped by accept_distance, then reject_distance
    wide: dict[str, float | None] = {"a": 2.0, "b": 2.0}
    assert judge(ranking(("a", 0.55), ("b", 2.0)), wide, CONFIG).verdict is Verdict.UNSURE
    assert judge(ranking(("a", 0.65), ("b", 2.0)), wide, CONFIG).verdict is Verdict.REJECT
    assert judge(ranking(("a", 0.65), ("b", 2.0)), wide, CONFIG, 0.7).verdict is Verdict.UNSURE
    # a gloss enrolled with one take has no spread of its own
    single: dict[str, float | None] = {"a": None, "b": None}
    limit = CONFIG.accept_spreads * CONFIG.single_take_spread
    assert judge(ranking(("a", limit - 0.01), ("b", 1.0)), single, CONFIG).verdict.value == "accept"
    assert judge(ranking(("a", limit + 0.01), ("b", 1.0)), single, CONFIG).verdict.value == "unsure"
    # a close runner-up makes it a question; a tie, a rejection
    spread: dict[str, float | None] = {"a": 0.2, "b": 0.2}
    close = judge(ranking(("a", 0.3), ("b", 0.34)), spread, CONFIG)
    assert close.verdict is Verdict.UNSURE and "almost as well" in close.reason
    assert judge(ranking(("a", 0.3), ("b", 0.305)), spread, CONFIG).verdict is Verdict.REJECT
    # the classifier disagreeing makes it a question
    disagree = judge(ranking(("a", 0.2), ("b", 1.0)), spread, CONFIG, classifier_top="b")
    assert disagree.verdict is Verdict.UNSURE and "disagree" in disagree.reason
    assert judge(ranking(), spread, CONFIG).verdict is Verdict.REJECT


def test_spread_of_enrolled_takes(msl_vocabulary: SignVocabulary) -> None:
    matcher = TemplateMatcher(msl_vocabulary.signs())
    assert set(matcher.spread) == set(msl_vocabulary.glosses)
    assert all(s is not None and 0.0 < s < 0.6 for s in matcher.spread.values())
    one_each = [msl_vocabulary.takes_for(g)[0] for g in msl_vocabulary.glosses]
    assert all(s is None for s in TemplateMatcher(one_each).spread.values())


# --- the open-set check on real landmarks --------------------------------------------------------


@pytest.fixture(scope="module")
def non_signs(
    video_landmarks: dict[str, LandmarkSequence], silfa_landmarks: dict[str, list[Landmarks]]
) -> list:  # type: ignore[type-arg]
    return non_sign_items(video_landmarks, silfa_landmarks)


def test_non_sign_movement_is_not_taken_for_a_sign(
    msl_vocabulary: SignVocabulary,
    non_signs: list,  # type: ignore[type-arg]
) -> None:
    assert {item.kind for item in non_signs} == set(NON_SIGN_KINDS)
    stream = SignStream(msl_vocabulary)
    checked = [item for item in non_signs if item.kind != "reversed"]
    accepted = []
    for item in checked:
        events = recognise_landmarks(item.landmarks, stream)
        if any(isinstance(e, SignResult) for e in events):
            accepted.append(item.name)
    assert len(checked) >= 120
    assert len(accepted) <= 0.05 * len(checked), accepted
    # nothing built from a fingerspelling photo or from gestures alone is accepted
    generic = {"held", "presented", "drift", "spelled", "scratch", "beats", "wave"}
    assert not [name for name in accepted if name.split()[0] in generic], accepted


def test_enrolled_signs_performed_again(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    """The videos, re-timed and shifted: recognised, or at worst asked; never another gloss.
    (MSL-150 has one recording per sign, the one the takes come from: these are not independent
    recordings.)"""
    stream = SignStream(msl_vocabulary)
    right = 0
    items = performances(video_landmarks)
    for item in items:
        events = recognise_landmarks(item.landmarks, stream)
        truth = gloss_for(item.source)
        assert events and not any(isinstance(e, SignRejected) for e in events), item.name
        results = [e for e in events if isinstance(e, SignResult)]
        assert all(e.gloss == truth for e in results), (item.name, results)
        unsure = [e for e in events if isinstance(e, SignUnsure)]
        assert all(e.candidate.gloss == truth for e in unsure), (item.name, unsure)
        right += bool(results)
    assert len(items) == 25 and right >= 20


def test_uncertain_middle_is_a_question(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    """With a bar tighter than the genuine sign's distance, the stream asks instead of deciding."""
    strict = SignStreamConfig(recogniser=replace(CONFIG, accept_spreads=1.0, unsure_spreads=4.0))
    (event,) = recognise_landmarks(video_landmarks["dolor"], SignStream(msl_vocabulary, strict))
    assert isinstance(event, SignUnsure)
    candidate = event.candidate
    assert candidate.gloss == "아프다" and candidate.phrase_id == "emer.sick"
    assert len(candidate.alternatives) == 3 and candidate.alternatives[0][0] == "아프다"
    assert (event.start_s, event.end_s) == (candidate.start_s, candidate.end_s)
    assert event.end_s > event.start_s and event.reason

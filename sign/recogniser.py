"""Deciding what a segment was: a gloss of the vocabulary, a question, a rejection, or no sign.

DTW over enrolled takes ranks the glosses; when the vocabulary has enough takes a trained
classifier's probabilities are averaged in. Whether the nearest gloss is believed is an open-set
decision (`judge`), because most of what a camera sees at a counter is not in the vocabulary:

- the distance to the nearest take is measured against that gloss's *spread* (how far its own
  takes lie from each other, floored at `min_spread`): a genuine new performance lands within a few
  spreads; a sign from outside the vocabulary lands farther, even when it is the nearest one;
- accepted (`SignResult`) only within `accept_spreads` spreads and `accept_distance`, clearly
  nearer than the runner-up (`max_ratio`), and with the classifier agreeing;
- the uncertain middle (`SignUnsure`, a question for staff) up to `unsure_spreads` spreads and the
  vocabulary's `reject_distance`, or when the runner-up is close or the classifier disagrees;
- everything else is a `SignRejected`. Segments in which the hands barely moved produce nothing.

The constants are what bench/sign.py's fit chooses on its whole open-set check (leave-one-sign-out
on MSL-150 and non-sign movement built from real landmarks); the same fit run inside
leave-one-sign-out folds gives the cross-validated figures it reports.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field

import numpy as np

from sign.classifier import ClassifierConfig, GlossClassifier
from sign.events import ResultKind, SignEvent, SignRejected, SignResult, SignUnsure
from sign.features import DEFAULT_FEATURES, FeatureConfig
from sign.fingerspelling import LetterMatcher
from sign.landmarks import LandmarkSequence
from sign.segmentation import Segment
from sign.templates import Ranking, TemplateMatcher
from sign.vocabulary import SignVocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecogniserConfig:
    # Open-set decision, in DTW distance units (see matcher) and multiples of a gloss's spread.
    accept_spreads: float = 2.5  # accepted within this many spreads of the nearest take …
    accept_distance: float = 0.5  # … and never farther than this
    unsure_spreads: float = 3.0  # a question up to this many spreads …
    reject_distance: float = 0.6  # … and this distance (a vocabulary pack may override it)
    min_spread: float = 0.12  # floor: takes that are near-copies of each other say little
    single_take_spread: float = 0.15  # assumed spread of a gloss enrolled with one take
    max_ratio: float = 0.8  # nearest / runner-up gloss distance for an acceptance
    unsure_ratio: float = 0.95  # above this the two fit equally well: rejected
    temperature: float = 0.08  # softmax over DTW distances → probabilities
    min_motion: float = 0.15  # shoulder widths the wrist must travel for a segment to be a sign
    use_classifier: bool = True
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    letter_reject_distance: float = 0.35  # mean per-point distance, wrist→knuckle units
    letter_max_ratio: float = 0.85


class Verdict(enum.Enum):
    ACCEPT = "accept"
    UNSURE = "unsure"
    REJECT = "reject"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    gloss: str  # the nearest gloss by DTW ("" when the vocabulary is empty)
    reason: str  # why it is not accepted ("" when it is)


def judge(
    ranking: Ranking,
    spread: dict[str, float | None],
    config: RecogniserConfig,
    reject_distance: float | None = None,
    classifier_top: str | None = None,
) -> Judgement:
    """The open-set decision for one ranked segment (a pure function: the bench fits it)."""
    if not ranking.glosses:
        return Judgement(Verdict.REJECT, "", "the vocabulary has no enrolled signs")
    gloss, d1 = ranking.glosses[0], ranking.distances[0]
    d2 = ranking.distances[1] if len(ranking.distances) > 1 else float("inf")
    own = spread.get(gloss)
    scale = max(config.single_take_spread if own is None else own, config.min_spread)
    outer = config.reject_distance if reject_distance is None else reject_distance
    ratio = d1 / d2 if d2 > 0 else 1.0
    if d1 > min(config.unsure_spreads * scale, outer):
        return Judgement(Verdict.REJECT, gloss, "too far from every enrolled take")
    if ratio > config.unsure_ratio:
        return Judgement(Verdict.REJECT, gloss, "two signs fit about equally well")
    if d1 > min(config.accept_spreads * scale, config.accept_distance):
        return Judgement(
            Verdict.UNSURE, gloss, "farther from the enrolled takes than they are from each other"
        )
    if ratio > config.max_ratio:
        return Judgement(Verdict.UNSURE, gloss, "another sign fits almost as well")
    if classifier_top is not None and classifier_top != gloss:
        return Judgement(Verdict.UNSURE, gloss, "template match and classifier disagree")
    return Judgement(Verdict.ACCEPT, gloss, "")


class Recogniser:
    def __init__(
        self,
        vocabulary: SignVocabulary,
        config: RecogniserConfig = RecogniserConfig(),
        features: FeatureConfig = DEFAULT_FEATURES,
    ) -> None:
        self.vocabulary = vocabulary
        self.config = config
        self.reject_distance = (
            vocabulary.reject_distance
            if vocabulary.reject_distance is not None
            else config.reject_distance
        )
        self.matcher = TemplateMatcher(vocabulary.signs(), features)
        self.classifier = (
            GlossClassifier.train(vocabulary.signs(), features, config.classifier)
            if config.use_classifier
            else None
        )
        self.letters = LetterMatcher(vocabulary.letters())

    def recognise(self, segment: Segment) -> SignEvent | None:
        """The event for one segment, or None when it was no sign (hands barely moved)."""
        if segment.motion < self.config.min_motion:
            log.debug("segment %.2f–%.2f s: too little motion", segment.start_s, segment.end_s)
            return None
        return self.classify(segment.landmarks, segment.start_s, segment.end_s)

    def classify(self, landmarks: LandmarkSequence, start_s: float, end_s: float) -> SignEvent:
        ranking = self.matcher.rank(landmarks)
        if not ranking.glosses:
            return SignRejected(start_s, end_s, (), "the vocabulary has no enrolled signs")
        probs = ranking.probabilities(self.config.temperature)
        scores = dict(zip(ranking.glosses, probs.tolist(), strict=True))
        classifier_top = None
        if self.classifier is not None:
            clf = self.classifier.probabilities(landmarks)
            classifier_top = max(clf, key=clf.__getitem__)
            scores = {g: 0.5 * p + 0.5 * clf.get(g, 0.0) for g, p in scores.items()}
        verdict = judge(
            ranking, self.matcher.spread, self.config, self.reject_distance, classifier_top
        )
        # the candidate is DTW's nearest gloss; the alternatives follow the combined scores
        runners_up = sorted((g for g in scores if g != verdict.gloss), key=lambda g: -scores[g])
        order = [verdict.gloss, *runners_up]
        alternatives = tuple((g, round(scores[g], 4)) for g in order[:3])
        if verdict.verdict is Verdict.REJECT:
            return SignRejected(start_s, end_s, alternatives, verdict.reason)
        gloss = self.vocabulary.glosses[verdict.gloss]
        result = SignResult(
            gloss=gloss.id,
            text_ko=gloss.text_ko,
            confidence=round(scores[verdict.gloss], 4),
            alternatives=alternatives,
            start_s=start_s,
            end_s=end_s,
            phrase_id=gloss.phrase_id,
            kind=ResultKind.SIGN,
        )
        if verdict.verdict is Verdict.UNSURE:
            return SignUnsure(result, start_s, end_s, verdict.reason)
        return result

    def classify_letter(
        self, landmarks: LandmarkSequence, start_s: float, end_s: float
    ) -> SignEvent | None:
        """A held hand shape → a fingerspelled letter, a rejection, or None when no hand is seen."""
        match = self.letters.match(landmarks)
        if match is None:
            return None
        d = np.asarray(match.distances)
        p = np.exp(-(d - d.min()) / max(self.config.temperature, 1e-6))
        p = p / p.sum()
        alternatives = tuple(
            (g, round(float(v), 4)) for g, v in zip(match.letters[:3], p[:3], strict=True)
        )
        ratio = d[0] / d[1] if len(d) > 1 and d[1] > 0 else 0.0
        if d[0] > self.config.letter_reject_distance or ratio > self.config.letter_max_ratio:
            return SignRejected(start_s, end_s, alternatives, "hand shape matches no letter")
        gloss = self.vocabulary.glosses[match.letters[0]]
        return SignResult(
            gloss=gloss.id,
            text_ko=gloss.text_ko,
            confidence=round(float(p[0]), 4),
            alternatives=alternatives,
            start_s=start_s,
            end_s=end_s,
            phrase_id=gloss.phrase_id,
            kind=ResultKind.LETTER,
        )

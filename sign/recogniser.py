"""Deciding what a segment was: a gloss of the vocabulary, a rejection, or not a sign at all.

DTW over enrolled takes ranks the glosses; when the vocabulary has enough takes a trained
classifier's
probabilities are averaged in. A segment is accepted only when its nearest take is closer than
`reject_distance` and clearly closer than the next gloss's (`max_ratio`); otherwise it is a
`SignRejected`. Segments in which the hands barely moved are not signs and produce nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from sign.classifier import ClassifierConfig, GlossClassifier
from sign.events import ResultKind, SignEvent, SignRejected, SignResult
from sign.features import DEFAULT_FEATURES, FeatureConfig
from sign.fingerspelling import LetterMatcher
from sign.landmarks import LandmarkSequence
from sign.matcher import TemplateMatcher
from sign.segmentation import Segment
from sign.vocabulary import SignVocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecogniserConfig:
    reject_distance: float = (
        0.6  # DTW distance (see matcher); calibrated on MSL-150, see bench/sign.py
    )
    max_ratio: float = 0.8  # nearest gloss distance / second gloss distance
    temperature: float = 0.08  # softmax over DTW distances → probabilities
    min_motion: float = 0.15  # shoulder widths the wrist must travel for a segment to be a sign
    use_classifier: bool = True
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    letter_reject_distance: float = 0.35  # mean per-point distance, wrist→knuckle units
    letter_max_ratio: float = 0.85


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
        if self.classifier is not None:
            clf = self.classifier.probabilities(landmarks)
            scores = {g: 0.5 * p + 0.5 * clf.get(g, 0.0) for g, p in scores.items()}
        order = sorted(scores, key=lambda g: -scores[g])
        top = order[0]
        alternatives = tuple((g, round(scores[g], 4)) for g in order[:3])
        distance = dict(zip(ranking.glosses, ranking.distances, strict=True))
        d_top = distance[top]
        others = [d for g, d in distance.items() if g != top]
        ratio = d_top / min(others) if others and min(others) > 0 else 0.0
        if d_top > self.reject_distance:
            return SignRejected(start_s, end_s, alternatives, "too far from every enrolled take")
        if ratio > self.config.max_ratio:
            return SignRejected(start_s, end_s, alternatives, "two signs fit about equally well")
        gloss = self.vocabulary.glosses[top]
        return SignResult(
            gloss=gloss.id,
            text_ko=gloss.text_ko,
            confidence=round(scores[top], 4),
            alternatives=alternatives,
            start_s=start_s,
            end_s=end_s,
            phrase_id=gloss.phrase_id,
            kind=ResultKind.SIGN,
        )

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

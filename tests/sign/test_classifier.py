from __future__ import annotations

from sign.classifier import GlossClassifier
from sign.landmarks import LandmarkSequence
from sign.msl import gloss_for
from sign.vocabulary import SignVocabulary


def test_trained_only_with_enough_takes(msl_vocabulary: SignVocabulary) -> None:
    few = [t for g in msl_vocabulary.glosses for t in msl_vocabulary.takes_for(g)[:3]]
    assert GlossClassifier.train(few) is None


def test_classifier_on_held_out_recordings(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    clf = GlossClassifier.train(msl_vocabulary.takes)
    assert clf is not None
    correct = 0
    for sign, seq in video_landmarks.items():
        probs = clf.probabilities(seq)
        assert abs(sum(probs.values()) - 1) < 1e-6
        correct += max(probs, key=probs.__getitem__) == gloss_for(sign)
    assert correct >= 4, correct

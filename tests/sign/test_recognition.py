"""Recognition on real MSL-150 data, split by recording, and rejection of what is not a known sign.

The sample_npy sequences of one sign are augmentations of ONE recording (test_grouping shows their
distances sit at a noise floor far below any other pair), so they can never be split into train and
test. The held-out recording per sign is the original video, landmarked by our own pipeline.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sign.dtw import dtw_distances
from sign.events import SignResult
from sign.features import resample, sequence_features
from sign.landmarks import LandmarkSequence
from sign.msl import MslSequence, demo_vocabulary, gloss_for
from sign.pipeline import recognise_landmarks
from sign.recogniser import RecogniserConfig
from sign.stream import SignStream, SignStreamConfig
from sign.vocabulary import SignVocabulary
from tests.sign.conftest import DEMO_TAKES


def test_grouping_sequences_of_a_sign_are_one_recording(msl_sequences: list[MslSequence]) -> None:
    usable = [s for s in msl_sequences if s.landmarks.present[:, 1:3].any(axis=1).mean() > 0.5]
    emb = np.stack([resample(sequence_features(s.landmarks), 32) for s in usable])
    labels = np.array([s.sign for s in usable])
    same, other = [], []
    for i in range(len(usable)):
        d = dtw_distances(emb[i], emb)
        d[i] = np.inf
        same.append(d[labels == labels[i]].min())
        other.append(d[labels != labels[i]].min())
    # near-duplicates within a sign, well apart across signs: one recording per sign
    assert np.median(same) < 0.15 < 0.3 < np.min(other)


def test_enrol_from_dataset_recognise_held_out_recordings(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    stream = SignStream(msl_vocabulary)
    correct = 0
    for sign, seq in video_landmarks.items():
        events = recognise_landmarks(seq, stream)
        assert len(events) == 1, (sign, events)
        event = events[0]
        assert isinstance(event, SignResult), (sign, event)
        correct += event.gloss == gloss_for(sign)
        assert event.alternatives[0][0] == event.gloss and len(event.alternatives) == 3
        assert 0.5 < event.confidence <= 1.0
    assert correct == 5


def test_dtw_alone_without_classifier(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    stream = SignStream(
        msl_vocabulary, SignStreamConfig(recogniser=RecogniserConfig(use_classifier=False))
    )
    assert stream.recogniser.classifier is None
    got = {s: recognise_landmarks(v, stream) for s, v in video_landmarks.items()}
    assert all(isinstance(e[0], SignResult) and e[0].gloss == gloss_for(s) for s, e in got.items())


def test_phrase_id_carried(msl_vocabulary: SignVocabulary, video_landmarks: dict) -> None:
    (event,) = recognise_landmarks(video_landmarks["dolor"], SignStream(msl_vocabulary))
    assert isinstance(event, SignResult) and event.phrase_id == "emer.sick"


def test_random_motion_is_rejected(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    """Real hand shapes and a real body, with both hands wandering at random."""
    rng = np.random.default_rng(7)
    base = video_landmarks["hoy"]
    n = len(base)
    stream = SignStream(msl_vocabulary)
    for _ in range(5):
        shapes = base.right_hand[rng.integers(0, n, n)]
        hands = []
        for start in ((0.45, 0.5), (0.6, 0.5)):
            walk = np.cumsum(rng.normal(0, 0.02, (n, 2)), axis=0) + start
            hands.append(shapes - shapes[:, :1] + np.pad(walk, ((0, 0), (0, 1)))[:, None])
        present = base.present.copy()
        present[:, 1:3] = True
        seq = replace(
            base,
            left_hand=hands[0].astype(np.float32),
            right_hand=hands[1].astype(np.float32),
            present=present,
        )
        events = recognise_landmarks(seq, stream)
        assert events and not any(isinstance(e, SignResult) for e in events), events


def test_sign_outside_the_vocabulary(
    msl_sequences: list[MslSequence], video_landmarks: dict[str, LandmarkSequence]
) -> None:
    """Open set, leave one sign out: each video against the demo vocabulary without its sign is
    never shown as a recognised sign (at most a question to staff)."""
    for sign, seq in video_landmarks.items():
        vocab = demo_vocabulary([s for s in msl_sequences if s.sign != sign], DEMO_TAKES)
        del vocab.glosses[gloss_for(sign)]
        events = recognise_landmarks(seq, SignStream(vocab))
        assert events, sign
        assert not any(isinstance(e, SignResult) for e in events), (sign, events)

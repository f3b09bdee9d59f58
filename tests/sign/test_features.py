"""Feature normalisation: body-relative, scale-free, robust to briefly missing hands."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sign.dtw import dtw_distances
from sign.features import FEATURE_SIZE, resample, sequence_features
from sign.landmarks import LandmarkSequence
from sign.msl import MslSequence


def _moved(seq: LandmarkSequence, dx: float, dy: float, k: float) -> LandmarkSequence:
    """The same person further left/right/up/down and nearer/farther from the camera."""

    def move(a: np.ndarray) -> np.ndarray:
        out = a.copy()
        out[..., 0] = 0.5 + (a[..., 0] - 0.5) * k + dx
        out[..., 1] = 0.5 + (a[..., 1] - 0.5) * k + dy
        return out.astype(np.float32)

    return replace(
        seq, pose=move(seq.pose), left_hand=move(seq.left_hand), right_hand=move(seq.right_hand)
    )


@settings(max_examples=25, deadline=None)
@given(
    dx=st.floats(-0.15, 0.15),
    dy=st.floats(-0.15, 0.15),
    k=st.floats(0.6, 1.4),
    i=st.integers(0, 80),
)
def test_features_ignore_position_and_size(
    msl_sequences: list[MslSequence], dx: float, dy: float, k: float, i: int
) -> None:
    seq = msl_sequences[i % len(msl_sequences)].landmarks
    a = sequence_features(seq)
    b = sequence_features(_moved(seq, dx, dy, k))
    assert a.shape == (len(seq), FEATURE_SIZE)
    np.testing.assert_allclose(a, b, atol=2e-3)


def test_briefly_missing_hand_is_interpolated(msl_sequences: list[MslSequence]) -> None:
    seq = next(
        s.landmarks for s in msl_sequences if s.sign == "hoy" and s.landmarks.present[:, 2].all()
    )
    present = seq.present.copy()
    present[10:14, 2] = False  # lost for 4 frames (0.13 s)
    gappy = replace(seq, present=present)
    a, b = sequence_features(seq), sequence_features(gappy)
    assert np.abs(a - b).max() < 0.6  # interpolated, not zeroed
    present[5:25, 2] = False  # lost for 0.67 s: treated as absent
    c = sequence_features(replace(seq, present=present))
    assert np.abs(c[15, 2:42]).max() == 0.0


def test_live_pipeline_and_dataset_share_a_convention(
    video_landmarks: dict[str, LandmarkSequence], msl_sequences: list[MslSequence]
) -> None:
    """Our MediaPipe extraction of each original video is nearest to that sign's dataset arrays."""
    signs = sorted(video_landmarks)
    templates = np.stack([resample(sequence_features(s.landmarks), 32) for s in msl_sequences])
    labels = np.array([s.sign for s in msl_sequences])
    for sign in signs:
        query = resample(sequence_features(video_landmarks[sign]), 32)
        d = dtw_distances(query, templates)
        per_sign = {s: d[labels == s].min() for s in signs}
        assert min(per_sign, key=per_sign.__getitem__) == sign, per_sign

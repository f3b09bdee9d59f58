"""Landmarks from real pictures: SILFA hand photos and the MSL-150 signer videos."""

from __future__ import annotations

import numpy as np

from sign.landmarks import LEFT_WRIST, RIGHT_WRIST, Landmarks, LandmarkSequence


def test_hands_found_on_silfa_photos(silfa_landmarks: dict[str, list[Landmarks]]) -> None:
    frames = [f for frames in silfa_landmarks.values() for f in frames]
    assert len(frames) == 20
    with_hand = [f for f in frames if f.has_hands]
    assert len(with_hand) >= 16, f"hands found on only {len(with_hand)} of 20 photos"
    for f in with_hand:
        hand = f.right_hand if f.has_right else f.left_hand
        assert np.all((hand[:, :2] > 0) & (hand[:, :2] < 1)), "hand points inside the picture"
        span = np.ptp(hand[:, :2] * [f.aspect, 1], axis=0).max()
        assert 0.05 < span < 0.9, f"implausible hand size {span}"


def test_msl_videos_give_pose_and_hands(video_landmarks: dict[str, LandmarkSequence]) -> None:
    for sign, seq in video_landmarks.items():
        assert seq.present[:, 0].mean() > 0.95, sign
        assert seq.present[:, 1:3].any(axis=1).mean() > 0.8, sign
        assert abs(seq.aspect - 16 / 9) < 0.01  # 1280×720 analysed at 640×360


def test_handedness_matches_pose_wrists(video_landmarks: dict[str, LandmarkSequence]) -> None:
    """`right_hand` is the hand at the pose model's right wrist: one convention throughout."""
    for sign, seq in video_landmarks.items():
        for flag, hand, wrist in ((1, seq.left_hand, LEFT_WRIST), (2, seq.right_hand, RIGHT_WRIST)):
            seen = seq.present[:, flag]
            if seen.sum() < 5:
                continue
            gap = np.linalg.norm(hand[seen, 0, :2] - seq.pose[seen, wrist, :2], axis=1)
            assert np.median(gap) < 0.05, (sign, flag, np.median(gap))


def test_dominant_hand_matches_the_dataset_convention(
    video_landmarks: dict[str, LandmarkSequence], msl_sequences: list
) -> None:
    """One-handed MSL signs (dolor, hoy, yo): the right hand, in the dataset and in ours."""
    for sign in ("dolor", "hoy", "yo"):
        dataset = [s.landmarks for s in msl_sequences if s.sign == sign]
        assert np.mean([d.present[:, 2].mean() for d in dataset]) > 0.9
        assert np.mean([d.present[:, 1].mean() for d in dataset]) < 0.05
        ours = video_landmarks[sign]
        assert ours.present[:, 2].mean() > 0.8 and ours.present[:, 1].mean() < 0.1, sign

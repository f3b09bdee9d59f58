"""Segmentation on the real videos, and on streams where the signer rests between signs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sign.landmarks import LEFT_WRIST, RIGHT_WRIST, LandmarkSequence
from sign.segmentation import Segment, Segmenter


def segments(seq: LandmarkSequence) -> list[Segment]:
    seg = Segmenter()
    out: list[Segment] = []
    for frame in seq.frames():
        out += seg.feed(frame)
    return out + seg.finish()


def at_rest(seq: LandmarkSequence, seconds: float, t0: float) -> LandmarkSequence:
    """The signer of `seq` with hands lowered out of view for `seconds` (wrists at the hips)."""
    n = int(seconds * 30)
    first = seq.slice(0, 1)
    pose = np.repeat(first.pose, n, axis=0)
    pose[:, [LEFT_WRIST, RIGHT_WRIST], 1] = pose[:, [23, 24], 1]
    present = np.repeat(first.present, n, axis=0)
    present[:, 1:3] = False
    return replace(
        first,
        t=(t0 + np.arange(n) / 30).astype(np.float32),
        pose=pose,
        left_hand=np.zeros((n, 21, 3), np.float32),
        right_hand=np.zeros((n, 21, 3), np.float32),
        face=np.repeat(first.face, n, axis=0),
        present=present,
    )


def concat(parts: list[LandmarkSequence]) -> LandmarkSequence:
    """Parts one after another on one clock."""
    out, t0 = [], 0.0
    for p in parts:
        out.append(replace(p, t=(p.t - p.t[0] + t0).astype(np.float32)))
        t0 = float(out[-1].t[-1]) + 1 / 30
    first = out[0]
    return LandmarkSequence(
        t=np.concatenate([p.t for p in out]),
        pose=np.concatenate([p.pose for p in out]),
        left_hand=np.concatenate([p.left_hand for p in out]),
        right_hand=np.concatenate([p.right_hand for p in out]),
        face=np.concatenate([p.face for p in out]),
        present=np.concatenate([p.present for p in out]),
        aspect=first.aspect,
    )


def test_each_video_is_one_sign(video_landmarks: dict[str, LandmarkSequence]) -> None:
    for sign, seq in video_landmarks.items():
        found = segments(seq)
        assert len(found) == 1, (sign, found)
        assert found[0].end_s - found[0].start_s > 0.8
        assert found[0].motion > 0.3


def test_signs_between_rests(video_landmarks: dict[str, LandmarkSequence]) -> None:
    hoy, doctor = video_landmarks["hoy"], video_landmarks["doctor"]
    stream = concat(
        [at_rest(hoy, 1.0, 0), hoy, at_rest(hoy, 1.0, 0), doctor, at_rest(doctor, 1.0, 0)]
    )
    found = segments(stream)
    assert [s.ended_by for s in found] == ["left", "left"]
    assert (
        abs(found[0].start_s - 1.0) < 0.15 and abs(found[0].end_s - (1.0 + hoy.duration_s)) < 0.15
    )
    assert found[1].start_s > found[0].end_s + 0.9


def test_nobody_and_resting_hands_give_nothing(
    video_landmarks: dict[str, LandmarkSequence],
) -> None:
    yo = video_landmarks["yo"]
    assert segments(at_rest(yo, 3.0, 0)) == []
    nobody = replace(at_rest(yo, 3.0, 0), present=np.zeros((90, 4), np.bool_))
    assert segments(nobody) == []


def test_held_sign_ends_after_the_rest(video_landmarks: dict[str, LandmarkSequence]) -> None:
    """dolor ends in a long hold: the segment closes ~0.5 s into it, not at the end of the clip."""
    (seg,) = segments(video_landmarks["dolor"])
    assert seg.ended_by == "rest"
    assert seg.end_s < video_landmarks["dolor"].duration_s - 0.5

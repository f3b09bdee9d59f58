"""Fingerspelling (지문자): static hand shapes matched against enrolled letter takes.

A letter is a hand held still. Its shape (20 points relative to the wrist, in units of the
wrist→middle-knuckle length, orientation kept because it distinguishes letters) is averaged over the
hold and compared with the enrolled letters' shapes by Euclidean distance (nearest take wins).
The signing hand is whichever hand is seen more during the hold (the right one on a tie).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sign.features import FeatureConfig, hand_tracks
from sign.landmarks import LandmarkSequence
from sign.vocabulary import Take

Array = NDArray[np.float32]


@dataclass(frozen=True)
class LetterMatch:
    letters: tuple[str, ...]  # nearest first
    distances: tuple[float, ...]


def hand_shape(landmarks: LandmarkSequence) -> Array | None:
    """Mean (40,) shape of the more visible hand, or None when no hand is seen."""
    tracks = hand_tracks(landmarks, FeatureConfig(max_gap_s=0.0))
    seen = tracks.present.sum(axis=0)
    if seen.max() == 0:
        return None
    hand = 0 if seen[0] > seen[1] else 1
    rows = tracks.shape[tracks.present[:, hand], hand]
    out: Array = rows.reshape(len(rows), 40).mean(axis=0)
    return out


class LetterMatcher:
    def __init__(self, takes: list[Take]) -> None:
        shapes, labels = [], []
        for take in takes:
            shape = hand_shape(take.landmarks)
            if shape is not None:
                shapes.append(shape)
                labels.append(take.gloss)
        self.labels = labels
        self.shapes = np.stack(shapes) if shapes else np.zeros((0, 40), np.float32)

    def __len__(self) -> int:
        return len(self.labels)

    def match(self, landmarks: LandmarkSequence) -> LetterMatch | None:
        shape = hand_shape(landmarks)
        if shape is None or not self.labels:
            return None
        # per-point distance, so the scale reads as "wrist→knuckle lengths per point"
        d = np.linalg.norm((self.shapes - shape).reshape(len(self.labels), 20, 2), axis=2).mean(1)
        best: dict[str, float] = {}
        for letter, dist in zip(self.labels, d.tolist(), strict=True):
            best[letter] = min(dist, best.get(letter, np.inf))
        order = sorted(best, key=best.__getitem__)
        return LetterMatch(tuple(order), tuple(best[g] for g in order))

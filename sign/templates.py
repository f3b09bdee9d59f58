"""Enrolled takes as DTW templates: a segment in, every gloss ranked by distance out.

The matcher also knows how far apart each gloss's own takes are (`spread`): the distance at which a
new, genuine performance of the gloss can be expected to land from the nearest enrolled take. The
recogniser judges a segment's distance relative to it, so a gloss enrolled with consistent takes is
held to a tighter bar than one whose takes vary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sign.dtw import dtw_distances
from sign.features import DEFAULT_FEATURES, FeatureConfig, resample, sequence_features
from sign.landmarks import LandmarkSequence
from sign.vocabulary import Take

TEMPLATE_FRAMES = 32  # every take and segment is resampled to this many frames before DTW


@dataclass(frozen=True)
class Ranking:
    """Glosses by DTW distance to their nearest take, nearest first."""

    glosses: tuple[str, ...]
    distances: tuple[float, ...]

    def probabilities(self, temperature: float) -> NDArray[np.float64]:
        d = np.asarray(self.distances)
        logits = -(d - d.min()) / max(temperature, 1e-6)
        p = np.exp(logits)
        return np.asarray(p / p.sum())


class TemplateMatcher:
    def __init__(
        self,
        takes: list[Take],
        features: FeatureConfig = DEFAULT_FEATURES,
        band: float = 0.4,
        frames: int = TEMPLATE_FRAMES,
    ) -> None:
        self.features = features
        self.band = band
        self.frames = frames
        self.labels = np.array([t.gloss for t in takes])
        self.templates = (
            np.stack([self.embed(t.landmarks) for t in takes])
            if takes
            else np.zeros((0, frames, 1), np.float32)
        )
        self.spread = self._spreads()

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def embed(self, landmarks: LandmarkSequence) -> NDArray[np.float32]:
        return resample(sequence_features(landmarks, self.features), self.frames)

    def rank(self, landmarks: LandmarkSequence) -> Ranking:
        if len(self) == 0:
            return Ranking((), ())
        distances = dtw_distances(self.embed(landmarks), self.templates, self.band)
        best: dict[str, float] = {}
        for gloss, d in zip(self.labels.tolist(), distances.tolist(), strict=True):
            best[gloss] = min(d, best.get(gloss, np.inf))
        order = sorted(best, key=best.__getitem__)
        return Ranking(tuple(order), tuple(best[g] for g in order))

    def _spreads(self) -> dict[str, float | None]:
        """Per gloss: the 75th percentile, over its takes, of each take's DTW distance to the
        nearest other take of the same gloss (None for a gloss with a single take).

        Nearest-take distances separate genuine performances from other movement better than the
        median of all pairs (measured in bench/sign.py), but they shrink as near-identical takes
        are added: the recogniser floors the spread (`RecogniserConfig.min_spread`)."""
        out: dict[str, float | None] = {}
        for gloss in dict.fromkeys(self.labels.tolist()):
            idx = np.flatnonzero(self.labels == gloss)
            if len(idx) < 2:
                out[gloss] = None
                continue
            nearest = [
                float(
                    dtw_distances(self.templates[i], self.templates[idx[idx != i]], self.band).min()
                )
                for i in idx
            ]
            out[gloss] = float(np.percentile(nearest, 75))
        return out

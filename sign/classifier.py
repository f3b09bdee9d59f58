"""A small trained classifier over fixed-length features, for vocabularies with enough takes.

Softmax regression on takes resampled to a fixed number of frames, trained with plain numpy (full-
batch
gradient descent, L2, augmentation by time-warping and jitter) when the vocabulary is loaded — it
takes
well under a second for an office vocabulary, so there is no model file to go stale. Run time is one
matrix product. It cannot say "none of these" (DTW distance decides rejection); it re-ranks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sign.features import DEFAULT_FEATURES, FeatureConfig, resample, sequence_features
from sign.landmarks import LandmarkSequence
from sign.vocabulary import Take

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ClassifierConfig:
    min_takes_per_gloss: int = 5
    frames: int = 12
    augment: int = 12  # augmented copies per take
    l2: float = 1e-2
    steps: int = 300
    learning_rate: float = 0.5
    seed: int = 0


class GlossClassifier:
    def __init__(
        self,
        glosses: list[str],
        mean: Array,
        std: Array,
        weights: Array,
        bias: Array,
        features: FeatureConfig,
        frames: int,
    ) -> None:
        self.glosses = glosses
        self.mean, self.std, self.weights, self.bias = mean, std, weights, bias
        self.features = features
        self.frames = frames

    @classmethod
    def train(
        cls,
        takes: list[Take],
        features: FeatureConfig = DEFAULT_FEATURES,
        config: ClassifierConfig | None = None,
    ) -> GlossClassifier | None:
        """A classifier, or None when some gloss has fewer than `min_takes_per_gloss` takes."""
        config = config or ClassifierConfig()
        glosses = sorted({t.gloss for t in takes})
        if len(glosses) < 2:
            return None
        counts = {g: sum(t.gloss == g for t in takes) for g in glosses}
        if min(counts.values()) < config.min_takes_per_gloss:
            return None
        rng = np.random.default_rng(config.seed)
        rows: list[Array] = []
        labels: list[int] = []
        for take in takes:
            full = sequence_features(take.landmarks, features).astype(np.float64)
            y = glosses.index(take.gloss)
            rows.append(resample(full.astype(np.float32), config.frames).ravel().astype(np.float64))
            labels.append(y)
            for _ in range(config.augment):
                rows.append(_augment(full, config.frames, rng).ravel())
                labels.append(y)
        x = np.stack(rows).astype(np.float64)
        mean, std = x.mean(0), x.std(0) + 1e-3
        x = (x - mean) / std
        y_onehot = np.eye(len(glosses))[labels]
        w = np.zeros((x.shape[1], len(glosses)))
        b = np.zeros(len(glosses))
        for _ in range(config.steps):
            p = _softmax(x @ w + b)
            grad = (p - y_onehot) / len(x)
            w -= config.learning_rate * (x.T @ grad + config.l2 * w)
            b -= config.learning_rate * grad.sum(0)
        return cls(glosses, mean, std, w, b, features, config.frames)

    def probabilities(self, landmarks: LandmarkSequence) -> dict[str, float]:
        f = resample(sequence_features(landmarks, self.features), self.frames).ravel()
        p = _softmax(((f - self.mean) / self.std) @ self.weights + self.bias)
        return {g: float(v) for g, v in zip(self.glosses, p, strict=True)}


def _augment(full: Array, frames: int, rng: np.random.Generator) -> Array:
    """A random sub-window (85–100 % of the take), small scale change of positions, and jitter."""
    n = full.shape[0]
    keep = max(2, round(n * rng.uniform(0.85, 1.0)))
    start = int(rng.integers(0, n - keep + 1))
    x = resample(full[start : start + keep].astype(np.float32), frames).astype(np.float64)
    x = x * rng.uniform(0.92, 1.08) + rng.normal(0.0, 0.03, x.shape)
    return x


def _softmax(z: Array) -> Array:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))

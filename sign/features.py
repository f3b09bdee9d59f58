"""Landmarks → feature vectors that do not depend on where the signer stands or how big they look.

Per frame and per hand (signer's left, then right):
- position: the wrist relative to the body, origin between the shoulders, unit = shoulder width
  (x to the signer's left is image-right; y down), in square image units (x scaled by the aspect
  ratio);
- shape: the 20 other hand points relative to the wrist, unit = wrist→middle-knuckle length;
- velocity: of the wrist position, in shoulder widths per second;
- presence: 1 when MediaPipe saw the hand (or it was missing only briefly and is interpolated).

A hand missing for up to `max_gap_s` is interpolated; longer, its position falls back to the pose
model's wrist estimate and its shape to zeros. Blocks are weighted so that position, shape and
motion
count comparably in a Euclidean frame distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sign.landmarks import (
    LEFT_SHOULDER,
    LEFT_WRIST,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
    LandmarkSequence,
)

Array = NDArray[np.float32]

# Where a body would be if the pose model saw nobody (used only to keep arrays finite).
_FALLBACK_ORIGIN = (0.5, 0.35)
_FALLBACK_SCALE = 0.3
HAND_BLOCK = 2 + 40 + 2 + 1  # position, shape, velocity, presence
FEATURE_SIZE = 2 * HAND_BLOCK


@dataclass(frozen=True)
class FeatureConfig:
    max_gap_s: float = 0.3
    position_weight: float = 1.0
    shape_weight: float = 1.0
    velocity_weight: float = 0.15
    presence_weight: float = 0.5
    smooth_frames: int = 3  # moving average for velocities


DEFAULT_FEATURES = FeatureConfig()


@dataclass(frozen=True, eq=False)
class HandTracks:
    """Body-relative hand trajectories of a sequence, before weighting."""

    position: Array  # (T, 2, 2): frame, hand (left, right), xy
    shape: Array  # (T, 2, 20, 2)
    present: NDArray[np.bool_]  # (T, 2), after gap filling
    t: Array  # (T,)


def body_frame(seq: LandmarkSequence) -> tuple[Array, Array]:
    """Origin (T, 2) and scale (T,) from the shoulders, carried over frames without a pose."""
    aspect = np.array([seq.aspect, 1.0], np.float32)
    shoulders = seq.pose[:, [LEFT_SHOULDER, RIGHT_SHOULDER], :2] * aspect
    origin = shoulders.mean(axis=1)
    scale = np.linalg.norm(shoulders[:, 0] - shoulders[:, 1], axis=1)
    valid = seq.present[:, 0] & (scale > 1e-3)
    if not valid.any():
        n = len(seq)
        return (
            np.tile(np.array(_FALLBACK_ORIGIN, np.float32) * aspect, (n, 1)),
            np.full(n, _FALLBACK_SCALE, np.float32),
        )
    idx = _nearest_valid_index(valid)
    return origin[idx].astype(np.float32), scale[idx].astype(np.float32)


def hand_tracks(seq: LandmarkSequence, config: FeatureConfig = DEFAULT_FEATURES) -> HandTracks:
    origin, scale = body_frame(seq)
    aspect = np.array([seq.aspect, 1.0], np.float32)
    n = len(seq)
    fps = _fps(seq)
    max_gap = max(0, round(config.max_gap_s * fps))
    position = np.zeros((n, 2, 2), np.float32)
    shape = np.zeros((n, 2, 20, 2), np.float32)
    present = np.zeros((n, 2), np.bool_)
    for h, (points, flag, pose_wrist) in enumerate(
        (
            (seq.left_hand, seq.present[:, 1], LEFT_WRIST),
            (seq.right_hand, seq.present[:, 2], RIGHT_WRIST),
        )
    ):
        xy = points[:, :, :2] * aspect
        wrist = xy[:, 0]
        size = np.linalg.norm(xy[:, 9] - xy[:, 0], axis=1)
        ok = flag & (size > 1e-4)
        pos = (wrist - origin) / scale[:, None]
        shp = (xy[:, 1:] - wrist[:, None]) / np.maximum(size, 1e-4)[:, None, None]
        filled = _fill_gaps(ok, max_gap)
        pos = _interpolate(pos, ok, filled)
        shp = _interpolate(shp.reshape(n, -1), ok, filled).reshape(n, 20, 2)
        fallback = (seq.pose[:, pose_wrist, :2] * aspect - origin) / scale[:, None]
        fallback[:, 1] = np.clip(fallback[:, 1], -3.0, 2.0)
        position[:, h] = np.where(filled[:, None], pos, fallback)
        shape[:, h] = np.where(filled[:, None, None], shp, 0.0)
        present[:, h] = filled
    return HandTracks(position=position, shape=shape, present=present, t=seq.t)


def sequence_features(seq: LandmarkSequence, config: FeatureConfig = DEFAULT_FEATURES) -> Array:
    """(T, FEATURE_SIZE) weighted feature vectors."""
    tracks = hand_tracks(seq, config)
    velocity = wrist_velocity(tracks, config.smooth_frames)
    n = len(seq)
    blocks = []
    for h in range(2):
        blocks += [
            config.position_weight * tracks.position[:, h],
            config.shape_weight / np.sqrt(20.0) * tracks.shape[:, h].reshape(n, 40),
            config.velocity_weight * velocity[:, h],
            config.presence_weight * tracks.present[:, h, None].astype(np.float32),
        ]
    out: Array = np.concatenate(blocks, axis=1).astype(np.float32)
    return out


def wrist_velocity(tracks: HandTracks, smooth_frames: int = 3) -> Array:
    """(T, 2, 2) wrist velocity in shoulder widths per second, lightly smoothed."""
    n = tracks.position.shape[0]
    if n < 2:
        return np.zeros_like(tracks.position)
    dt = np.gradient(tracks.t.astype(np.float64))
    dt = np.where(dt > 1e-6, dt, 1 / 30)
    vel = np.gradient(tracks.position.astype(np.float64), axis=0) / dt[:, None, None]
    if smooth_frames > 1 and n >= smooth_frames:
        kernel = np.ones(smooth_frames) / smooth_frames
        vel = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), 0, vel)
    out: Array = vel.astype(np.float32)
    return out


def resample(features: Array, length: int) -> Array:
    """Linear interpolation of (T, D) to (length, D) along time."""
    n = features.shape[0]
    if n == length:
        return features
    if n == 1:
        return np.repeat(features, length, axis=0)
    src = np.linspace(0.0, n - 1.0, length)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    w = (src - lo)[:, None].astype(np.float32)
    out: Array = features[lo] * (1 - w) + features[hi] * w
    return out


def _fps(seq: LandmarkSequence) -> float:
    if len(seq) < 2 or seq.duration_s <= 0:
        return 30.0
    return (len(seq) - 1) / seq.duration_s


def _nearest_valid_index(valid: NDArray[np.bool_]) -> NDArray[np.intp]:
    """For each frame, the index of the nearest valid frame (valid must have at least one True)."""
    idx = np.flatnonzero(valid)
    positions = np.arange(valid.shape[0])
    right = np.clip(np.searchsorted(idx, positions), 0, len(idx) - 1)
    left = np.clip(right - 1, 0, len(idx) - 1)
    pick_left = np.abs(idx[left] - positions) <= np.abs(idx[right] - positions)
    return np.where(pick_left, idx[left], idx[right])


def _fill_gaps(ok: NDArray[np.bool_], max_gap: int) -> NDArray[np.bool_]:
    """Frames that are seen, or inside/at the edge of a gap of at most `max_gap` frames."""
    filled = ok.copy()
    n = ok.shape[0]
    if max_gap <= 0 or not ok.any():
        return filled
    i = 0
    while i < n:
        if ok[i]:
            i += 1
            continue
        j = i
        while j < n and not ok[j]:
            j += 1
        if j - i <= max_gap:
            filled[i:j] = True
        i = j
    return filled


def _interpolate(
    values: NDArray[np.float32], ok: NDArray[np.bool_], filled: NDArray[np.bool_]
) -> NDArray[np.float32]:
    """Values at `filled & ~ok` frames, linearly interpolated (or held) from the seen frames."""
    out = values.copy()
    need = filled & ~ok
    if not need.any() or not ok.any():
        return out
    seen = np.flatnonzero(ok)
    for i in np.flatnonzero(need):
        k = np.searchsorted(seen, i)
        if k == 0:
            out[i] = values[seen[0]]
        elif k == len(seen):
            out[i] = values[seen[-1]]
        else:
            a, b = seen[k - 1], seen[k]
            w = (i - a) / (b - a)
            out[i] = values[a] * (1 - w) + values[b] * w
    return out

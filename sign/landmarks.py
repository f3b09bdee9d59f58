"""Per-frame body landmarks and sequences of them, in one fixed convention.

Coordinates are MediaPipe's: x and y normalised to the analysed image (0..1, y down), z relative
depth.
`aspect` (width / height of that image) is kept so that features can work in square units.

Handedness: `left_hand` is the signer's own left hand, as MediaPipe Holistic's legacy solution
labels it
on the un-mirrored camera image (in the picture it appears on the right). Frames are never mirrored.
The MSL-150 keypoint layout (226 values: pose 25×4, left hand 21×3, right hand 21×3) uses the same
order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

POSE_POINTS = 25  # MediaPipe pose landmarks 0..24: face, arms and hips (the legs are never needed)
HAND_POINTS = 21
# A few face-mesh points: forehead, nose tip, chin, outer eye corners, mouth corners.
FACE_MESH_IDS = (10, 1, 152, 33, 263, 61, 291)
FACE_POINTS = len(FACE_MESH_IDS)
MSL_VECTOR_SIZE = POSE_POINTS * 4 + 2 * HAND_POINTS * 3  # 226

# pose landmark indices used elsewhere
NOSE, LEFT_SHOULDER, RIGHT_SHOULDER = 0, 11, 12
LEFT_ELBOW, RIGHT_ELBOW, LEFT_WRIST, RIGHT_WRIST = 13, 14, 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24

Array = NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class Landmarks:
    """What MediaPipe found in one frame. Absent parts are zero-filled with their flag False."""

    t: float  # seconds since the source started
    pose: Array  # (25, 4): x, y, z, visibility
    left_hand: Array  # (21, 3)
    right_hand: Array  # (21, 3)
    face: Array  # (7, 3), FACE_MESH_IDS
    has_pose: bool
    has_left: bool
    has_right: bool
    has_face: bool
    aspect: float  # width / height of the analysed image

    @property
    def has_hands(self) -> bool:
        return self.has_left or self.has_right

    @classmethod
    def empty(cls, t: float, aspect: float) -> Landmarks:
        return cls(
            t=t,
            pose=np.zeros((POSE_POINTS, 4), np.float32),
            left_hand=np.zeros((HAND_POINTS, 3), np.float32),
            right_hand=np.zeros((HAND_POINTS, 3), np.float32),
            face=np.zeros((FACE_POINTS, 3), np.float32),
            has_pose=False,
            has_left=False,
            has_right=False,
            has_face=False,
            aspect=aspect,
        )


@dataclass(frozen=True, eq=False)
class LandmarkSequence:
    """A run of frames as stacked arrays: what a take stores (landmarks, never pictures)."""

    t: Array  # (T,)
    pose: Array  # (T, 25, 4)
    left_hand: Array  # (T, 21, 3)
    right_hand: Array  # (T, 21, 3)
    face: Array  # (T, 7, 3)
    present: NDArray[np.bool_]  # (T, 4): pose, left hand, right hand, face
    aspect: float

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def duration_s(self) -> float:
        return float(self.t[-1] - self.t[0]) if len(self) > 1 else 0.0

    @classmethod
    def from_frames(cls, frames: Sequence[Landmarks]) -> LandmarkSequence:
        if not frames:
            raise ValueError("a landmark sequence needs at least one frame")
        return cls(
            t=np.array([f.t for f in frames], np.float32),
            pose=np.stack([f.pose for f in frames]).astype(np.float32),
            left_hand=np.stack([f.left_hand for f in frames]).astype(np.float32),
            right_hand=np.stack([f.right_hand for f in frames]).astype(np.float32),
            face=np.stack([f.face for f in frames]).astype(np.float32),
            present=np.array(
                [[f.has_pose, f.has_left, f.has_right, f.has_face] for f in frames], np.bool_
            ),
            aspect=float(frames[0].aspect),
        )

    @classmethod
    def from_msl_vectors(
        cls, vectors: NDArray[np.floating[Any]], fps: float = 30.0, aspect: float = 16 / 9
    ) -> LandmarkSequence:
        """MSL-150 keypoints, (T, 226): pose 25×4, left hand 21×3, right hand 21×3, zeros when
        absent.

        The dataset was recorded in 16:9 (1080p/720p), hence the default aspect.
        """
        v = np.asarray(vectors, np.float32)
        if v.ndim != 2 or v.shape[1] != MSL_VECTOR_SIZE or v.shape[0] == 0:
            raise ValueError(f"expected (frames, {MSL_VECTOR_SIZE}) keypoints, got {v.shape}")
        n = v.shape[0]
        pose = v[:, :100].reshape(n, POSE_POINTS, 4)
        left = v[:, 100:163].reshape(n, HAND_POINTS, 3)
        right = v[:, 163:226].reshape(n, HAND_POINTS, 3)
        present = np.stack(
            [
                np.abs(pose).sum((1, 2)) > 0,
                np.abs(left).sum((1, 2)) > 0,
                np.abs(right).sum((1, 2)) > 0,
                np.zeros(n, np.bool_),
            ],
            axis=1,
        )
        return cls(
            t=(np.arange(n, dtype=np.float32) / np.float32(fps)),
            pose=pose.copy(),
            left_hand=left.copy(),
            right_hand=right.copy(),
            face=np.zeros((n, FACE_POINTS, 3), np.float32),
            present=present,
            aspect=float(aspect),
        )

    def to_msl_vectors(self) -> Array:
        """The MSL-150 layout (T, 226), zeros for absent parts."""
        n = len(self)
        pose = np.where(self.present[:, 0, None, None], self.pose, 0).reshape(n, -1)
        left = np.where(self.present[:, 1, None, None], self.left_hand, 0).reshape(n, -1)
        right = np.where(self.present[:, 2, None, None], self.right_hand, 0).reshape(n, -1)
        out: Array = np.concatenate([pose, left, right], axis=1).astype(np.float32)
        return out

    def frames(self) -> list[Landmarks]:
        return [
            Landmarks(
                t=float(self.t[i]),
                pose=self.pose[i],
                left_hand=self.left_hand[i],
                right_hand=self.right_hand[i],
                face=self.face[i],
                has_pose=bool(self.present[i, 0]),
                has_left=bool(self.present[i, 1]),
                has_right=bool(self.present[i, 2]),
                has_face=bool(self.present[i, 3]),
                aspect=self.aspect,
            )
            for i in range(len(self))
        ]

    def slice(self, start: int, stop: int) -> LandmarkSequence:
        return LandmarkSequence(
            t=self.t[start:stop],
            pose=self.pose[start:stop],
            left_hand=self.left_hand[start:stop],
            right_hand=self.right_hand[start:stop],
            face=self.face[start:stop],
            present=self.present[start:stop],
            aspect=self.aspect,
        )

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """For `np.savez`: every field as an array."""
        return {
            "t": self.t,
            "pose": self.pose,
            "left_hand": self.left_hand,
            "right_hand": self.right_hand,
            "face": self.face,
            "present": self.present,
            "aspect": np.array(self.aspect, np.float32),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, NDArray[np.generic]]) -> LandmarkSequence:
        """Inverse of `arrays()`, with shape checks (raises ValueError on anything inconsistent)."""
        try:
            t = np.asarray(arrays["t"], np.float32)
            seq = cls(
                t=t,
                pose=np.asarray(arrays["pose"], np.float32),
                left_hand=np.asarray(arrays["left_hand"], np.float32),
                right_hand=np.asarray(arrays["right_hand"], np.float32),
                face=np.asarray(arrays["face"], np.float32),
                present=np.asarray(arrays["present"], np.bool_),
                aspect=float(np.asarray(arrays["aspect"])),
            )
        except KeyError as exc:
            raise ValueError(f"missing array {exc}") from None
        n = t.shape[0]
        expected = {
            "t": (n,),
            "pose": (n, POSE_POINTS, 4),
            "left_hand": (n, HAND_POINTS, 3),
            "right_hand": (n, HAND_POINTS, 3),
            "face": (n, FACE_POINTS, 3),
            "present": (n, 4),
        }
        for name, shape in expected.items():
            got = getattr(seq, name).shape
            if got != shape:
                raise ValueError(f"array {name} has shape {got}, expected {shape}")
        if n == 0:
            raise ValueError("no frames")
        unusable = seq.non_finite_arrays()
        if unusable:
            raise ValueError(
                f"its {' and '.join(unusable)} landmarks hold values that are not numbers "
                "(NaN or infinity)"
            )
        if not (0.1 < seq.aspect < 10):
            raise ValueError(f"its picture aspect {seq.aspect:.3g} is out of range")
        return seq

    def non_finite_arrays(self) -> list[str]:
        """Names of the arrays holding NaN or infinity: a recogniser can match nothing to them."""
        return [name for name in _NUMBER_ARRAYS if not np.isfinite(getattr(self, name)).all()]


_NUMBER_ARRAYS = ("t", "pose", "left_hand", "right_hand", "face")

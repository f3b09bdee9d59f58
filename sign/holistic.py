"""MediaPipe Holistic (0.10.21, bundled models) as a landmark extractor for BGR frames.

One extractor per video stream: Holistic tracks between frames, so do not share it between cameras
or
threads. Frames wider than `max_width` are scaled down first (1080p costs 3× the time of 640 px and
finds
the same landmarks at counter distance).
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from sign.errors import SignError
from sign.landmarks import FACE_MESH_IDS, FACE_POINTS, HAND_POINTS, POSE_POINTS, Landmarks

MODEL_COMPLEXITY = 1  # 0 and 2 are not bundled with mediapipe 0.10.21 and try to download


class HolisticExtractor:
    """BGR frame in, `Landmarks` out. `static_images=True` for unrelated photos (no tracking)."""

    def __init__(
        self,
        max_width: int = 640,
        static_images: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ start-up chatter
        try:
            from mediapipe.python.solutions import holistic
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise SignError(
                f"MediaPipe is not installed or broken ({exc}); reinstall Changgu "
                "(it needs mediapipe==0.10.21)"
            ) from exc
        self.max_width = max_width
        try:
            self._holistic: Any = holistic.Holistic(
                static_image_mode=static_images,
                model_complexity=MODEL_COMPLEXITY,
                smooth_landmarks=not static_images,
                refine_face_landmarks=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
        except Exception as exc:  # model files missing from a damaged install
            raise SignError(
                f"MediaPipe Holistic could not start ({exc}); reinstall mediapipe==0.10.21"
            ) from exc

    def process(self, frame_bgr: NDArray[np.uint8], t: float) -> Landmarks:
        """Landmarks of one frame (any size; scaled down to `max_width` first)."""
        if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or frame_bgr.size == 0:
            raise ValueError(f"expected an HxWx3 BGR frame, got shape {frame_bgr.shape}")
        image = downscale(frame_bgr, self.max_width)
        h, w = image.shape[:2]
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        result = self._holistic.process(rgb)
        return _to_landmarks(result, t, aspect=w / h)

    def close(self) -> None:
        self._holistic.close()

    def __enter__(self) -> HolisticExtractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def downscale(frame: NDArray[np.uint8], max_width: int) -> NDArray[np.uint8]:
    h, w = frame.shape[:2]
    if w <= max_width:
        return frame
    scale = max_width / w
    out = cv2.resize(frame, (max_width, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return np.asarray(out, np.uint8)


def _points(landmark_list: Any, ids: range | tuple[int, ...], with_visibility: bool) -> Any:
    marks = landmark_list.landmark
    if with_visibility:
        return np.array([[marks[i].x, marks[i].y, marks[i].z, marks[i].visibility] for i in ids])
    return np.array([[marks[i].x, marks[i].y, marks[i].z] for i in ids])


def _to_landmarks(result: Any, t: float, aspect: float) -> Landmarks:
    empty = Landmarks.empty(t, aspect)
    pose, left, right, face = empty.pose, empty.left_hand, empty.right_hand, empty.face
    if result.pose_landmarks is not None:
        pose = _points(result.pose_landmarks, range(POSE_POINTS), True).astype(np.float32)
    if result.left_hand_landmarks is not None:
        left = _points(result.left_hand_landmarks, range(HAND_POINTS), False).astype(np.float32)
    if result.right_hand_landmarks is not None:
        right = _points(result.right_hand_landmarks, range(HAND_POINTS), False).astype(np.float32)
    if result.face_landmarks is not None:
        face = _points(result.face_landmarks, FACE_MESH_IDS, False).astype(np.float32)
    assert face.shape == (FACE_POINTS, 3)
    return Landmarks(
        t=t,
        pose=pose,
        left_hand=left,
        right_hand=right,
        face=face,
        has_pose=result.pose_landmarks is not None,
        has_left=result.left_hand_landmarks is not None,
        has_right=result.right_hand_landmarks is not None,
        has_face=result.face_landmarks is not None,
        aspect=aspect,
    )

"""Landmarks drawn over a BGR frame with OpenCV (staff live view, enrolment review)."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from sign.landmarks import Landmarks

# upper-body pose connections among landmarks 0..24
POSE_EDGES = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10),
)  # fmt: skip
HAND_EDGES = (
    (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10), (10, 11),
    (11, 12), (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (17, 18), (18, 19), (19, 20),
    (0, 17),
)  # fmt: skip
POSE_COLOUR = (200, 200, 200)
LEFT_COLOUR = (60, 180, 255)  # the signer's left hand: orange
RIGHT_COLOUR = (255, 160, 60)  # the signer's right hand: blue
FACE_COLOUR = (120, 220, 120)


def draw_landmarks(
    image: NDArray[np.uint8], landmarks: Landmarks, copy: bool = True
) -> NDArray[np.uint8]:
    """The frame with pose, hands and face points drawn (any size: coordinates are relative)."""
    out = image.copy() if copy else image
    h, w = out.shape[:2]
    thick = max(1, round(w / 320))

    def px(x: float, y: float) -> tuple[int, int]:
        return round(x * w), round(y * h)

    if landmarks.has_pose:
        visible = landmarks.pose[:, 3] > 0.5
        for a, b in POSE_EDGES:
            if visible[a] and visible[b]:
                pa, pb = landmarks.pose[a], landmarks.pose[b]
                cv2.line(out, px(pa[0], pa[1]), px(pb[0], pb[1]), POSE_COLOUR, thick, cv2.LINE_AA)
    for seen, points, colour in (
        (landmarks.has_left, landmarks.left_hand, LEFT_COLOUR),
        (landmarks.has_right, landmarks.right_hand, RIGHT_COLOUR),
    ):
        if not seen:
            continue
        for a, b in HAND_EDGES:
            cv2.line(
                out, px(points[a, 0], points[a, 1]), px(points[b, 0], points[b, 1]), colour,
                thick, cv2.LINE_AA,
            )  # fmt: skip
        for x, y, _ in points:
            cv2.circle(out, px(x, y), thick + 1, colour, -1, cv2.LINE_AA)
    if landmarks.has_face:
        for x, y, _ in landmarks.face:
            cv2.circle(out, px(x, y), thick + 1, FACE_COLOUR, -1, cv2.LINE_AA)
    return out

"""Fixtures on the real signer data in ../shared/sign (MSL-150 and SILFA, both MIT)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sign.holistic import HolisticExtractor
from sign.landmarks import Landmarks, LandmarkSequence
from sign.msl import MslSequence, demo_vocabulary, load_sample
from sign.pipeline import landmarks_of_video
from sign.vocabulary import SignVocabulary

MSL_SIGNS = ("ambulancia", "doctor", "dolor", "hoy", "yo")


@pytest.fixture(scope="session")
def msl_root(shared_dir: Path) -> Path:
    root = shared_dir / "sign" / "msl150"
    if not root.is_dir():
        pytest.skip(f"MSL-150 demo subset not found at {root}")
    return root


@pytest.fixture(scope="session")
def silfa_root(shared_dir: Path) -> Path:
    root = shared_dir / "sign" / "silfa" / "images"
    if not root.is_dir():
        pytest.skip(f"SILFA images not found at {root}")
    return root


@pytest.fixture(scope="session")
def msl_sequences(msl_root: Path) -> list[MslSequence]:
    return load_sample(msl_root)


DEMO_TAKES = 8  # takes per sign in the bundled demo pack (assets/sign/msl-demo.signpack)


@pytest.fixture(scope="session")
def msl_vocabulary(msl_sequences: list[MslSequence]) -> SignVocabulary:
    """The bundled demo pack's composition: the first 8 usable MSL-150 keypoint sequences of each
    sign as takes (the dataset's own extraction)."""
    return demo_vocabulary(msl_sequences, DEMO_TAKES)


@pytest.fixture(scope="session")
def video_landmarks(msl_root: Path) -> dict[str, LandmarkSequence]:
    """Our MediaPipe pipeline on the five original MSL videos (downscaled to 640 px)."""
    return {
        sign: landmarks_of_video(msl_root / "original_source" / f"{sign}_001.mp4")
        for sign in MSL_SIGNS
    }


@pytest.fixture(scope="session")
def silfa_landmarks(silfa_root: Path) -> dict[str, list[Landmarks]]:
    """Holistic on every SILFA photo (static mode), by letter."""
    import cv2

    out: dict[str, list[Landmarks]] = {}
    with HolisticExtractor(static_images=True, max_width=852) as extractor:
        for letter_dir in sorted(silfa_root.iterdir()):
            for photo in sorted(letter_dir.glob("*.jpg")):
                image = cv2.imread(str(photo))
                assert image is not None, photo
                out.setdefault(letter_dir.name, []).append(extractor.process(image, 0.0))
    return out


def held(frame: Landmarks, seconds: float = 1.5, fps: float = 30.0) -> LandmarkSequence:
    """A photo's landmarks held still for `seconds`, with 0.2 % jitter like a live tracker's."""
    rng = np.random.default_rng(0)
    frames = []
    for i in range(int(seconds * fps)):
        frames.append(
            Landmarks(
                t=i / fps,
                pose=frame.pose + rng.normal(0, 0.002, frame.pose.shape).astype(np.float32),
                left_hand=frame.left_hand
                + rng.normal(0, 0.002, frame.left_hand.shape).astype(np.float32),
                right_hand=frame.right_hand
                + rng.normal(0, 0.002, frame.right_hand.shape).astype(np.float32),
                face=frame.face,
                has_pose=frame.has_pose,
                has_left=frame.has_left,
                has_right=frame.has_right,
                has_face=frame.has_face,
                aspect=frame.aspect,
            )
        )
    return LandmarkSequence.from_frames(frames)

"""The MSL-150 demo subset (Mexican Sign Language, MIT): reading its keypoints, and the demo
vocabulary.

MSL-150 by Armando de Jesús Becerril Carrillo, https://doi.org/10.5281/zenodo.17783312 (MIT).
These are Mexican signs with Korean glosses for demonstration — not Korean Sign Language.

`sample_npy/<sign>/<sequence>/<frame>.npy` holds 30 frames of 226 values per sequence. The sequences
of
one sign are augmentations of one recording (their pairwise DTW distances sit at the noise floor,
see
bench/sign.py), so any honest split keeps all of a sign's sequences on one side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sign.errors import SignError
from sign.events import ResultKind
from sign.landmarks import LandmarkSequence
from sign.vocabulary import Gloss, SignVocabulary

MSL_FPS = 30.0
MSL_ASPECT = 16 / 9  # recorded in 16:9

# MSL sign → (gloss id, Korean text, phrasebook id)
DEMO_GLOSSES: dict[str, tuple[str, str, str | None]] = {
    "ambulancia": ("구급차", "구급차", None),
    "doctor": ("의사", "의사", None),
    "dolor": ("아프다", "아파요 (통증)", "emer.sick"),
    "hoy": ("오늘", "오늘", None),
    "yo": ("나", "나 (저)", None),
}
ATTRIBUTION = (
    "Demo takes from MSL-150: Mexican Sign Language (MSL) Keypoint Dataset for Domain-Specific "
    "Vocabulary, Armando de Jesús Becerril Carrillo (2025), "
    "https://doi.org/10.5281/zenodo.17783312, MIT licence. Mexican signs with Korean glosses, "
    "for demonstration only: not Korean Sign Language."
)


@dataclass(frozen=True, eq=False)
class MslSequence:
    sign: str  # MSL name, e.g. "hoy"
    sequence: str  # folder name under sample_npy/<sign>/
    landmarks: LandmarkSequence


def load_sample(root: str | Path) -> list[MslSequence]:
    """Every sequence under `root`/sample_npy (root is the msl150 folder)."""
    base = Path(root) / "sample_npy"
    if not base.is_dir():
        raise SignError(f"{base} not found: point to the msl150 folder of the MSL-150 demo subset")
    out = []
    for sign_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for seq_dir in sorted((p for p in sign_dir.iterdir() if p.is_dir()), key=_numeric):
            frames = sorted(seq_dir.glob("*.npy"), key=_numeric)
            if not frames:
                continue
            vectors = np.stack([np.load(f, allow_pickle=False) for f in frames])
            out.append(
                MslSequence(
                    sign=sign_dir.name,
                    sequence=seq_dir.name,
                    landmarks=LandmarkSequence.from_msl_vectors(vectors, MSL_FPS, MSL_ASPECT),
                )
            )
    return out


def hands_seen(seq: LandmarkSequence) -> float:
    """Fraction of frames in which at least one hand was found."""
    return float(seq.present[:, 1:3].any(axis=1).mean())


def demo_vocabulary(
    sequences: list[MslSequence], takes_per_sign: int | None = None, min_hands_seen: float = 0.5
) -> SignVocabulary:
    """The demo vocabulary from MSL sequences (skipping ones whose hands were mostly lost)."""
    vocab = SignVocabulary(
        name="msl-demo",
        description=(
            "Demo: five Mexican Sign Language signs (MSL-150) with Korean glosses. Not KSL."
        ),
        language="MSL (Mexican Sign Language) - demo only",
        attribution=ATTRIBUTION,
        license="MIT",
    )
    for sign, (gloss_id, text, phrase) in DEMO_GLOSSES.items():
        vocab.add_gloss(Gloss(gloss_id, text, phrase, ResultKind.SIGN))
        chosen = [
            s for s in sequences if s.sign == sign and hands_seen(s.landmarks) >= min_hands_seen
        ]
        for s in chosen[:takes_per_sign]:
            vocab.add_take(
                gloss_id, "msl150-signer", s.landmarks, f"MSL-150 sample_npy/{sign}/{s.sequence}"
            )
    return vocab


def gloss_for(sign: str) -> str:
    return DEMO_GLOSSES[sign][0]


def _numeric(path: Path) -> tuple[int, str]:
    stem = path.stem if path.is_file() else path.name
    return (int(stem), "") if stem.isdigit() else (1 << 30, stem)

"""The MSL-150 demo subset (Mexican Sign Language, MIT): reading its keypoints, the demo
vocabulary, and the open-set dev check built from real landmarks (`non_sign_items`).

MSL-150 by Armando de Jesús Becerril Carrillo, https://doi.org/10.5281/zenodo.17783312 (MIT).
These are Mexican signs with Korean glosses for demonstration — not Korean Sign Language.

`sample_npy/<sign>/<sequence>/<frame>.npy` holds 30 frames of 226 values per sequence. The
sequences of one sign are augmentations of one recording (their pairwise DTW distances sit at the
noise floor, see bench/sign.py), so any honest split keeps all of a sign's sequences on one side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sign.errors import SignError
from sign.events import ResultKind
from sign.files import NotAFileError, open_file
from sign.landmarks import (
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_WRIST,
    NOSE,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
    Landmarks,
    LandmarkSequence,
)
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
            vectors = np.stack([_load_keypoints(f) for f in frames])
            out.append(
                MslSequence(
                    sign=sign_dir.name,
                    sequence=seq_dir.name,
                    landmarks=LandmarkSequence.from_msl_vectors(vectors, MSL_FPS, MSL_ASPECT),
                )
            )
    return out


def held(
    frame: Landmarks, seconds: float = 1.5, rng: np.random.Generator | None = None
) -> LandmarkSequence:
    """A photo's landmarks held still for `seconds` at 30 fps, with 0.2 % jitter like a live
    tracker's (`rng` defaults to a fixed seed, so the same photo gives the same hold)."""
    rng = np.random.default_rng(0) if rng is None else rng

    def jitter(a: Array) -> Array:
        return (a + rng.normal(0.0, 0.002, a.shape)).astype(np.float32)

    frames = [
        Landmarks(
            t=i / _FPS,
            pose=jitter(frame.pose),
            left_hand=jitter(frame.left_hand),
            right_hand=jitter(frame.right_hand),
            face=frame.face,
            has_pose=frame.has_pose,
            has_left=frame.has_left,
            has_right=frame.has_right,
            has_face=frame.has_face,
            aspect=frame.aspect,
        )
        for i in range(int(seconds * _FPS))
    ]
    return LandmarkSequence.from_frames(frames)


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


# --- the open-set dev check -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OpenSetItem:
    """A landmark stream (on its own clock, ending with the hands out of view) that is NOT a sign
    of the vocabulary it is tested against, or, for `performances`, a new performance of one."""

    kind: str  # "presented", "drift", "spelled", "scratch", "beats", "resting", "splice", …
    name: str  # e.g. "splice hoy+yo"
    source: str  # the real sign it was built from ("" when built from photos or shapes only)
    landmarks: LandmarkSequence


NON_SIGN_KINDS = (
    "held",  # a fingerspelling photo's hand held still (1.5 s, tracker jitter)
    "presented",  # the same hand raised into view (0.4 s) and held
    "drift",  # the same hand drifting slowly about its place
    "spelled",  # three letters in a row, the hand stepping sideways between them
    "scratch",  # a real hand shape brought to the face and rubbed there
    "beats",  # talking gestures: one or both hands beating in front of the chest
    "resting",  # a hand at the bottom of the signing space wandering about
    "wave",  # waving hello or goodbye beside the head
    "point",  # pointing (with a real pointing hand shape) to the side, at staff, at the counter
    "splice",  # first half of one real sign + second half of another, joined where they meet
    "reshaped",  # a real sign's path and timing with a fingerspelling hand shape instead
    "reversed",  # a real sign played backwards (reported apart: some signs are near palindromes)
)


def non_sign_items(
    videos: dict[str, LandmarkSequence], photos: dict[str, list[Landmarks]], seed: int = 0
) -> list[OpenSetItem]:
    """Movement that is not a sign, built from real landmarks.

    `videos`: MSL sign name → our MediaPipe extraction of its video (one right hand each);
    `photos`: letter → SILFA photo landmarks. Positions are placed in the body frame of a real pose
    (origin between the shoulders, one shoulder width as the unit), at 30 fps.
    """
    rng = np.random.default_rng(seed)
    shapes = _photo_shapes(photos)
    body = next(iter(videos.values())).frames()[0]
    items: list[OpenSetItem] = []
    for name, (photo, hand, shape) in shapes.items():
        pos = _wrist_in_body(photo, hand)
        items.append(
            OpenSetItem("held", f"held {name}", "", _with_empty_tail(held(photo, rng=rng)))
        )
        path = _path([(pos + _up(0.8), 0.0), (pos, 0.4), (pos, 1.2)])
        items.append(
            OpenSetItem(
                "presented", f"presented {name}", "", _place(photo, {hand: (shape, path)}, rng)
            )
        )
        drift = pos + _smooth_walk(rng, 1.8, 0.35)
        items.append(
            OpenSetItem("drift", f"drift {name}", "", _place(photo, {hand: (shape, drift)}, rng))
        )
    letters = sorted({n.split()[0] for n in shapes})
    for i in range(len(letters)):
        word = [letters[(i + k) % len(letters)] for k in range(3)]
        seq = _spelled(body, shapes, word, rng)
        items.append(OpenSetItem("spelled", "spelled " + "".join(word), "", seq))
    hand_shapes = _video_hand_shapes(videos)
    for k in range(6):
        shape = hand_shapes[int(rng.integers(len(hand_shapes)))]
        items.append(OpenSetItem("scratch", f"scratch {k}", "", _scratch(body, shape, rng)))
        items.append(
            OpenSetItem("beats", f"beats {k}", "", _beats(body, hand_shapes, rng, both=k % 2 == 1))
        )
        items.append(OpenSetItem("resting", f"resting {k}", "", _resting(body, shape, rng)))
    signs = sorted(videos)
    for a in signs:
        for b in signs:
            if a != b:
                seq = _splice(videos[a], videos[b])
                items.append(OpenSetItem("splice", f"splice {a}+{b}", a, seq))
    letter_shapes = [(n, s) for n, (_, _, s) in shapes.items() if n.endswith(" 0")]
    for a in signs:
        for name, shape in letter_shapes:
            seq = _reshaped(videos[a], shape)
            items.append(OpenSetItem("reshaped", f"reshaped {a} as {name[0]}", a, seq))
        items.append(OpenSetItem("reversed", f"reversed {a}", a, _reversed(videos[a])))
    items += _counter_gestures(videos, shapes, np.random.default_rng(seed + 1))
    return items


def performances(videos: dict[str, LandmarkSequence]) -> list[OpenSetItem]:
    """Each video as it is, and re-performed: slower (×0.8) and faster (×1.25), and signed a fifth
    of a shoulder width higher and lower (synthetic stand-ins for another take of the same sign)."""
    items = []
    for sign, seq in sorted(videos.items()):
        items.append(OpenSetItem("video", f"{sign}", sign, _with_empty_tail(seq)))
        for speed in (0.8, 1.25):
            items.append(
                OpenSetItem("tempo", f"{sign} ×{speed}", sign, _with_empty_tail(_tempo(seq, speed)))
            )
        for dy in (-0.2, 0.2):
            items.append(
                OpenSetItem(
                    "shifted", f"{sign} {dy:+.1f} sw", sign, _with_empty_tail(_shifted(seq, dy))
                )
            )
    return items


Array = NDArray[np.float32]
_FPS = 30.0
_HAND_TO_SHOULDERS = 0.29  # wrist→middle knuckle / shoulder width, median of the MSL videos


def _frame_geometry(frame: Landmarks) -> tuple[Array, float, Array]:
    """Shoulder-centre origin, shoulder width (square units) and the aspect vector of a frame."""
    aspect = np.array([frame.aspect, 1.0], np.float32)
    shoulders = frame.pose[[LEFT_SHOULDER, RIGHT_SHOULDER], :2] * aspect
    origin: Array = shoulders.mean(axis=0)
    return origin, float(np.linalg.norm(shoulders[0] - shoulders[1])), aspect


def _photo_shapes(photos: dict[str, list[Landmarks]]) -> dict[str, tuple[Landmarks, int, Array]]:
    """ "<letter> <i>" → (photo, hand 0 left / 1 right, hand points relative to the wrist)."""
    out = {}
    for letter, frames in sorted(photos.items()):
        for i, frame in enumerate(frames):
            hand = 1 if frame.has_right else 0 if frame.has_left else None
            if not frame.has_pose or hand is None:
                continue
            points = frame.right_hand if hand == 1 else frame.left_hand
            out[f"{letter} {i}"] = (frame, hand, (points - points[0]).astype(np.float32))
    return out


def _video_hand_shapes(videos: dict[str, LandmarkSequence]) -> list[Array]:
    """Every sixth right-hand shape of the videos, relative to the wrist."""
    return [
        (seq.right_hand[i] - seq.right_hand[i, 0]).astype(np.float32)
        for seq in videos.values()
        for i in range(0, len(seq), 6)
        if seq.present[i, 2]
    ]


def _wrist_in_body(frame: Landmarks, hand: int) -> Array:
    origin, scale, aspect = _frame_geometry(frame)
    points = frame.right_hand if hand == 1 else frame.left_hand
    out: Array = ((points[0, :2] * aspect - origin) / scale).astype(np.float32)
    return out


def _up(dy: float) -> Array:
    """An offset of `dy` shoulder widths down the body (image y grows downwards)."""
    return np.array([0.0, dy], np.float32)


def _path(keys: list[tuple[Array | tuple[float, float], float]]) -> Array:
    """Wrist positions (body units) at 30 fps, linear between (position, time) key points."""
    times = np.array([t for _, t in keys])
    points = np.array([np.asarray(p, np.float32) for p, _ in keys])
    t = np.arange(0.0, times[-1] + 1e-9, 1 / _FPS)
    out: Array = np.stack([np.interp(t, times, points[:, k]) for k in range(2)], axis=1).astype(
        np.float32
    )
    return out


def _smooth_walk(rng: np.random.Generator, seconds: float, speed: float) -> Array:
    """A smooth random path from 0 moving at about `speed` body units per second."""
    steps = rng.normal(0.0, 1.0, (int(seconds * _FPS), 2))
    kernel = np.ones(9) / 9
    steps = np.stack([np.convolve(steps[:, k], kernel, mode="same") for k in range(2)], axis=1)
    steps *= speed / _FPS / max(float(np.linalg.norm(steps, axis=1).mean()), 1e-6)
    walk = np.cumsum(steps, axis=0)
    out: Array = (walk - walk[0]).astype(np.float32)
    return out


def _place(
    frame: Landmarks,
    hands: dict[int, tuple[Array | list[Array], Array]],
    rng: np.random.Generator,
    jitter: float = 0.002,
) -> LandmarkSequence:
    """`frame`'s body with hands placed: index → (shape, or one per frame; wrist path)."""
    origin, scale, aspect = _frame_geometry(frame)
    n = max(len(path) for _, path in hands.values())
    zero = np.zeros((21, 3), np.float32)
    out = []
    for i in range(n):
        pose = frame.pose.copy()
        pose[[LEFT_WRIST, RIGHT_WRIST], 1] = pose[[LEFT_HIP, RIGHT_HIP], 1]  # unplaced: at rest
        placed: dict[int, Array] = {}
        for h, (shape, path) in hands.items():
            s = shape[min(i, len(shape) - 1)] if isinstance(shape, list) else shape
            wrist = (origin + scale * path[min(i, len(path) - 1)]) / aspect
            points = s.copy()
            size = max(float(np.linalg.norm(s[9, :2] * aspect)), 1e-4)
            points[:, :2] = s[:, :2] * (scale * _HAND_TO_SHOULDERS / size) + wrist
            points += rng.normal(0.0, jitter, points.shape).astype(np.float32)
            placed[h] = points.astype(np.float32)
            pose[LEFT_WRIST if h == 0 else RIGHT_WRIST, :2] = points[0, :2]
        pose[:, :3] += rng.normal(0.0, jitter, (pose.shape[0], 3)).astype(np.float32)
        out.append(
            Landmarks(
                t=i / _FPS,
                pose=pose,
                left_hand=placed.get(0, zero),
                right_hand=placed.get(1, zero),
                face=frame.face,
                has_pose=True,
                has_left=0 in placed,
                has_right=1 in placed,
                has_face=frame.has_face,
                aspect=frame.aspect,
            )
        )
    return _with_empty_tail(LandmarkSequence.from_frames(out))


def _spelled(
    body: Landmarks,
    shapes: dict[str, tuple[Landmarks, int, Array]],
    word: list[str],
    rng: np.random.Generator,
) -> LandmarkSequence:
    """Letters one after another (0.5 s each) with the right hand, stepping sideways."""
    fallback = next(iter(shapes.values()))[2]
    letters = [
        next((s for n, (_, _, s) in shapes.items() if n.split()[0] == letter), fallback)
        for letter in word
    ]
    start = np.array([-0.6, 0.3], np.float32)
    keys: list[tuple[Array | tuple[float, float], float]] = [(start + _up(0.7), 0.0)]
    for k in range(len(letters)):
        at = start + np.array([0.08 * k, 0.0], np.float32)
        keys += [(at, 0.3 + 0.5 * k), (at, 0.65 + 0.5 * k)]
    path = _path(keys)
    per_frame = [
        letters[min(max(0, int((i / _FPS - 0.3) // 0.5)), len(letters) - 1)]
        for i in range(len(path))
    ]
    return _place(body, {1: (per_frame, path)}, rng)


def _scratch(body: Landmarks, shape: Array, rng: np.random.Generator) -> LandmarkSequence:
    origin, scale, aspect = _frame_geometry(body)
    nose = (body.pose[NOSE, :2] * aspect - origin) / scale
    target = nose + np.array([rng.uniform(-0.5, 0.0), rng.uniform(0.2, 0.5)], np.float32)
    rest = target + np.array([0.0, 1.2], np.float32)
    t = np.arange(int(rng.uniform(0.8, 1.5) * _FPS)) / _FPS
    freq, amp = rng.uniform(3.0, 5.0), rng.uniform(0.03, 0.08)
    wobble = np.stack([np.sin(2 * np.pi * freq * t), 0.5 * np.cos(2 * np.pi * freq * t)], 1)
    path = np.concatenate(
        [
            _path([(rest, 0.0), (target, 0.5)]),
            target + amp * wobble,
            _path([(target, 0.0), (rest, 0.4)]),
        ]
    ).astype(np.float32)
    return _place(body, {1: (shape, path)}, rng)


def _beats(
    body: Landmarks, hand_shapes: list[Array], rng: np.random.Generator, both: bool
) -> LandmarkSequence:
    hands: dict[int, tuple[Array | list[Array], Array]] = {}
    t = np.arange(int(rng.uniform(1.5, 3.0) * _FPS)) / _FPS
    for h in (0, 1) if both else (1,):
        centre = np.array([0.4 if h == 0 else -0.4, 0.6], np.float32) + rng.normal(0, 0.1, 2)
        freq, amp = rng.uniform(1.5, 3.0), rng.uniform(0.1, 0.25)
        beat = np.stack(
            [np.cumsum(rng.normal(0, 0.01, len(t))), -amp * np.abs(np.sin(np.pi * freq * t))], 1
        )
        path = (centre + beat).astype(np.float32)
        shape = hand_shapes[int(rng.integers(len(hand_shapes)))]
        if h == 0:
            shape = shape * np.array([-1.0, 1.0, 1.0], np.float32)  # a left hand: mirror image
        rise = _path([(centre + _up(0.6), 0.0), (path[0], 0.3)])
        hands[h] = (shape, np.concatenate([rise, path]).astype(np.float32))
    return _place(body, hands, rng)


def _counter_gestures(
    videos: dict[str, LandmarkSequence],
    shapes: dict[str, tuple[Landmarks, int, Array]],
    rng: np.random.Generator,
) -> list[OpenSetItem]:
    """Waving (a flat hand) and pointing (the pointing hand of the yo and hoy videos)."""
    body = next(iter(videos.values())).frames()[0]
    origin, scale, aspect = _frame_geometry(body)
    nose = (body.pose[NOSE, :2] * aspect - origin) / scale
    flat = next((s for n, (_, _, s) in shapes.items() if n.startswith("B")), None)
    items = []
    for k in range(4):
        shape = flat if flat is not None else _video_hand_shapes(videos)[k]
        at = nose + np.array([rng.uniform(-0.9, -0.5), rng.uniform(-0.1, 0.3)], np.float32)
        t = np.arange(int(rng.uniform(1.0, 2.0) * _FPS)) / _FPS
        swing = np.stack([0.15 * np.sin(2 * np.pi * rng.uniform(2.0, 3.0) * t), 0 * t], 1)
        rise = _path([(at + _up(1.4), 0.0), (at, 0.5)])
        path = np.concatenate([rise, at + swing, _path([(at, 0.0), (at + _up(1.4), 0.4)])])
        items.append(
            OpenSetItem(
                "wave", f"wave {k}", "", _place(body, {1: (shape, path.astype(np.float32))}, rng)
            )
        )
    pointing = [
        (sign, videos[sign].right_hand[len(videos[sign]) // 2])
        for sign in ("yo", "hoy")
        if sign in videos and videos[sign].present[len(videos[sign]) // 2, 2]
    ]
    targets = {"side": (-1.3, 0.2), "staff": (-0.3, 0.1), "counter": (-0.4, 0.85)}
    for sign, points in pointing:
        shape = (points - points[0]).astype(np.float32)
        for where, target in targets.items():
            at = np.array(target, np.float32) + rng.normal(0, 0.05, 2).astype(np.float32)
            start = np.array([-0.4, 1.3], np.float32)
            path = _path([(start, 0.0), (at, 0.5), (at, 1.1), (start, 1.6)])
            seq = _place(body, {1: (shape, path)}, rng)
            items.append(OpenSetItem("point", f"point {where} ({sign} hand)", "", seq))
    return items


def _resting(body: Landmarks, shape: Array, rng: np.random.Generator) -> LandmarkSequence:
    start = np.array([rng.uniform(-0.6, 0.2), rng.uniform(0.75, 0.95)], np.float32)
    path = start + _smooth_walk(rng, rng.uniform(1.5, 3.0), rng.uniform(0.2, 0.6))
    path[:, 1] = np.clip(path[:, 1], 0.6, 0.99)
    return _place(body, {1: (shape, path)}, rng)


def _splice(a: LandmarkSequence, b: LandmarkSequence) -> LandmarkSequence:
    """First half of `a`, then the second half of `b` moved to continue where `a` stopped."""
    first, second = a.slice(0, len(a) // 2), b.slice(len(b) // 2, len(b))
    offset = np.zeros(3, np.float32)
    if first.present[-1, 2] and second.present[0, 2]:
        offset[:2] = first.right_hand[-1, 0, :2] - second.right_hand[0, 0, :2]
    pose = second.pose.copy()
    pose[:, [LEFT_WRIST, RIGHT_WRIST], :3] += offset
    moved = LandmarkSequence(
        t=second.t,
        pose=pose,
        left_hand=np.where(second.present[:, 1, None, None], second.left_hand + offset, 0.0),
        right_hand=np.where(second.present[:, 2, None, None], second.right_hand + offset, 0.0),
        face=second.face,
        present=second.present,
        aspect=second.aspect,
    )
    return _with_empty_tail(_concat([first, moved]))


def _reshaped(seq: LandmarkSequence, shape: Array) -> LandmarkSequence:
    """`seq`'s own wrists, every present hand drawn with `shape` at the hand's own size."""
    aspect = np.array([seq.aspect, 1.0], np.float32)
    hands = []
    for points, flag, mirror in ((seq.left_hand, 1, -1.0), (seq.right_hand, 2, 1.0)):
        s = shape * np.array([mirror, 1.0, 1.0], np.float32)
        size = np.linalg.norm((points[:, 9, :2] - points[:, 0, :2]) * aspect, axis=1)
        own = max(float(np.linalg.norm(s[9, :2] * aspect)), 1e-4)
        placed = points[:, :1] + s[None] * (size / own)[:, None, None]
        hands.append(np.where(seq.present[:, flag, None, None], placed, 0.0).astype(np.float32))
    return _with_empty_tail(
        LandmarkSequence(seq.t, seq.pose, hands[0], hands[1], seq.face, seq.present, seq.aspect)
    )


def _reversed(seq: LandmarkSequence) -> LandmarkSequence:
    r = slice(None, None, -1)
    return _with_empty_tail(
        LandmarkSequence(
            seq.t,
            seq.pose[r],
            seq.left_hand[r],
            seq.right_hand[r],
            seq.face[r],
            seq.present[r],
            seq.aspect,
        )
    )


def _tempo(seq: LandmarkSequence, speed: float) -> LandmarkSequence:
    """The same frames re-timed: `speed` > 1 is faster (nearest frame at 30 fps)."""
    n = max(2, round(len(seq) / speed))
    idx = np.minimum(np.round(np.arange(n) * speed).astype(int), len(seq) - 1)
    return _concat([_take(seq, idx)])


def _shifted(seq: LandmarkSequence, dy: float) -> LandmarkSequence:
    """Hands (and the pose's wrists) moved `dy` shoulder widths down (negative: up)."""
    _, scale, _ = _frame_geometry(seq.frames()[0])
    offset = np.array([0.0, dy * scale, 0.0], np.float32)
    pose = seq.pose.copy()
    pose[:, [LEFT_WRIST, RIGHT_WRIST], :3] += offset
    return LandmarkSequence(
        t=seq.t,
        pose=pose,
        left_hand=np.where(seq.present[:, 1, None, None], seq.left_hand + offset, 0.0),
        right_hand=np.where(seq.present[:, 2, None, None], seq.right_hand + offset, 0.0),
        face=seq.face,
        present=seq.present,
        aspect=seq.aspect,
    )


def _take(seq: LandmarkSequence, idx: NDArray[np.intp]) -> LandmarkSequence:
    return LandmarkSequence(
        seq.t[idx],
        seq.pose[idx],
        seq.left_hand[idx],
        seq.right_hand[idx],
        seq.face[idx],
        seq.present[idx],
        seq.aspect,
    )


def _concat(parts: list[LandmarkSequence]) -> LandmarkSequence:
    """Parts one after another on one 30 fps clock from 0."""
    n = sum(len(p) for p in parts)
    return LandmarkSequence(
        t=(np.arange(n) / _FPS).astype(np.float32),
        pose=np.concatenate([p.pose for p in parts]).astype(np.float32),
        left_hand=np.concatenate([p.left_hand for p in parts]).astype(np.float32),
        right_hand=np.concatenate([p.right_hand for p in parts]).astype(np.float32),
        face=np.concatenate([p.face for p in parts]).astype(np.float32),
        present=np.concatenate([p.present for p in parts]),
        aspect=parts[0].aspect,
    )


def _with_empty_tail(seq: LandmarkSequence, seconds: float = 0.6) -> LandmarkSequence:
    """The sequence, then the hands lowered out of view (so a segmenter closes by itself)."""
    n = int(seconds * _FPS)
    last = seq.slice(len(seq) - 1, len(seq))
    pose = np.repeat(last.pose, n, axis=0)
    pose[:, [LEFT_WRIST, RIGHT_WRIST], 1] = pose[:, [LEFT_HIP, RIGHT_HIP], 1]
    present = np.repeat(last.present, n, axis=0)
    present[:, 1:3] = False
    empty = np.zeros((n, 21, 3), np.float32)
    tail = LandmarkSequence(
        np.zeros(n, np.float32),
        pose,
        empty,
        empty,
        np.repeat(last.face, n, axis=0),
        present,
        seq.aspect,
    )
    return _concat([seq, tail])


def _load_keypoints(path: Path) -> NDArray[np.floating[Any]]:
    """One frame's keypoints; a pipe or device named like a frame file is refused, not read
    (reading a pipe would wait for a writer forever)."""
    try:
        with open_file(path) as fh:
            vectors: NDArray[np.floating[Any]] = np.load(fh, allow_pickle=False)
    except NotAFileError as exc:
        raise SignError(
            f"{exc}: the MSL-150 folder must hold only .npy keypoint files; "
            "copy the demo subset again"
        ) from None
    return vectors


def _numeric(path: Path) -> tuple[int, str]:
    stem = path.stem if path.is_file() else path.name
    return (int(stem), "") if stem.isdigit() else (1 << 30, stem)

"""Property tests: a sign pack from outside either loads as a sound vocabulary or is refused with
a VocabularyError — never another exception, never a file written outside the store."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sign.errors import VocabularyError
from sign.landmarks import FACE_POINTS, HAND_POINTS, POSE_POINTS
from sign.store import VocabularyStore, demo_vocabulary
from sign.vocabulary import MAX_TAKE_FRAMES, SignVocabulary


@cache
def _demo_members() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        archive = demo_vocabulary().export_archive(Path(tmp) / "demo.signpack")
        with zipfile.ZipFile(archive) as zf:
            # a small pack: the manifest and three takes
            manifest = json.loads(zf.read("vocabulary.json"))
            manifest["takes"] = manifest["takes"][:3]
            members = {t["file"]: zf.read(t["file"]) for t in manifest["takes"]}
    members["vocabulary.json"] = json.dumps(manifest).encode()
    return members


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from([".", "..", "../x", "/etc/passwd", "takes/../../x", "a" * 300]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)

paths_in_manifest = st.sampled_from(
    [
        ("name",),
        ("version",),
        ("format",),
        ("reject_distance",),
        ("glosses",),
        ("glosses", 0),
        ("glosses", 0, "id"),
        ("glosses", 0, "kind"),
        ("takes",),
        ("takes", 0),
        ("takes", 0, "id"),
        ("takes", 0, "file"),
        ("takes", 0, "gloss"),
        ("takes", 1, "sha256"),
        ("takes", 2, "signer"),
    ]
)


def _edit(manifest: object, path: tuple[object, ...], value: object) -> None:
    target = manifest
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]


def _check_loaded(vocab: SignVocabulary) -> None:
    assert vocab.name and not vocab.name.startswith(".") and "/" not in vocab.name
    for take in vocab.takes:
        n = len(take.landmarks)
        assert 1 <= n <= MAX_TAKE_FRAMES
        assert take.landmarks.pose.shape == (n, POSE_POINTS, 4)
        assert take.landmarks.left_hand.shape == (n, HAND_POINTS, 3)
        assert take.landmarks.face.shape == (n, FACE_POINTS, 3)
        assert take.gloss in vocab.glosses
        assert "/" not in take.id and not take.id.startswith(".")


def _import(pack: bytes) -> None:
    """Import into a fresh store; the only files afterwards are inside it."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pack.signpack").write_bytes(pack)
        store = VocabularyStore(root / "data" / "sign")
        try:
            vocab = store.import_archive(root / "pack.signpack")
        except VocabularyError:
            assert not (root / "data").exists()
        else:
            _check_loaded(vocab)
            _check_loaded(store.load(vocab.name))
        outside = [
            p
            for p in root.rglob("*")
            if p.is_file() and p.name != "pack.signpack" and store.folder not in p.parents
        ]
        assert outside == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(paths_in_manifest, json_values), min_size=1, max_size=3))
def test_edited_manifest_loads_soundly_or_is_refused(
    edits: list[tuple[tuple[object, ...], object]],
) -> None:
    members = dict(_demo_members())
    manifest = json.loads(members["vocabulary.json"])
    for path, value in edits:
        try:
            _edit(manifest, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    members["vocabulary.json"] = json.dumps(manifest).encode()
    _import(_zip(members))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_damaged_pack_bytes_are_refused_cleanly(data: st.DataObject) -> None:
    pack = bytearray(_zip(_demo_members()))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(pack) - 1))
        pack[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        pack = pack[: data.draw(st.integers(0, len(pack)))]
    _import(bytes(pack))


shapes = st.tuples(st.integers(0, 400), st.integers(0, 30), st.integers(0, 5))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["t", "pose", "left_hand", "right_hand", "face", "present", "aspect", "x"]),
        st.tuples(shapes, st.sampled_from(["f4", "f8", "i2", "u1", "?", "f2", "c8", "U3"])),
        max_size=8,
    )
)
def test_take_arrays_of_any_shape_and_type_load_soundly_or_are_refused(
    arrays: dict[str, tuple[tuple[int, int, int], str]],
) -> None:
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        **{
            k: np.zeros(shape[: 1 + k.count("_") + 1], dtype)
            for k, (shape, dtype) in arrays.items()
        },
    )
    take = buffer.getvalue()
    members = dict(_demo_members())
    manifest = json.loads(members["vocabulary.json"])
    first = manifest["takes"][0]
    members[first["file"]] = take
    first["sha256"] = hashlib.sha256(take).hexdigest()
    members["vocabulary.json"] = json.dumps(manifest).encode()
    _import(_zip(members))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 120),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12),
    st.floats(0.2, 5.0),
    st.integers(0, 2**32 - 1),
)
def test_any_sound_vocabulary_survives_export_and_import(
    frames: int, gloss: str, aspect: float, seed: int
) -> None:
    from sign.landmarks import LandmarkSequence
    from sign.vocabulary import Gloss

    rng = np.random.default_rng(seed)
    sequence = LandmarkSequence(
        t=np.arange(frames, dtype=np.float32) / 30,
        pose=rng.random((frames, POSE_POINTS, 4), np.float32),
        left_hand=rng.random((frames, HAND_POINTS, 3), np.float32),
        right_hand=rng.random((frames, HAND_POINTS, 3), np.float32),
        face=rng.random((frames, FACE_POINTS, 3), np.float32),
        present=rng.random((frames, 4)) > 0.5,
        aspect=aspect,
    )
    vocab = SignVocabulary(name="office")
    vocab.add_gloss(Gloss(gloss, gloss))
    take = vocab.add_take(gloss, "staff", sequence)
    with tempfile.TemporaryDirectory() as tmp:
        again = SignVocabulary.load_archive(vocab.export_archive(Path(tmp) / "p.signpack"))
    [loaded] = again.takes
    assert loaded.id == take.id and loaded.gloss == gloss
    for name, array in sequence.arrays().items():
        np.testing.assert_array_equal(loaded.landmarks.arrays()[name], array)

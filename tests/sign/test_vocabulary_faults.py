"""Hostile and damaged sign packs, names and files: nothing is written outside the store, no
office data is lost, and every refusal says what to do.

Every pack here starts as the bundled demo pack (real MSL-150 landmarks), so these tests need no
data beyond the repository.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from kiosk.cli import main
from sign.errors import VocabularyError
from sign.store import VocabularyStore, demo_vocabulary
from sign.vocabulary import MAX_DECODED_BYTES, SignVocabulary

if TYPE_CHECKING:
    from .conftest import NamedPipe

pytestmark = pytest.mark.usefixtures("private_data")  # tests/conftest.py


@pytest.fixture
def store(private_data: Path) -> VocabularyStore:
    """A store holding two office vocabularies (real landmarks from the demo pack)."""
    store = VocabularyStore(private_data / "sign")
    for name in ("office", "branch"):
        vocab = demo_vocabulary()
        vocab.name = name
        store.save(vocab)
    return store


def _pack(tmp_path: Path, edit_manifest=None, extra: dict[str, bytes] | None = None) -> Path:
    """The demo pack re-zipped with its manifest edited and members added."""
    source = demo_vocabulary().export_archive(tmp_path / "source.signpack")
    out = tmp_path / "hostile.signpack"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        manifest = json.loads(src.read("vocabulary.json"))
        if edit_manifest:
            edit_manifest(manifest)
        for info in src.infolist():
            if info.filename != "vocabulary.json" and info.filename not in (extra or {}):
                dst.writestr(info.filename, src.read(info))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
        dst.writestr("vocabulary.json", json.dumps(manifest))
    return out


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [".", "..", "", ".hidden", "a/b", "../office", "office\n"])
def test_vocabulary_named_dot_cannot_replace_the_store(
    store: VocabularyStore, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(store.root)
    video = Path(__file__).resolve().parents[2] / "assets" / "demo" / "msl_ambulancia_001.mp4"
    assert main(["sign", "enroll", "--vocab", name, "--gloss", "x", str(video)]) == 2
    assert "not usable" in capsys.readouterr().err

    def named(manifest: dict) -> None:
        manifest["name"] = name

    with pytest.raises(VocabularyError, match="not a usable vocabulary name"):
        store.import_archive(_pack(tmp_path, named), replace=True)
    assert main(["sign", "vocab", "import", str(_pack(tmp_path, named)), "--replace"]) == 2
    with pytest.raises(VocabularyError, match="not usable"):
        store.import_archive(demo_vocabulary().export_archive(tmp_path / "ok"), name=name)
    assert main(["sign", "vocab", "delete", name]) == 2
    assert _snapshot(store.root) == before
    assert store.names() == ["branch", "office"]


# -- paths inside a pack ----------------------------------------------------------------------


@pytest.mark.parametrize("take_id", ["../../escaped", "..", "a/b", "/tmp/x", "ok\x00", 7, None])
def test_take_id_with_path_segments_is_refused(
    store: VocabularyStore, tmp_path: Path, take_id: object
) -> None:
    def traverse(manifest: dict) -> None:
        take = manifest["takes"][0]
        old = take["file"]
        take["id"] = take_id
        take["file"] = f"takes/{take_id}.npz"
        manifest["_old"] = old

    pack = _pack(tmp_path, traverse)
    before = _snapshot(tmp_path)
    with pytest.raises(VocabularyError, match="damaged"):
        store.import_archive(pack, name="incoming")
    assert _snapshot(tmp_path) == before  # nothing written anywhere, no folder created
    assert not (store.root / "escaped.npz").exists()
    assert store.names() == ["branch", "office"]


def test_take_file_that_points_elsewhere_is_refused(store: VocabularyStore, tmp_path: Path) -> None:
    def elsewhere(manifest: dict) -> None:
        manifest["takes"][0]["file"] = "../office/vocabulary.json"

    with pytest.raises(VocabularyError, match="names file"):
        store.import_archive(_pack(tmp_path, elsewhere), name="incoming")


def test_stored_vocabulary_that_is_a_link_is_not_followed(
    store: VocabularyStore, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.folder / "linked").symlink_to(outside, target_is_directory=True)
    vocab = demo_vocabulary()
    vocab.name = "linked"
    with pytest.raises(VocabularyError, match="not a plain folder"):
        store.save(vocab)
    assert list(outside.iterdir()) == []


# -- sizes ------------------------------------------------------------------------------------


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def test_many_takes_on_one_member_cannot_exhaust_memory(
    store: VocabularyStore, tmp_path: Path
) -> None:
    # one highly compressible take of 40 MB decoded, listed by hundreds of takes
    frames = 8000
    big = _npz(
        t=np.zeros(frames, np.float32),
        pose=np.zeros((frames, 25, 4), np.float32),
        left_hand=np.zeros((frames, 21, 3), np.float32),
        right_hand=np.zeros((frames, 21, 3), np.float32),
        face=np.zeros((frames, 7, 3), np.float32),
        present=np.zeros((frames, 4), np.bool_),
        aspect=np.array(1.0, np.float32),
    )
    digest = hashlib.sha256(big).hexdigest()

    def repeat(manifest: dict) -> None:
        first = manifest["takes"][0]
        manifest["takes"] = [
            {**first, "file": "takes/bomb.npz", "id": "bomb", "sha256": digest} for _ in range(500)
        ]

    with pytest.raises(VocabularyError, match="refused: take bomb decodes to"):
        SignVocabulary.load_archive(_pack(tmp_path, repeat, {"takes/bomb.npz": big}))


def test_array_header_claiming_gigabytes_is_refused_before_allocation(tmp_path: Path) -> None:
    vocab = demo_vocabulary()
    take = vocab.takes[0]
    arrays = {k: np.asarray(v) for k, v in take.landmarks.arrays().items()}
    data = bytearray(_npz(**arrays))
    # rewrite the shape in the `t` array's header: a 24 KB file claiming 4 GB of floats
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as npz:
        members = {i.filename: npz.read(i) for i in npz.infolist()}
    header = members["t.npy"]
    shape = f"({len(take.landmarks)},)".encode()
    members["t.npy"] = header.replace(shape, b"(1000000000,)".ljust(len(shape)), 1)
    if members["t.npy"] == header:
        pytest.skip("numpy wrote an unexpected header layout")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as npz:
        for name, payload in members.items():
            npz.writestr(name, payload)
    bad = buffer.getvalue()

    def point(manifest: dict) -> None:
        manifest["takes"][0]["sha256"] = hashlib.sha256(bad).hexdigest()

    pack = _pack(tmp_path, point, {f"takes/{take.id}.npz": bad})
    with pytest.raises(VocabularyError, match=r"refused: take \w+ decodes to 4000\d{6} bytes"):
        SignVocabulary.load_archive(pack)
    assert MAX_DECODED_BYTES < 1 << 30


def test_deeply_nested_manifest_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "deep.signpack"
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vocabulary.json", "[" * 200_000 + "]" * 200_000)
    with pytest.raises(VocabularyError, match="damaged"):
        SignVocabulary.load_archive(pack)


# -- landmark values ----------------------------------------------------------------------------


NOT_NUMBERS = [
    ("left_hand", np.nan),
    ("right_hand", np.inf),
    ("face", -np.inf),
    ("t", np.nan),
    ("pose", np.nan),
]


def _take_with(array: str, value: float) -> tuple[str, bytes]:
    """The demo pack's first take, id and file, with one value of `array` replaced."""
    take = demo_vocabulary().takes[0]
    arrays = {k: np.array(v, copy=True) for k, v in take.landmarks.arrays().items()}
    arrays[array].reshape(-1)[len(arrays[array].reshape(-1)) // 2] = value
    return take.id, _npz(**arrays)


@pytest.mark.parametrize(("array", "value"), NOT_NUMBERS)
def test_pack_with_landmarks_that_are_not_numbers_is_refused_naming_the_take(
    store: VocabularyStore, tmp_path: Path, array: str, value: float
) -> None:
    take_id, data = _take_with(array, value)

    def point(manifest: dict) -> None:
        manifest["takes"][0]["sha256"] = hashlib.sha256(data).hexdigest()

    pack = _pack(tmp_path, point, {f"takes/{take_id}.npz": data})
    before = _snapshot(store.root)
    with pytest.raises(VocabularyError) as caught:
        store.import_archive(pack, name="incoming")
    message = str(caught.value)
    assert f"take {take_id} of gloss" in message
    assert f"{array} landmarks hold values that are not numbers (NaN or infinity)" in message
    assert "import a fresh copy" in message
    assert _snapshot(store.root) == before


@pytest.mark.parametrize(("array", "value"), NOT_NUMBERS[:3])
def test_stored_vocabulary_with_landmarks_that_are_not_numbers_is_refused(
    store: VocabularyStore, array: str, value: float
) -> None:
    take_id, data = _take_with(array, value)
    folder = store.path("office")
    (folder / "takes" / f"{take_id}.npz").write_bytes(data)
    manifest = json.loads((folder / "vocabulary.json").read_text())
    (entry,) = [t for t in manifest["takes"] if t["id"] == take_id]
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    (folder / "vocabulary.json").write_text(json.dumps(manifest))
    with pytest.raises(VocabularyError, match=rf"take {take_id} of gloss .*{array} landmarks"):
        store.load("office")


def test_take_with_landmarks_that_are_not_numbers_is_not_enrolled() -> None:
    vocab = demo_vocabulary()
    take = vocab.takes[0]
    face = take.landmarks.face.copy()
    face[0, 0, 0] = np.nan
    broken = replace(take.landmarks, face=face)
    with pytest.raises(VocabularyError, match="face landmarks that are not numbers"):
        vocab.add_take(take.gloss, "staff", broken)
    assert take.gloss in vocab.glosses and len(vocab.takes) == len(demo_vocabulary().takes)


# -- files that are not files ------------------------------------------------------------------


def test_pack_that_is_a_named_pipe_is_refused(
    store: VocabularyStore, tmp_path: Path, named_pipe: Callable[[Path], NamedPipe]
) -> None:
    pipe = named_pipe(tmp_path / "office.signpack")
    error = pipe.outcome(lambda: store.import_archive(pipe.path, name="incoming"))
    assert isinstance(error, VocabularyError)
    assert "is a named pipe (FIFO), not a file; give a .signpack file" in str(error)
    assert store.names() == ["branch", "office"]


def test_pack_that_is_a_folder_is_refused(store: VocabularyStore, tmp_path: Path) -> None:
    (tmp_path / "office.signpack").mkdir()
    with pytest.raises(VocabularyError, match=r"is a folder, not a file; give a \.signpack file"):
        store.import_archive(tmp_path / "office.signpack", name="incoming")


@pytest.mark.parametrize("member", ["take", "vocabulary.json"])
def test_stored_vocabulary_file_that_is_a_named_pipe_is_refused(
    store: VocabularyStore, named_pipe: Callable[[Path], NamedPipe], member: str
) -> None:
    folder = store.path("office")
    name = f"takes/{store.load('office').takes[0].id}.npz" if member == "take" else member
    (folder / name).unlink()
    pipe = named_pipe(folder / name)
    error = pipe.outcome(lambda: store.load("office"))
    assert isinstance(error, VocabularyError)
    assert f"damaged ({name} is a named pipe (FIFO), not a file)" in str(error)


# -- exports -----------------------------------------------------------------------------------


def test_full_disk_during_export_leaves_the_older_pack_whole(
    store: VocabularyStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    older = store.export_archive("office", stick / "office.signpack")
    saved = older.read_bytes()
    vocab = store.load("office")
    vocab.remove_gloss("나")
    store.save(vocab)
    write = zipfile.ZipFile.writestr
    written: list[str] = []

    def fill_the_disk(self: zipfile.ZipFile, name: object, data: object, *args, **kwargs):
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(str(name))
        return write(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fill_the_disk)
    with pytest.raises(VocabularyError) as caught:
        store.export_archive("office", older)
    monkeypatch.undo()
    message = str(caught.value)
    assert f"cannot write {older} (No space left on device)" in message
    assert "free space" in message and "older pack there is unchanged" in message
    assert older.read_bytes() == saved
    assert "나" in SignVocabulary.load_archive(older).glosses
    assert [p.name for p in stick.iterdir()] == ["office.signpack"]  # no temporary file left


def test_export_never_replaces_a_named_pipe(
    store: VocabularyStore, tmp_path: Path, named_pipe: Callable[[Path], NamedPipe]
) -> None:
    pipe = named_pipe(tmp_path / "office.signpack")
    error = pipe.outcome(lambda: store.export_archive("office", pipe.path))
    assert isinstance(error, VocabularyError)
    assert "is a named pipe (FIFO), not a file; give a folder" in str(error)
    assert pipe.path.is_fifo()


# -- read-only folders -------------------------------------------------------------------------


def test_read_only_store_keeps_the_edit_for_a_retry(store: VocabularyStore, read_only) -> None:
    vocab = store.load("office")
    vocab.remove_gloss("나")
    with read_only(store.root), pytest.raises(VocabularyError, match="make the folder writable"):
        store.save(vocab)
    assert "나" not in vocab.glosses and vocab.takes  # the edit is still in memory: retry works
    store.save(vocab)
    assert "나" not in store.load("office").glosses


def test_enrol_on_a_read_only_data_folder_keeps_the_takes(
    store: VocabularyStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    read_only,
) -> None:
    """`changgu sign enroll` records, cannot save, and puts the takes where staff can get them."""
    monkeypatch.chdir(tmp_path)
    video = Path(__file__).resolve().parents[2] / "assets" / "demo" / "msl_ambulancia_001.mp4"
    with read_only(store.root):
        assert main(["sign", "enroll", "--gloss", "구급차2", str(video)]) == 1
    err = capsys.readouterr().err
    assert "cannot save vocabulary 'office'" in err and "vocab import" in err
    kept = SignVocabulary.load_archive(tmp_path / "unsaved-office.signpack")
    assert len(kept.takes_for("구급차2")) == 1
    assert len(kept.takes) == len(store.load("office").takes) + 1  # the office's takes too
    assert (
        main(["sign", "vocab", "import", str(tmp_path / "unsaved-office.signpack"), "--replace"])
        == 0
    )
    assert len(store.load("office").takes_for("구급차2")) == 1


def test_read_only_folders_give_messages_for_every_vocab_command(
    store: VocabularyStore, tmp_path: Path, read_only, capsys: pytest.CaptureFixture[str]
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    pack = store.export_archive("office", tmp_path / "office.signpack")
    with read_only(store.root), read_only(exports):
        assert main(["sign", "vocab", "delete", "branch"]) == 2
        assert main(["sign", "vocab", "import", str(pack), "--name", "third"]) == 2
        assert main(["sign", "vocab", "export", "office", str(exports / "o.signpack")]) == 2
    err = capsys.readouterr().err
    assert "cannot delete vocabulary 'branch'" in err
    assert "cannot save vocabulary 'third'" in err
    assert "choose a folder you can write to" in err
    assert "unexpected" not in err
    assert store.names() == ["branch", "office"]

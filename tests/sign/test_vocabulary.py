"""Vocabulary packs: round trips, archives, the store, and damaged packs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sign.errors import VocabularyError
from sign.store import VocabularyStore, demo_vocabulary
from sign.vocabulary import SignVocabulary


def test_demo_pack_is_labelled_and_loads() -> None:
    vocab = demo_vocabulary()
    assert "Not KSL" in vocab.description and "MSL-150" in vocab.attribution
    assert {g.id for g in vocab.glosses.values()} == {"구급차", "의사", "아프다", "오늘", "나"}
    assert vocab.glosses["아프다"].phrase_id == "emer.sick"
    assert all(len(vocab.takes_for(g)) == 8 for g in vocab.glosses)


def test_folder_and_archive_round_trip(msl_vocabulary: SignVocabulary, tmp_path: Path) -> None:
    msl_vocabulary.save(tmp_path / "pack")
    again = SignVocabulary.load(tmp_path / "pack")
    archive = again.export_archive(tmp_path / "shared")
    assert archive.suffix == ".signpack"
    third = SignVocabulary.load_archive(archive)
    for vocab in (again, third):
        assert vocab.glosses == msl_vocabulary.glosses
        assert [t.id for t in vocab.takes] == [t.id for t in msl_vocabulary.takes]
        np.testing.assert_array_equal(
            vocab.takes[3].landmarks.right_hand, msl_vocabulary.takes[3].landmarks.right_hand
        )


def test_store_import_export_delete(msl_vocabulary: SignVocabulary, tmp_path: Path) -> None:
    archive = msl_vocabulary.export_archive(tmp_path / "msl.signpack")
    store = VocabularyStore(tmp_path / "data" / "sign")
    assert store.names() == []
    store.import_archive(archive)
    assert store.names() == ["msl-demo"]
    with pytest.raises(VocabularyError, match="already enrolled"):
        store.import_archive(archive)
    store.import_archive(archive, name="copy")
    vocab = store.load("copy")
    vocab.remove_gloss("나")
    vocab.remove_take(vocab.takes[0].id)
    store.save(vocab)
    assert len(store.load("copy").takes) == len(msl_vocabulary.takes) - 1 - len(
        msl_vocabulary.takes_for("나")
    )
    store.delete("copy")
    assert store.names() == ["msl-demo"]
    with pytest.raises(VocabularyError, match="no sign vocabulary named"):
        store.load("copy")
    # only landmarks are stored: no pictures anywhere in the store
    files = [p.suffix for p in store.root.rglob("*") if p.is_file()]
    assert set(files) <= {".json", ".npz"}


def _damage(archive: Path, out: Path, member: str, data: bytes | None) -> Path:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename == member:
                if data is not None:
                    dst.writestr(info.filename, data)
            else:
                dst.writestr(info, src.read(info.filename))
    return out


def test_damaged_packs_are_refused_with_a_reason(
    msl_vocabulary: SignVocabulary, tmp_path: Path
) -> None:
    archive = msl_vocabulary.export_archive(tmp_path / "good.signpack")
    take_file = f"takes/{msl_vocabulary.takes[0].id}.npz"
    truncated = tmp_path / "truncated.signpack"
    truncated.write_bytes(archive.read_bytes()[:5000])
    manifest = json.loads(zipfile.ZipFile(archive).read("vocabulary.json"))
    cases = {
        truncated: "damaged or not a pack",
        _damage(archive, tmp_path / "a.signpack", take_file, b"garbage"): "checksum",
        _damage(archive, tmp_path / "b.signpack", take_file, None): "missing",
        _damage(
            archive, tmp_path / "c.signpack", "vocabulary.json", b"{not json"
        ): "not valid JSON",
        _damage(archive, tmp_path / "d.signpack", "vocabulary.json", None): "no vocabulary.json",
        _damage(
            archive,
            tmp_path / "e.signpack",
            "vocabulary.json",
            json.dumps({**manifest, "version": 99}).encode(),
        ): "format version 99",
    }
    for path, reason in cases.items():
        with pytest.raises(VocabularyError, match=reason):
            SignVocabulary.load_archive(path)
    store = VocabularyStore(tmp_path / "store")
    with pytest.raises(VocabularyError):
        store.import_archive(truncated)
    assert store.names() == []  # nothing half-imported


def test_export_to_a_folder_writes_inside_it(tmp_path: Path) -> None:
    vocab = demo_vocabulary()
    stick = tmp_path / "usb"
    stick.mkdir()
    assert vocab.export_archive(stick) == stick / "msl-demo.signpack"
    assert vocab.export_archive(tmp_path / "named") == tmp_path / "named.signpack"
    assert vocab.export_archive(tmp_path / "named.zip") == tmp_path / "named.zip"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["named.signpack", "named.zip", "usb"]
    assert [p.name for p in stick.iterdir()] == ["msl-demo.signpack"]
    again = SignVocabulary.load_archive(stick / "msl-demo.signpack")
    assert [t.id for t in again.takes] == [t.id for t in vocab.takes]

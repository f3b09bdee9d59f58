"""The MT tier on real tiny CTranslate2 models built by conftest (no weights downloaded)."""

from __future__ import annotations

import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from mt_models import word_pack

from translate.errors import PackError, TranslateError
from translate.glossary import Glossary
from translate.mt import MachineTranslator, install_pack, validate_pack
from translate.mt.engine import split_sentences
from translate.mt.pack import MAX_PACK_ENTRIES
from translate.mt.protect import numbers_changed, protect, restore


@pytest.fixture(scope="module")
def word_packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """id->en maps 'kucing'->'cat'; en->tl maps 'cat'->'pusa': a pivot id->tl must apply both."""
    root = tmp_path_factory.mktemp("word-packs")
    common = ["saya", "punya", "satu", "I", "have", "one", "ako", "ay", "may", "isa", "3"]
    word_pack(
        root,
        "words-id-en",
        "id",
        "en",
        {"kucing": "cat", "saya": "I", "punya": "have", "satu": "one"},
        common,
    )
    word_pack(
        root,
        "words-en-tl",
        "en",
        "tl",
        {"cat": "pusa", "I": "ako", "have": "may", "one": "isa"},
        common,
    )
    return root


def test_nllb_pack_loads_and_translates(nllb_copy_pack: Path, glossary: Glossary) -> None:
    info = validate_pack(nllb_copy_pack)
    engine = MachineTranslator.from_packs([info], glossary)
    assert engine.supports("en", "vi") and engine.supports("ko", "th")
    result = engine.translate("please wait a moment", "en", "vi")
    assert result.text == "please wait a moment"  # the test model copies its input
    assert result.method == "mt:tiny-nllb"
    assert 0.9 < result.confidence <= 1.0 and result.notes == ()


def test_glossary_terms_are_protected_and_restored_in_the_target(
    nllb_copy_pack: Path, glossary: Glossary
) -> None:
    engine = MachineTranslator.from_packs([validate_pack(nllb_copy_pack)], glossary)
    result = engine.translate("the fee is 3000 won", "en", "vi")
    assert result.text == "the lệ phí is 3000 won"
    mixed = engine.translate("I need a 외국인등록증", "en", "ru")
    assert mixed.text == "I need a карта регистрации иностранца"


def test_batch_equals_one_by_one_and_the_cache_hits(
    nllb_copy_pack: Path, glossary: Glossary
) -> None:
    engine = MachineTranslator.from_packs([validate_pack(nllb_copy_pack)], glossary)
    texts = ["hello how are you", "thank you very much", "the document is ready"]
    batch = engine.translate_batch(texts, "en", "id")
    assert [r.text for r in batch] == texts
    assert engine.cache_misses == 3 and engine.cache_hits == 0
    assert engine.translate("thank you very much", "en", "id") == batch[1]
    assert engine.cache_hits == 1


def test_pivot_through_english_uses_both_packs(word_packs: Path, glossary: Glossary) -> None:
    engine = MachineTranslator.from_folder(word_packs, glossary)
    assert engine.problems == []
    assert engine.route("id", "tl") is not None and len(engine.route("id", "tl") or []) == 2
    direct = engine.translate("saya punya satu kucing", "id", "en")
    assert direct.text == "I have one cat"
    pivot = engine.translate("saya punya satu kucing", "id", "tl")
    assert pivot.text == "ako may isa pusa"
    assert pivot.method == "mt:words-id-en+words-en-tl via en"
    assert not engine.supports("tl", "id")


def test_changed_numbers_are_flagged(word_packs: Path, glossary: Glossary, tmp_path: Path) -> None:
    word_pack(tmp_path, "words-drop", "id", "en", {"3": "one"}, ["saya", "punya"])
    engine = MachineTranslator.from_folder(tmp_path, glossary)
    result = engine.translate("saya punya 3", "id", "en")
    assert result.notes and "numbers differ" in result.notes[0]
    assert result.confidence < 0.6


def test_no_route_is_a_clear_error(word_packs: Path, glossary: Glossary) -> None:
    engine = MachineTranslator.from_folder(word_packs, glossary)
    with pytest.raises(TranslateError, match="changgu models install"):
        engine.translate("hello", "ko", "ja")


def test_long_text_is_split_into_sentences() -> None:
    text = " ".join(["This is a sentence."] * 50) + " " + "x" * 1000
    segments = split_sentences(text)
    assert all(len(s) <= 400 for s in segments) and len(segments) >= 50


def test_long_and_odd_input_through_a_pack(nllb_copy_pack: Path, glossary: Glossary) -> None:
    engine = MachineTranslator.from_packs([validate_pack(nllb_copy_pack)], glossary)
    long_text = "please wait a moment. " * 400
    result = engine.translate(long_text, "en", "vi")
    assert result.text.count("please wait a moment") == 400
    odd = engine.translate("😀 ??", "en", "vi")
    # the emoji is outside the test model's vocabulary: read as <unk>, which decoding leaves out
    assert (odd.text, odd.method, odd.notes) == ("??", "mt:tiny-nllb", ())


def test_protect_restore_round_trip_with_names(glossary: Glossary) -> None:
    protected = protect("Nguyen Van An 님 외국인등록증 확인", "ko", glossary)
    assert "외국인등록증" not in protected.text and "Nguyen" not in protected.text
    restored = restore(protected.text, protected, "en", glossary)
    assert restored.text == "Nguyen Van An 님 residence card 확인" and restored.lost == ()
    dropped = restore("nothing left", protected, "en", glossary)
    assert len(dropped.lost) == 2
    assert numbers_changed("3,000 won on 5/7", "3000 won on 5/7") == ()
    assert numbers_changed("3,000 won", "300 won") == ("300", "3000")


# --- packs: validation and installation ----------------------------------------------------------


def test_missing_pack_folder(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no translation pack"):
        validate_pack(tmp_path / "absent")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("manifest", "has no changgu-pack.toml"),
        ("model", "model.bin is missing or empty"),
        ("tokenizer", "tokenizer sentencepiece.bpe.model is missing"),
        ("family", "family must be"),
        ("language", "not a Changgu language"),
        ("config", "config.json"),
    ],
)
def test_broken_packs_name_what_is_wrong(
    nllb_copy_pack: Path, tmp_path: Path, damage: str, message: str
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(nllb_copy_pack, pack)
    manifest = pack / "changgu-pack.toml"
    if damage == "manifest":
        manifest.unlink()
    elif damage == "model":
        (pack / "model.bin").write_bytes(b"")
    elif damage == "tokenizer":
        (pack / "sentencepiece.bpe.model").unlink()
    elif damage == "family":
        manifest.write_text(manifest.read_text().replace('"nllb"', '"gpt"'))
    elif damage == "language":
        manifest.write_text(manifest.read_text().replace('"ko"', '"xx"'))
    elif damage == "config":
        (pack / "config.json").write_text("{not json")
    with pytest.raises(PackError, match=message):
        validate_pack(pack)


def test_corrupt_weights_fail_at_load_with_a_message(
    nllb_copy_pack: Path, tmp_path: Path, glossary: Glossary
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(nllb_copy_pack, pack)
    (pack / "model.bin").write_bytes(b"\x00garbage" * 100)
    engine = MachineTranslator.from_packs([validate_pack(pack)], glossary)
    with pytest.raises(PackError, match="cannot be loaded"):
        engine.translate("hello", "en", "vi")


def test_install_from_folder_and_archives(nllb_copy_pack: Path, tmp_path: Path) -> None:
    mt_dir = tmp_path / "mt"
    assert install_pack(nllb_copy_pack, mt_dir).path == mt_dir / "tiny-nllb"
    tgz = tmp_path / "pack.tar.gz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(nllb_copy_pack, arcname="download/tiny-nllb")
    assert install_pack(tgz, mt_dir).path == mt_dir / "tiny-nllb"  # replaces the old copy
    zipped = tmp_path / "pack.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for file in nllb_copy_pack.iterdir():
            archive.write(file, f"tiny-nllb/{file.name}")
    info = install_pack(zipped, mt_dir)
    assert validate_pack(info.path).name == "tiny-nllb"
    assert sorted(p.name for p in mt_dir.iterdir()) == ["tiny-nllb"]


def test_unsafe_or_damaged_archives_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../outside.txt", "x")
    with pytest.raises(PackError, match="outside its folder"):
        install_pack(evil, tmp_path / "mt")
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(PackError, match="damaged"):
        install_pack(damaged, tmp_path / "mt")
    with pytest.raises(PackError, match="neither a folder"):
        install_pack(Path(__file__), tmp_path / "mt")


def test_broken_pack_in_the_models_folder_is_skipped(
    nllb_copy_pack: Path, tmp_path: Path, glossary: Glossary
) -> None:
    shutil.copytree(nllb_copy_pack, tmp_path / "good")
    (tmp_path / "bad").mkdir()
    engine = MachineTranslator.from_folder(tmp_path, glossary)
    assert [p.name for p in engine.packs] == ["tiny-nllb"]
    assert len(engine.problems) == 1 and "changgu-pack.toml" in engine.problems[0]


def test_the_mt_tier_does_not_import_the_facade() -> None:
    """The facade uses the MT tier; both take their shared types from translate.machine."""
    import ast

    import translate.mt

    for source in Path(translate.mt.__file__).parent.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "translate.facade" not in imported, source.name


def test_a_pack_folder_with_a_link_is_refused(nllb_copy_pack: Path, tmp_path: Path) -> None:
    """A link could copy any file of the machine in as a model file (a secret, world-readable)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for a pack")
    pack = tmp_path / "linked"
    shutil.copytree(nllb_copy_pack, pack)
    (pack / "model.bin").unlink()
    (pack / "model.bin").symlink_to(secret)
    mt_dir = tmp_path / "mt"
    with pytest.raises(PackError, match="is a link"):
        install_pack(pack, mt_dir)
    assert [p.name for p in mt_dir.iterdir() if not p.name.startswith(".")] == []
    linked_folder = tmp_path / "linked-folder"
    shutil.copytree(nllb_copy_pack, linked_folder)
    (linked_folder / "extra").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(PackError, match="is a link"):
        install_pack(linked_folder, mt_dir)
    assert list(mt_dir.iterdir()) == []  # no staging folder left behind either


def test_a_pack_folder_with_a_special_file_is_refused(nllb_copy_pack: Path, tmp_path: Path) -> None:
    pack = tmp_path / "piped"
    shutil.copytree(nllb_copy_pack, pack)
    os.mkfifo(pack / "notes.txt")  # copying would block reading it
    with pytest.raises(PackError, match="not a regular file"):
        install_pack(pack, tmp_path / "mt")


def test_archives_and_folders_over_the_size_budget_are_refused(
    nllb_copy_pack: Path, tmp_path: Path
) -> None:
    size = sum(f.stat().st_size for f in nllb_copy_pack.iterdir())
    zipped = tmp_path / "pack.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in nllb_copy_pack.iterdir():
            archive.write(file, f"tiny-nllb/{file.name}")
        archive.writestr("tiny-nllb/padding.bin", bytes(4 * size))  # compresses to almost nothing
    assert zipped.stat().st_size < 2 * size
    with pytest.raises(PackError, match="more than"):
        install_pack(zipped, tmp_path / "mt", max_bytes=3 * size)
    tgz = tmp_path / "pack.tar.gz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(nllb_copy_pack, arcname="tiny-nllb")
    with pytest.raises(PackError, match="more than"):
        install_pack(tgz, tmp_path / "mt", max_bytes=size // 2)
    with pytest.raises(PackError, match="more than"):
        install_pack(nllb_copy_pack, tmp_path / "mt", max_bytes=size // 2)
    assert install_pack(tgz, tmp_path / "mt", max_bytes=2 * size).name == "tiny-nllb"


def test_an_archive_of_too_many_entries_is_refused(tmp_path: Path) -> None:
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as archive:
        for i in range(MAX_PACK_ENTRIES + 1):
            archive.writestr(f"p/{i}", "")
    with pytest.raises(PackError, match="entries"):
        install_pack(crowded, tmp_path / "mt")

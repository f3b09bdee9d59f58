"""`changgu models install --from PATH` given a translation pack whose name cannot be a folder's:
refused with one line that says what to name it, before the name is used for anything."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.kiosk.cli.test_commands import assert_one_clear_error, changgu
from translate.errors import PackError
from translate.mt import install_pack, validate_pack
from translate.mt.pack import MANIFEST

BAD_NAMES = {
    "nul": "words\x00id-en",
    "slash": "words/id-en",
    "parent": "../words-id-en",
    "dots": "..",
    "control": "words\x07id-en",
    "newline": "words-id-en\nrm -rf",
    "hidden": ".words-id-en",
    "long": "w" * 5000,
}
REFUSED = "cannot be a folder name; give it a name of up to 100 letters, digits"


def _pack_named(root: Path, name: str) -> Path:
    from tests.translate.mt_models import word_pack

    folder = word_pack(root, "words-id-en", "id", "en", {"kucing": "cat"}, ["satu"])
    manifest = folder / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    renamed = text.replace('name = "words-id-en"', f"name = {json.dumps(name)}")
    assert renamed != text
    manifest.write_text(renamed, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES)
def test_a_pack_whose_name_cannot_be_a_folder_is_refused_in_one_line(
    tmp_path: Path, private_data: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _pack_named(tmp_path / "usb", name)
    assert main(["models", "install", "--from", str(folder)]) == 2
    err = capsys.readouterr().err
    [line] = err.splitlines()
    assert REFUSED in line and "unexpected failure" not in line and len(line) < 500
    mt_dir = private_data / "models" / "mt"
    assert not mt_dir.exists() or not any(mt_dir.iterdir())


def test_a_pack_archive_named_with_a_nul_is_refused_by_the_command(tmp_path: Path) -> None:
    folder = _pack_named(tmp_path / "made", BAD_NAMES["nul"])
    archive = tmp_path / "usb" / "words-id-en.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(folder, arcname=folder.name)
    data = tmp_path / "data"
    env = {"CHANGGU_DATA_DIR": str(data)}
    for source in (folder, archive):
        result = changgu("models", "install", "--from", str(source), env=env)
        assert result.returncode == 2
        assert_one_clear_error(result, "'words\\x00id-en'", REFUSED)
    assert not (data / "models" / "mt").exists() or not any((data / "models" / "mt").iterdir())


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES)
def test_validate_and_install_pack_refuse_a_name_that_cannot_be_a_folder(
    tmp_path: Path, name: str
) -> None:
    folder = _pack_named(tmp_path / "usb", name)
    with pytest.raises(PackError, match=REFUSED):
        validate_pack(folder)
    with pytest.raises(PackError, match=REFUSED):
        install_pack(folder, tmp_path / "mt")
    assert list((tmp_path / "mt").iterdir()) == []


@pytest.mark.parametrize("name", ["nllb-200-distilled-600M", "opus-mt_ko.en", "w" * 100])
def test_plain_pack_names_are_taken_as_they_are(tmp_path: Path, name: str) -> None:
    info = install_pack(_pack_named(tmp_path / "usb", name), tmp_path / "mt")
    assert info.name == name and info.path == tmp_path / "mt" / name

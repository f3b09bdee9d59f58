"""Damaged receipts and models, links on a USB stick, read-only folders, names that are no names.
Each runs on a throwaway data folder; the real models are only read.
"""

from __future__ import annotations

import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.setup.model_store import RECEIPT, STAMP, ModelError, ModelManager, ModelState
from tests.kiosk.setup.blocking import fails_if_blocked

REPO = Path(__file__).resolve().parents[3]
CLIP = REPO / "assets" / "demo" / "synthetic_en_04_thanks.wav"


pytestmark = pytest.mark.usefixtures("private_data")  # tests/conftest.py


@pytest.fixture
def vad(manager: ModelManager) -> Path:
    return manager.install("silero-vad")


# -- row 4 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "receipt",
    [
        '{"files": []}',
        "[]",
        "null",
        '{"files": {"silero_vad_v6.onnx": 1}}',
        '{"files": {"silero_vad_v6.onnx": {"sha256": 5, "size": "1"}}}',
        '{"files": {"silero_vad_v6.onnx": {"size": 1e999, "sha256": "ab"}}}',
        "[" * 100_000,
        "\xff\xfe not text",
    ],
)
def test_malformed_receipt_means_reinstall_and_the_repair_runs(
    manager: ModelManager, vad: Path, receipt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (vad / RECEIPT).write_text(receipt, encoding="utf-8", errors="surrogateescape")
    assert manager.state("silero-vad") is ModelState.DAMAGED
    assert manager.verify("silero-vad") == [f"its install receipt {RECEIPT} is damaged"]
    with pytest.raises(ModelError, match=r"damaged.*changgu models install silero-vad"):
        manager.path_for("vad")

    assert main(["models", "verify"]) == 1
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "silero-vad: DAMAGED - its install receipt" in out
    assert "[FAIL] model silero-vad: damaged (its install receipt" in out

    assert main(["models", "install", "silero-vad"]) == 0  # the repair the message names
    assert manager.state("silero-vad", deep=True) is ModelState.INSTALLED


# -- row 5 ------------------------------------------------------------------------------------


def test_model_with_bytes_flipped_and_mtime_kept_is_refused_at_load(
    manager: ModelManager, installed_models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = manager.install("whisper-base", source_path=installed_models / "whisper-base")
    manager.install("silero-vad")
    model = folder / "model.bin"
    before = model.stat()
    with model.open("r+b") as fh:  # damage the weights in the middle, same size
        fh.seek(before.st_size // 2)
        chunk = fh.read(4096)
        fh.seek(before.st_size // 2)
        fh.write(bytes(b ^ 0xFF for b in chunk))
    os.utime(model, ns=(before.st_atime_ns, before.st_mtime_ns))  # and hide it from mtime
    assert model.stat().st_mtime_ns == before.st_mtime_ns

    with pytest.raises(ModelError, match=r"damaged.*changgu models install whisper-base"):
        manager.path_for("asr")
    assert main(["transcribe", str(CLIP)]) == 2
    err = capsys.readouterr().err
    assert "does not match its checksum" in err and "changgu models install whisper-base" in err
    assert main(["doctor"]) == 1
    assert "[FAIL] model whisper-base: damaged" in capsys.readouterr().out


def test_a_file_is_hashed_again_after_any_change_and_trusted_after(
    manager: ModelManager, vad: Path
) -> None:
    model = vad / "silero_vad_v6.onnx"
    stamp = json.loads((vad / STAMP).read_text())
    assert set(stamp["files"]) == {"silero_vad_v6.onnx"}  # install hashed it: load is cheap
    written = (vad / STAMP).stat().st_mtime_ns
    assert manager.path_for("vad") == vad
    assert (vad / STAMP).stat().st_mtime_ns == written  # nothing hashed, nothing recorded
    model.chmod(0o644)  # a change that leaves the bytes alone: the next load hashes once more
    assert json.loads((vad / STAMP).read_text()) == stamp
    assert manager.path_for("vad") == vad
    assert json.loads((vad / STAMP).read_text()) != stamp  # and records the file as checked


def test_read_only_install_keeps_its_checks_in_the_user_cache(
    manager: ModelManager, vad: Path, read_only, private_data: Path
) -> None:
    """Like the .deb's /opt/changgu/models: the folder cannot hold the stamp, the cache does."""
    (vad / STAMP).unlink()
    with read_only(vad):
        assert manager.path_for("vad") == vad
        checks = list((private_data / "cache" / "model-checks").glob("silero-vad-*.json"))
        assert len(checks) == 1
        assert manager.state("silero-vad") is ModelState.INSTALLED


# -- row 7 ------------------------------------------------------------------------------------


def test_install_from_a_folder_never_follows_a_link_out_of_it(
    manager: ModelManager, vad: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(vad.joinpath("silero_vad_v6.onnx").read_bytes())  # even a matching file
    stick = tmp_path / "usb"
    (stick / "silero-vad").mkdir(parents=True)
    (stick / "silero-vad" / "silero_vad_v6.onnx").symlink_to(secret)
    other = ModelManager(root=tmp_path / "other")
    for source in (stick, stick / "silero-vad"):
        with pytest.raises(ModelError, match="is a link; Changgu copies only plain files"):
            other.install("silero-vad", source_path=source)
    assert other.state("silero-vad") is ModelState.MISSING

    linked_dir = tmp_path / "usb2"
    linked_dir.mkdir()
    (linked_dir / "silero-vad").symlink_to(vad, target_is_directory=True)
    with pytest.raises(ModelError, match="does not contain the files"):
        other.install("silero-vad", source_path=linked_dir)

    archive = tmp_path / "links.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(stick / "silero-vad", arcname="silero-vad")  # holds the link, not the file
    with pytest.raises(ModelError, match="does not contain the files"):
        other.install("silero-vad", source_path=archive)
    assert not (tmp_path / "other" / "silero-vad").exists()

    pipe = tmp_path / "stick.tar.gz"
    os.mkfifo(pipe)  # read forever if it were opened as an archive
    for source in (pipe, Path("/dev/zero")):
        with pytest.raises(ModelError, match="neither a folder nor"):
            other.install("silero-vad", source_path=source)


def test_translation_pack_folder_with_a_link_is_refused(
    tmp_path: Path, private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.translate.mt_models import word_pack

    folder = word_pack(tmp_path / "made", "words-id-en", "id", "en", {"kucing": "cat"}, ["satu"])
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the kiosk")
    (folder / "notes.txt").symlink_to(secret)
    assert main(["models", "install", "--from", str(folder)]) == 2
    assert "notes.txt is a link" in capsys.readouterr().err
    pipe = tmp_path / "pack.tar.gz"
    os.mkfifo(pipe)
    assert main(["models", "install", "--from", str(pipe)]) == 2
    assert "neither a folder nor an archive" in capsys.readouterr().err
    assert not (private_data / "models" / "mt" / "words-id-en").exists()


# -- row 8 (models) --------------------------------------------------------------------------


def test_read_only_models_folder_gives_a_message(
    manager: ModelManager, private_data: Path, read_only, capsys: pytest.CaptureFixture[str]
) -> None:
    manager.root.mkdir(parents=True)
    with read_only(manager.root):
        assert main(["models", "install", "silero-vad"]) == 2
    err = capsys.readouterr().err
    assert "cannot write to the models folder" in err and "CHANGGU_DATA_DIR" in err
    assert "Traceback" not in err
    assert manager.state("silero-vad") is ModelState.MISSING


def test_read_only_data_folder_names_the_phrase_index_at_once(
    manager: ModelManager,
    installed_models: Path,
    private_data: Path,
    read_only,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manager.install("whisper-base", source_path=installed_models / "whisper-base")
    manager.install("silero-vad")
    with read_only(private_data):
        assert main(["models", "install"]) == 2  # before a minute of embedding, not after
    out, err = capsys.readouterr()
    assert "already installed and intact" in out and "embedding" not in out
    assert "the phrase index cannot be written to" in err and "Make that folder writable" in err


# -- pipes and devices where a file belongs ---------------------------------------------------


@pytest.mark.parametrize("record", [RECEIPT, STAMP])
def test_a_pipe_in_place_of_a_receipt_or_stamp_never_blocks_a_load(
    manager: ModelManager, vad: Path, record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (vad / record).unlink()
    os.mkfifo(vad / record)  # reading it would wait for a writer forever
    with fails_if_blocked():
        if record == RECEIPT:
            assert manager.state("silero-vad") is ModelState.DAMAGED
            assert manager.verify("silero-vad") == [f"its install receipt {RECEIPT} is damaged"]
            assert main(["models", "verify"]) == 1
            assert "silero-vad: DAMAGED" in capsys.readouterr().out
            assert main(["models", "install", "silero-vad"]) == 0  # the repair it names
        else:
            assert manager.state("silero-vad") is ModelState.INSTALLED  # hashed again instead
        assert manager.path_for("vad") == vad
    assert (vad / record).is_file()


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["\x00", "silero-vad\x00", "../silero-vad", "..", "a/b", "vad\x1b[2J", "x" * 5000]
)
def test_a_name_that_is_no_model_is_refused_before_it_is_used(
    manager: ModelManager, vad: Path, name: str
) -> None:
    uses: list[Callable[[str], object]] = [
        manager.state,
        manager.problems,
        manager.verify,
        manager.folder,
        manager.install,
        lambda n: manager.path_for("vad", preferred=n),
    ]
    for use in uses:
        with pytest.raises(ModelError, match="unknown model") as refused:
            use(name)
        message = str(refused.value)
        assert len(message) < 300 and message.isprintable() and "silero-vad" in message
    assert manager.state("silero-vad") is ModelState.INSTALLED


def test_a_model_name_on_the_command_line_is_shown_short_and_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "install", "whisper\x1b[2J" + "x" * 5000]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("changgu: unknown model 'whisper\\x1b[2J") and len(line) < 300

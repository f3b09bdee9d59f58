"""Files named by a path: only regular files are read, and read as before."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from named_pipes import call_beside_pipe

from translate.errors import NotAFileError, PhrasebookError
from translate.files import open_regular, parse_toml, read_bytes, read_text


@given(st.text())
def test_text_reads_as_path_read_text_reads_it(text: str) -> None:
    """The same text as `Path.read_text`, line ends included ("\\r\\n" reads as "\\n")."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.toml"
        path.write_bytes(text.encode("utf-8"))
        assert read_text(path) == path.read_text(encoding="utf-8")
        assert read_bytes(path) == path.read_bytes()


def test_a_folder_a_pipe_and_a_device_are_named_and_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    with pytest.raises(NotAFileError, match=r"folder\.toml is a folder, not a saved file"):
        read_text(folder)
    with pytest.raises(NotAFileError, match=r"pipe\.toml is a named pipe, not a saved file"):
        call_beside_pipe(lambda: read_text(pipe), pipe)
    with pytest.raises(NotAFileError, match="/dev/null is a device"):
        open_regular(Path("/dev/null"))


def test_missing_files_stay_os_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "absent.tsv")


def test_toml_errors_name_the_file() -> None:
    assert parse_toml('a = "b"', "x.toml") == {"a": "b"}
    with pytest.raises(PhrasebookError, match=r"x\.toml is not valid TOML"):
        parse_toml("a = ", "x.toml")

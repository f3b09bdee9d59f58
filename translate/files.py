"""Reading the files translate is given by name: regular files only, TOML with messages that name
the file.

A named pipe (FIFO) under a file's name would block `open()` until some writer appears, and a
device such as /dev/zero never ends, so anything that is not a regular file is refused before a
byte is read: a kiosk that waits on one shows "loading" forever.
"""

from __future__ import annotations

import io
import os
import stat
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, BinaryIO

from translate.errors import NotAFileError, PhrasebookError


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading in binary; NotAFileError if it is not a regular file.

    OSError (missing, unreadable) is left to the caller, which knows what the file is for.
    """
    _check_regular(os.stat(path).st_mode, path)
    # O_NONBLOCK: should a pipe take the file's place after the check, opening it does not wait
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        _check_regular(os.fstat(fd).st_mode, path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(file: Traversable) -> bytes:
    """The bytes of `file`: a path (regular files only) or a resource of an installed package."""
    if not isinstance(file, Path):  # a resource in a zip: it holds no pipes or devices
        return file.read_bytes()
    with open_regular(file) as handle:
        return handle.read()


def read_text(file: Traversable) -> str:
    """The UTF-8 text of `file` (see `read_bytes`), line ends read as `Path.read_text` reads."""
    if not isinstance(file, Path):
        return file.read_text(encoding="utf-8")
    with open_regular(file) as handle, io.TextIOWrapper(handle, encoding="utf-8") as text:
        return text.read()


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """The TOML document `text`, read from the file `name`; PhrasebookError if it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PhrasebookError(f"{name} is not valid TOML ({exc}); fix the file") from None


def _check_regular(mode: int, path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    raise NotAFileError(
        f"{path} is {kind_of(mode)}, not a saved file; give the path of a saved file"
    )


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is ("a named pipe", …), for messages."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"

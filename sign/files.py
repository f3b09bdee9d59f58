"""Files named by staff or by a pack are read only when they are regular files.

Opening a named pipe (FIFO) waits for a writer that may never come, a device can stream without
end, and a folder is no file at all: each would hang or confuse the reader, so they are refused
with a message naming what the path really is.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotAFileError(OSError):
    """`path` exists but is a folder, a named pipe, a device or a socket."""

    def __init__(self, path: str | Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a file")
        self.path = Path(path)
        self.kind = kind


def check_file(path: str | Path) -> None:
    """Nothing when `path` is a regular file (links followed); `FileNotFoundError` when it does
    not exist, `NotAFileError` when it is something else."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotAFileError(path, kind_of(mode))


def open_file(path: str | Path, follow_links: bool = True) -> BinaryIO:
    """`path` opened for reading, checked on the open descriptor itself (so it cannot be swapped
    for a pipe between a check and the open). `NotAFileError` when it is not a regular file."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC  # a pipe opens at once instead of waiting
    if not follow_links:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(path, kind_of(mode))
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def kind_of(mode: int) -> str:
    """What a file of `mode` is, in words staff know ("a folder", "a named pipe (FIFO)", …)."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"

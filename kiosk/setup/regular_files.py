"""Opening a file by name only when it is a regular file.

Anyone with access to the counter PC can put something else where Changgu expects a file: a named
pipe makes `open` wait forever for a writer (or a reader), and a device such as /dev/zero never
ends. Each file is therefore opened without blocking and checked on the open descriptor, which
the name cannot be swapped under, before a byte is read or written.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegularFileError(OSError):
    """A pipe, a device, a socket or a folder where a regular file was expected."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))


def open_regular(path: Path, follow_links: bool = True) -> BinaryIO:
    """`path` opened for reading bytes; NotRegularFileError (an OSError) when it is no regular
    file, and OSError as `open` raises it otherwise. Without `follow_links` a link is refused."""
    flags = os.O_RDONLY | (0 if follow_links else os.O_NOFOLLOW)
    return os.fdopen(_regular_fd(path, flags), "rb")


def append_regular(path: Path, encoding: str | None = "utf-8") -> io.TextIOWrapper:
    """`path` opened for appending text (created if absent); errors as for `open_regular`."""
    fd = _regular_fd(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    return os.fdopen(fd, "a", encoding=encoding)


def _regular_fd(path: Path, flags: int) -> int:
    # Without O_NONBLOCK, opening a pipe waits for its other end; a regular file ignores the flag.
    try:
        fd = os.open(path, flags | os.O_NONBLOCK, 0o666)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a pipe without a reader, or a socket, refuses a writer
            raise NotRegularFileError(path) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(path)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd

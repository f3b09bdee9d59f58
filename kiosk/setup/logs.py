"""Logging: to stderr and a rotating file in the platform's log folder, never with utterance text.

Engines log events ("final utterance, 3.2 s, ko") and never what was said; `CHANGGU_LOG_TEXT=1`
is the one explicit switch to include text, for a technician debugging on a test machine. A log
file that cannot be written (a read-only home, or a pipe put in its place, which would block the
kiosk at its first line) leaves the logs on the screen only, with a warning that says so.
"""

from __future__ import annotations

import faulthandler
import io
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from kiosk.setup.paths import log_dir
from kiosk.setup.regular_files import NotRegularFileError, append_regular

log = logging.getLogger(__name__)
_configured = False


def setup_logging(verbose: bool = False) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = _RegularRotatingFile(
            folder / "changgu.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        _not_kept(folder / "changgu.log", exc, "logs go to the screen only")
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    try:
        crash = append_regular(folder / "crash.log")  # open as long as the process lives
    except OSError as exc:
        _not_kept(folder / "crash.log", exc, "a crash is reported on the screen only")
    else:
        faulthandler.enable(crash)


def log_text_allowed() -> bool:
    """Whether logs may carry what people said (off unless a technician turns it on)."""
    return os.environ.get("CHANGGU_LOG_TEXT") == "1"


class _RegularRotatingFile(logging.handlers.RotatingFileHandler):
    """A rotating log that opens its file (at the start and after each rotation) only when it
    is a regular file."""

    def _open(self) -> io.TextIOWrapper:
        return append_regular(Path(self.baseFilename), self.encoding)


def _not_kept(path: Path, exc: OSError, instead: str) -> None:
    if isinstance(exc, NotRegularFileError):
        fix = f"Remove {path} (a pipe or a device stands there; it must be a plain file)"
    else:
        fix = f"Make {path.parent} writable (or free some space)"
    log.warning(
        "cannot write the log file %s (%s): %s. %s, then restart Changgu.",
        path,
        exc.strerror or exc,
        instead,
        fix,
    )

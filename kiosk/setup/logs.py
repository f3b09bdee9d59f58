"""Logging: to stderr and a rotating file in the platform's log folder, never with utterance text.

Engines log events ("final utterance, 3.2 s, ko") and never what was said; `CHANGGU_LOG_TEXT=1`
is the one explicit switch to include text, for a technician debugging on a test machine.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys

from kiosk.setup.paths import log_dir

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
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "changgu.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        crash = open(folder / "crash.log", "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        faulthandler.enable(crash)
    except OSError:
        pass  # a read-only home must not stop the kiosk; the console still gets warnings


def log_text_allowed() -> bool:
    """Whether logs may carry what people said (off unless a technician turns it on)."""
    return os.environ.get("CHANGGU_LOG_TEXT") == "1"

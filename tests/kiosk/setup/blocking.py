"""Running code that may block on a named pipe, in tests that must fail rather than hang."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

#: Far longer than any of the calls guarded here takes on two busy cores.
PATIENCE_S = 20.0


@contextlib.contextmanager
def fails_if_blocked(seconds: float = PATIENCE_S) -> Iterator[None]:
    """Fail the test from inside the body once it has run `seconds`: an `open` waiting on a pipe
    is interrupted by the signal, and the failure, not an OSError, passes any `except OSError`."""

    def expire(signum: int, frame: FrameType | None) -> None:
        pytest.fail(f"still blocked after {seconds:.0f} s (waiting on a named pipe?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

"""Calling code that might wait on a named pipe, in tests that must fail rather than hang."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")

#: Long enough for a small phrase index to be embedded on two busy cores.
PATIENCE_S = 15.0


def call_beside_pipe(call: Callable[[], T], pipe: Path, seconds: float = PATIENCE_S) -> T:
    """`call()`, run in a thread; its result, or the exception it raised.

    Should it still run after `seconds`, it is taken to be waiting on `pipe`: a writer opens and
    closes the pipe, so that the call reads an empty file and ends, and the test fails.
    """
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(call())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, name=f"beside {pipe.name}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        _release(pipe)
        thread.join(seconds)
        pytest.fail(f"still waiting on the named pipe {pipe} after {seconds:.0f} s")
    if errors:
        raise errors[0]
    return results[0]


def _release(pipe: Path) -> None:
    try:
        fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # nobody has it open for reading: nothing waits on it
        return
    os.close(fd)

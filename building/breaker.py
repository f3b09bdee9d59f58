"""A circuit breaker: after repeated failures, stop asking a server for a while, then probe it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"  # the server answers: use it
    OPEN = "open"  # it failed: do not ask until the cool-down has passed
    PROBING = "probing"  # the cool-down passed: one request may try it again


class CircuitBreaker:
    """Thread-safe. `allow()` before a request; `success()` or `failure()` after it."""

    def __init__(
        self,
        failures_to_open: int = 2,
        cooldown_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures_to_open = failures_to_open
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state

    def allow(self) -> bool:
        """May a request go to the server now? In the PROBING state only one at a time."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.OPEN and (
                self._clock() - self._opened_at >= self.cooldown_s
            ):
                self._state = BreakerState.PROBING
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state is BreakerState.PROBING or self._failures >= self.failures_to_open:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()

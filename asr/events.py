"""Values that leave the speech engine: frozen, so they can cross threads safely."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """Which side of the counter spoke."""

    STAFF = "staff"
    VISITOR = "visitor"


@dataclass(frozen=True, slots=True)
class Utterance:
    """What one person said: a partial hypothesis while they speak, or the final text.

    `utterance_id` ties the partials of one utterance to its final; times are seconds on the
    stream's own clock (0 = when the source started).
    """

    utterance_id: int
    side: Side
    lang: str
    text: str
    final: bool
    start_s: float
    end_s: float
    confidence: float
    lang_confidence: float = 1.0
    # a final's wall-clock wait: from the end of its speech (its post-roll included) until the
    # text was ready, the audio still queued behind the decode counted (set by the audio worker)
    latency_s: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Status:
    """Health of a device or model, for the staff's status bar.

    state is "ok", "working", "warning" or "error"; message is one sentence a person can act on.
    """

    component: str
    state: str
    message: str

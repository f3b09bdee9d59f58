"""Health a city can watch: a Prometheus textfile for node_exporter's textfile collector.

Counts and latencies only, never text: what was said, translated or typed never reaches it, and no
label holds anything a person wrote (labels are sides, kinds, tiers, model and device names).

- `changgu_visits_total` (counter): visits ended (New visit, or the idle timeout);
- `changgu_turns_total{side,kind}` (counter): finished turns by side (staff, visitor) and by how
  they reached the other side (verified, machine, none, original, sign, confirm, sign-unsure);
- `changgu_not_translated_ratio` (gauge): the share of finished turns of kind none;
- `changgu_final_latency_seconds` (histogram): end of speech → final text, each final heard;
- `changgu_speech_model_info{model}` (gauge): 1 for the speech model that runs;
- `changgu_building_server_up` (gauge): 1 while the building server serves, 0 while the counter
  does its work; absent with no building server;
- `changgu_device_up{device}` (gauge): 1 while a microphone (`mic:counter`, `mic:staff`,
  `mic:visitor`) or the camera works, 0 after it failed or was lost.

The file is written whole or not at all (a temporary file renamed over it), every 15 s and when the
kiosk stops; node_exporter adds its own `node_textfile_mtime_seconds`, so a kiosk that stopped
writing is seen too.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, Histogram, write_to_textfile
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from asr.events import Status
from kiosk.core.health import Component, State
from kiosk.core.session import Turn, TurnKind

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0)
DEVICE_STATES = {State.OK: 1, State.WORKING: 1, State.ERROR: 0, State.LOST: 0, State.ENDED: 0}


class HealthMetrics:
    """Fed by the kiosk on its UI thread; `write` puts the textfile in place."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.latency = Histogram(
            "changgu_final_latency_seconds",
            "End of speech to final text",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.model = Gauge(
            "changgu_speech_model_info", "The speech model that runs", ["model"], registry=r
        )
        self.building: Gauge | None = None  # made at the first word of a building server
        self.devices = Gauge(
            "changgu_device_up", "1 while a microphone or the camera works", ["device"], registry=r
        )
        self.visits = 0
        self._totals: collections.Counter[tuple[str, str]] = collections.Counter()
        # this visit's turns by id: a turn's kind may still change ("Did you mean …?" → a phrase)
        self._current: dict[int, tuple[str, str]] = {}
        r.register(_Turns(self))

    # -- what the kiosk tells it --

    def turn(self, turn: Turn) -> None:
        """A turn shown: counted once it is final and no longer pending (its last kind wins)."""
        if turn.final and turn.kind is not TurnKind.PENDING:
            self._current[turn.turn_id] = (turn.side.value, turn.kind.value)

    def visit_ended(self) -> None:
        """Fold this visit's turns into the totals."""
        self.visits += 1
        self._totals.update(self._current.values())
        self._current.clear()

    def turns(self) -> collections.Counter[tuple[str, str]]:
        """Finished turns by (side, kind), this visit's included."""
        return self._totals + collections.Counter(self._current.values())

    def final_heard(self, latency_s: float | None) -> None:
        if latency_s is not None:
            self.latency.observe(latency_s)

    def speech_model(self, name: str) -> None:
        self.model.clear()
        self.model.labels(name).set(1)

    def status(self, status: Status) -> None:
        component = str(status.component)
        if component == Component.BUILDING:
            if self.building is None:
                self.building = Gauge(
                    "changgu_building_server_up",
                    "1 while the building server serves, 0 while this counter does its work",
                    registry=self.registry,
                )
            serving = status.message.startswith("serving: building")
            if serving or status.message.endswith(" answers"):
                self.building.set(1)
            elif status.state in (State.WARNING, State.ERROR):
                self.building.set(0)
        elif component.startswith("mic:") or component == Component.CAMERA:
            up = DEVICE_STATES.get(State(status.state)) if status.state in set(State) else None
            if up is not None:
                self.devices.labels(component).set(up)

    # -- out --

    def write(self, path: Path) -> str | None:
        """Write the textfile whole; a problem (a folder gone, no permission) as a message, never
        an exception: the counter works on."""
        try:
            write_to_textfile(str(path), self.registry)
        except OSError as exc:
            return f"health metrics not written to {path} ({exc.strerror or exc})"
        return None


class _Turns(Collector):
    """Visits, turns by side and kind, and the not-translated share, computed when collected."""

    def __init__(self, metrics: HealthMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        visits = CounterMetricFamily("changgu_visits", "Visits ended")
        visits.add_metric([], self.metrics.visits)
        yield visits
        turns = CounterMetricFamily(
            "changgu_turns", "Finished turns by side and kind", labels=["side", "kind"]
        )
        counted = self.metrics.turns()
        for (side, kind), n in sorted(counted.items()):
            turns.add_metric([side, kind], n)
        yield turns
        finished = sum(counted.values())
        untranslated = sum(n for (_, kind), n in counted.items() if kind == TurnKind.NONE.value)
        share = GaugeMetricFamily(
            "changgu_not_translated_ratio",
            "Share of finished turns that reached the other side untranslated",
        )
        share.add_metric([], untranslated / finished if finished else 0.0)
        yield share

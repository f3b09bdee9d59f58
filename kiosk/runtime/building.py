"""The kiosk's link to a building server: one client shared by speech and translation, and the
staff status line's word on which tier serves (the counter, or the building)."""

from __future__ import annotations

from collections.abc import Callable

from asr.events import Status
from building.client import BuildingClient, BuildingConfig
from building.tiers import Tier, TieredMT, TierReporter
from kiosk.core.health import Component, State


class BuildingTier:
    def __init__(self, config: BuildingConfig, report: Callable[[Status], None]) -> None:
        self.client = BuildingClient(config)
        self._report = report
        self.reporter = TierReporter(self._changed)

    def start(self) -> None:
        """Say at once whether the server answers (off the UI thread: it is a network call)."""
        if self.client.healthy():
            self._report(Status(Component.BUILDING, State.OK, f"{self.client.config.url} answers"))
        else:
            self._report(
                Status(
                    Component.BUILDING,
                    State.WARNING,
                    f"{self.client.config.url} does not answer: this counter does the work",
                )
            )

    def attach(self, translator: object, speech: object) -> None:
        """Send finals and machine translation through the building server (real engines only;
        scripted test engines are left as they are)."""
        from kiosk.runtime.speech import SpeechModels
        from translate import Translator

        if isinstance(speech, SpeechModels):
            speech.building = self
        if isinstance(translator, Translator):
            translator.mt = TieredMT(translator.mt, self.client, self.reporter)

    def _changed(self, tier: Tier, reason: str) -> None:
        if tier is Tier.BUILDING:
            self._report(Status(Component.BUILDING, State.OK, "serving: building server"))
        else:
            self._report(
                Status(
                    Component.BUILDING,
                    State.WARNING,
                    f"serving: this counter (the building server failed: {reason})",
                )
            )

    def close(self) -> None:
        self.client.close()

"""The whole kiosk with a building server set in its settings: a visitor's speech is decoded by
the server, and the staff status line says which tier serves."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from building.client import BuildingConfig
from building.tiers import Tier
from kiosk.core.events import MicRole
from kiosk.core.session import TurnKind
from kiosk.setup.building import save_token
from kiosk.setup.settings import Settings
from tests.kiosk.ui.conftest import close, make_ui, status_text

DEMO = Path(str(resources.files("assets").joinpath("demo")))


def test_the_kiosk_s_finals_come_from_the_building_and_staff_see_it(
    qtbot, server, monkeypatch, tmp_path
):
    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path / "config"))  # the token's folder
    # a generous budget: on this 2-core machine the server shares the CPU with the kiosk
    monkeypatch.setattr(
        "kiosk.setup.building.BuildingConfig", functools.partial(BuildingConfig, final_budget_s=30)
    )
    save_token(server.token)
    kiosk, ui = make_ui(qtbot, settings=Settings(building_url=server.url))
    try:
        assert kiosk.building is not None
        qtbot.waitUntil(lambda: "answers" in status_text(ui, "building server"), timeout=30_000)
        kiosk.choose_language("ru")
        with qtbot.waitSignal(kiosk.playback_finished, timeout=120_000):
            kiosk.play_file(DEMO / "ru_css10_ess_0021.wav", MicRole.COUNTER, realtime=False)
        qtbot.waitUntil(
            lambda: (
                kiosk.session.turns
                and all(t.kind is not TurnKind.PENDING for t in kiosk.session.turns)
            ),
            timeout=60_000,
        )
        said = kiosk.session.turns[-1]
        assert said.lang == "ru" and said.text
        assert kiosk.building.reporter.finals[Tier.BUILDING] >= 1
        assert kiosk.building.reporter.finals[Tier.COUNTER] == 0
        qtbot.waitUntil(
            lambda: "serving: building server" in status_text(ui, "building server"),
            timeout=10_000,
        )
    finally:
        close(ui)

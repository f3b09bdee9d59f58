"""The kiosk with the city's shared pack folder in its policy: a phrase pack placed there is taken
at start, staff can say its phrase, and staff can undo the update."""

from __future__ import annotations

from asr.events import Side
from kiosk.core.health import Component, State
from kiosk.runtime.engines import Engines
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup import paths
from kiosk.setup.policy import Policy
from kiosk.setup.settings import Settings
from translate.office import OfficeBook, SaidBy, export_pack


def test_a_pack_in_the_shared_folder_is_taken_used_and_undone(qtbot, tmp_path, monkeypatch):
    real_cache = paths.cache_dir()  # the phrase index already built: no minute of embedding
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cache").symlink_to(real_cache)
    shared = tmp_path / "shared"
    shared.mkdir()
    book = OfficeBook()
    book.add("office.lunch", SaidBy.STAFF, "점심시간은 12시부터 1시까지입니다.", by="김민지")
    book.translate("office.lunch", "en", "Lunch break is from 12 to 1.", by="Kim Minji")
    export_pack(book, shared / "gu-office.changgu-phrases", office="jongno")

    settings = Settings(languages=("en",))
    settings.apply_policy(Policy(office_packs=shared))
    kiosk = Kiosk(settings, engines=Engines.real(speech=False))
    seen: list[tuple[str, str, str]] = []
    kiosk.status.connect(lambda s: seen.append((s.component, s.state, s.message)))
    kiosk.start(load_speech=False)
    try:
        qtbot.waitUntil(lambda: kiosk.ready, timeout=60_000)
        qtbot.waitUntil(
            lambda: any(c == Component.OFFICE_PACKS and st == State.OK for c, st, _ in seen),
            timeout=30_000,
        )
        assert paths.office_phrases().is_file()
        qtbot.waitUntil(lambda: any("1 office phrases" in m for _, _, m in seen), timeout=30_000)
        kiosk.choose_language("en")
        kiosk.quick_reply("office.lunch")
        qtbot.waitUntil(lambda: bool(kiosk.session.turns), timeout=10_000)
        said = kiosk.session.turns[-1]
        assert said.side is Side.STAFF and said.translated_text == "Lunch break is from 12 to 1."

        kiosk.undo_office_pack()
        qtbot.waitUntil(lambda: any("undone" in m for _, _, m in seen), timeout=30_000)
        assert not paths.office_phrases().exists()  # there were none before the pack
    finally:
        kiosk.stop()


def test_no_shared_folder_in_the_policy_means_no_packs(qtbot):
    kiosk = Kiosk(Settings(), engines=Engines.real(speech=False))
    kiosk.start(load_speech=False)
    try:
        assert kiosk.office_packs is None
    finally:
        kiosk.stop()

"""Office packs from the city's shared folder: validated, taken at start and when they change,
the last good pack kept when a new one is bad, and the latest update undone by staff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.setup.office_packs import OfficePackSync
from sign.store import VocabularyStore, demo_vocabulary
from translate.office import OfficeBook, SaidBy, export_pack
from translate.phrasebook import Phrasebook


@pytest.fixture(scope="module")
def bundled() -> frozenset[str]:
    return frozenset(phrase.id for phrase in Phrasebook.load())


def book(hours: str) -> OfficeBook:
    b = OfficeBook()
    b.add("office.hours", SaidBy.STAFF, hours, by="김민지")
    b.translate("office.hours", "en", "We are open on weekdays.", by="Kim Minji")
    return b


def sync_for(tmp_path: Path, bundled: frozenset[str]) -> tuple[OfficePackSync, Path, Path]:
    shared, data = tmp_path / "shared", tmp_path / "data"
    shared.mkdir()
    data.mkdir()
    sync = OfficePackSync(
        shared,
        data / "office-packs",
        data / "office-phrases.toml",
        VocabularyStore(data / "sign"),
        bundled,
    )
    return sync, shared, data


def hours_in(path: Path) -> str:
    return next(iter(OfficeBook.load(path))).texts["ko"].text


def test_packs_are_taken_once_then_again_when_they_change(tmp_path, bundled):
    sync, shared, data = sync_for(tmp_path, bundled)
    export_pack(
        book("평일 9시부터 6시까지 엽니다."), shared / "jongno.changgu-phrases", office="jongno"
    )
    demo_vocabulary().export_archive(shared / "demo.signpack")
    first = sync.sync()
    assert first.problems == [] and first.phrases_changed and first.signs_changed
    assert len(first.taken) == 2
    assert hours_in(data / "office-phrases.toml") == "평일 9시부터 6시까지 엽니다."
    assert sync.signs.exists(demo_vocabulary().name)

    again = sync.sync()  # nothing changed in the folder: nothing taken
    assert again.taken == [] and not again.phrases_changed

    export_pack(
        book("평일 8시부터 7시까지 엽니다."), shared / "jongno.changgu-phrases", office="jongno"
    )
    update = sync.sync()
    assert update.phrases_changed and hours_in(data / "office-phrases.toml").startswith("평일 8시")


def test_a_bad_pack_is_refused_and_the_last_good_one_stays(tmp_path, bundled):
    sync, shared, data = sync_for(tmp_path, bundled)
    pack = shared / "jongno.changgu-phrases"
    export_pack(book("평일 9시부터 6시까지 엽니다."), pack, office="jongno")
    sync.sync()
    pack.write_bytes(pack.read_bytes()[:200])  # cut short in the copy
    (shared / "evil.signpack").write_bytes(b"PK\x03\x04 not really a zip")
    report = sync.sync()
    assert len(report.problems) == 2
    assert all("keeps the last good one" in p for p in report.problems)
    assert hours_in(data / "office-phrases.toml") == "평일 9시부터 6시까지 엽니다."
    assert sync.sync().problems == []  # refused once: not tried again until it changes


def test_links_devices_and_huge_files_are_refused(tmp_path, bundled):
    sync, shared, _ = sync_for(tmp_path, bundled)
    outside = tmp_path / "secret.changgu-phrases"
    export_pack(book("평일 9시부터 6시까지 엽니다."), outside, office="x")
    (shared / "link.changgu-phrases").symlink_to(outside)
    os.mkfifo(shared / "pipe.signpack")
    with open(shared / "huge.changgu-phrases", "wb") as fh:
        fh.truncate(3 * 1024 * 1024)
    report = sync.sync()
    assert len(report.problems) == 3 and not report.taken
    assert all("refused" in p for p in report.problems)


def test_staff_undo_the_latest_update(tmp_path, bundled):
    sync, shared, data = sync_for(tmp_path, bundled)
    pack = shared / "jongno.changgu-phrases"
    export_pack(book("평일 9시부터 6시까지 엽니다."), pack, office="jongno")
    sync.sync()
    export_pack(book("주말에도 엽니다."), pack, office="jongno")
    sync.sync()
    assert sync.latest() == "jongno.changgu-phrases"
    undone = sync.rollback()
    assert undone.phrases_changed and undone.problems == []
    assert hours_in(data / "office-phrases.toml") == "평일 9시부터 6시까지 엽니다."
    assert sync.sync().taken == []  # the rolled-back pack is not taken again...
    assert sync.rollback().problems == ["no office pack update to undo"]
    export_pack(book("토요일에도 엽니다."), pack, office="jongno")
    assert sync.sync().phrases_changed  # ...until it changes in the shared folder


def test_undoing_a_new_sign_vocabulary_removes_it(tmp_path, bundled):
    sync, shared, _ = sync_for(tmp_path, bundled)
    demo_vocabulary().export_archive(shared / "demo.signpack")
    sync.sync()
    name = demo_vocabulary().name
    assert sync.signs.exists(name)
    assert sync.rollback().signs_changed == (name,)
    assert not sync.signs.exists(name)


def test_an_unreadable_shared_folder_keeps_what_the_kiosk_has(tmp_path, bundled):
    sync, shared, _ = sync_for(tmp_path, bundled)
    shared.rmdir()
    report = sync.sync()
    assert report.problems and "keeps the packs it has" in report.problems[0]

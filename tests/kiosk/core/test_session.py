"""The visit: languages, turns growing from partial to final, wiping, idle timeout, export."""

from __future__ import annotations

import errno
import os
from dataclasses import replace

import pytest

from asr.events import Side
from kiosk.core.session import Session, Turn, TurnKind


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def visitor_turn(session: Session, turn_id: int | None, text: str, final: bool) -> Turn:
    partial = session.get(turn_id)
    if partial is not None:
        return session.put(replace(partial, text=text, final=final))
    return session.open(
        Side.VISITOR, "vi", text, "ko", TurnKind.VERIFIED, "수수료가 얼마예요?", final=final
    )


def test_partial_grows_into_one_final_turn():
    session = Session()
    session.visitor_lang = "vi"
    first = visitor_turn(session, None, "Phí", final=False)
    final = visitor_turn(session, first.turn_id, "Phí là bao nhiêu?", final=True)
    assert len(session.turns) == 1 and final.final and final.turn_id == first.turn_id
    assert session.get(first.turn_id) == final


def test_new_visit_wipes_everything():
    session = Session()
    session.visitor_lang = "vi"
    visitor_turn(session, None, "Phí là bao nhiêu?", final=True)
    session.new_visit()
    assert session.turns == [] and session.visitor_lang is None
    assert "Phí" not in session.transcript()


def test_idle_visit_ends_by_itself():
    clock = Clock()
    session = Session(idle_timeout_s=300, clock=clock)
    assert not session.idle()  # nobody there yet
    session.visitor_lang = "vi"
    session.touch()
    clock.now += 301
    assert session.idle()  # only a language was chosen: the visit still expires
    visitor_turn(session, None, "Phí là bao nhiêu?", final=True)
    clock.now += 299
    assert not session.idle()
    clock.now += 2
    assert session.idle()


def test_export_writes_only_when_asked(tmp_path):
    session = Session()
    session.visitor_lang = "vi"
    visitor_turn(session, None, "Phí là bao nhiêu?", final=True)
    assert list(tmp_path.iterdir()) == []
    out = session.export_text(tmp_path / "visit.txt")
    text = out.read_text(encoding="utf-8")
    assert "Phí là bao nhiêu?" in text and "수수료가 얼마예요?" in text and "verified" in text


def test_turn_ids_go_on_counting_across_visits():
    session = Session()
    first = visitor_turn(session, None, "Phí là bao nhiêu?", final=True)
    session.new_visit()
    second = visitor_turn(session, None, "Xin chào", final=True)
    assert second.turn_id > first.turn_id and session.get(first.turn_id) is None
    with pytest.raises(KeyError):
        session.put(first)  # a turn of the earlier visit has no place in this one


def test_export_into_a_folder_writes_a_file_inside_it(tmp_path):
    session = Session()
    visitor_turn(session, None, "Phí là bao nhiêu?", final=True)
    out = session.export_text(tmp_path)
    assert out.parent == tmp_path and out.suffix == ".txt" and "Phí" in out.read_text("utf-8")


def test_a_failed_export_leaves_the_old_file_whole(tmp_path, monkeypatch):
    old = tmp_path / "visit.txt"
    old.write_text("the last visit's transcript\n", encoding="utf-8")
    session = Session()
    visitor_turn(session, None, "Phí là bao nhiêu?", final=True)

    def full_disk(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        session.export_text(old)
    assert old.read_text("utf-8") == "the last visit's transcript\n"
    assert [p.name for p in tmp_path.iterdir()] == ["visit.txt"]  # no partial file left


def test_an_export_that_fails_while_writing_leaves_the_old_file_whole(tmp_path, monkeypatch):
    old = tmp_path / "visit.txt"
    old.write_text("the last visit's transcript\n", encoding="utf-8")
    session = Session()
    # text that cannot be written, as a disk that fills up half-way cannot take the rest
    monkeypatch.setattr(session, "transcript", lambda: "first line\n\ud800 never written")
    with pytest.raises(UnicodeEncodeError):
        session.export_text(old)
    assert old.read_text("utf-8") == "the last visit's transcript\n"
    assert [p.name for p in tmp_path.iterdir()] == ["visit.txt"]


def test_export_refuses_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "visit.txt"
    os.mkfifo(fifo)
    session = Session()
    visitor_turn(session, None, "Phí là bao nhiêu?", final=True)
    with pytest.raises(OSError, match="not a regular file"):
        session.export_text(fifo)

"""The visit: languages, turns growing from partial to final, wiping, idle timeout, export."""

from __future__ import annotations

from asr.events import Side
from kiosk.core.session import Session


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def visitor_turn(session: Session, turn_id: int | None, text: str, final: bool):
    return session.add(
        turn_id,
        side=Side.VISITOR,
        lang="vi",
        text=text,
        translated_lang="ko",
        translated_text="수수료가 얼마예요?",
        kind="verified",
        final=final,
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

"""Staff words that match no phrase are not a dead end: the staff card offers the nearest staff
phrases as buttons, one tap sends one (its open slot asked first), and until then the visitor's
screen shows nothing of those words. Real screens, the real kiosk and the real phrasebook
translator (semantic matching on the installed phrase index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from asr.events import Side
from kiosk.core.session import TurnKind
from kiosk.ui.slot_dialog import SlotDialog
from tests.kiosk.ui.conftest import close, glyph_problems, make_ui

#: staff small talk the phrasebook has no phrase for (its nearest phrases are offered)
ON_LEAVE = "아 그건 담당자가 지금 휴가 중이라서요"
#: staff words whose nearest phrases include "The fee is {amount} won."
ABOUT_FEES = "수수료가 좀 나오는데요"


@pytest.fixture
def counter(qtbot: object):
    kiosk, ui = make_ui(qtbot, load_speech=False)
    ui.show()
    qtbot.mouseClick(ui.visitor.chooser.button("vi"), Qt.MouseButton.LeftButton)
    yield kiosk, ui
    close(ui)


def _staff_card(kiosk, ui):
    return ui.staff.cards[kiosk.session.latest(Side.STAFF).turn_id]


def test_staff_tap_a_nearest_phrase_and_only_then_the_visitor_sees_it(
    counter, qtbot, tmp_path: Path
) -> None:
    kiosk, ui = counter
    kiosk.send_typed(ON_LEAVE)
    qtbot.waitUntil(lambda: kiosk.session.latest(Side.STAFF).awaiting_staff, timeout=20_000)
    card = _staff_card(kiosk, ui)
    offered = [b for b in card.nearest_buttons if b.isVisible()]
    assert 1 <= len(offered) <= 4 and "가까운 문구" in card.kind.text()
    assert ON_LEAVE not in ui.visitor.newest_label.text()  # nothing of it on the visitor's side
    assert ON_LEAVE not in ui.visitor.history.text()
    ui.staff.grab().save(str(tmp_path / "staff-nearest.png"))
    assert glyph_problems(ui.staff) == []
    chosen = offered[0].property("phrase_id")
    qtbot.mouseClick(offered[0], Qt.MouseButton.LeftButton)
    turn = kiosk.session.latest(Side.STAFF)
    qtbot.waitUntil(
        lambda: kiosk.session.latest(Side.STAFF).kind is TurnKind.VERIFIED, timeout=5_000
    )
    turn = kiosk.session.latest(Side.STAFF)
    assert turn.phrase_id == chosen and len(kiosk.session.turns) == 1
    assert turn.translated_text and turn.translated_text in ui.visitor.newest_label.text()
    assert not any(b.isVisible() for b in card.nearest_buttons)


def test_a_nearest_phrase_with_a_slot_asks_staff_for_its_value(counter, qtbot) -> None:
    kiosk, ui = counter
    kiosk.send_typed(ABOUT_FEES)
    qtbot.waitUntil(lambda: kiosk.session.latest(Side.STAFF).awaiting_staff, timeout=20_000)
    card = _staff_card(kiosk, ui)
    fee = next(b for b in card.nearest_buttons if b.property("phrase_id") == "fee.amount")
    assert "…" in fee.text()

    def answer() -> None:  # staff type the amount into the real dialog and press OK
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SlotDialog))
        dialog.field.setText("3000")
        dialog.accept()

    QTimer.singleShot(300, answer)
    qtbot.mouseClick(fee, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: kiosk.session.latest(Side.STAFF).kind is TurnKind.VERIFIED, timeout=10_000
    )
    turn = kiosk.session.latest(Side.STAFF)
    assert turn.phrase_id == "fee.amount" and "3,000" in turn.text
    assert "3.000" in ui.visitor.newest_label.text()  # Vietnamese groups digits with dots


def test_a_date_typed_in_words_is_read_or_asked_again_in_korean(counter, qtbot) -> None:
    """Staff tap "{date}에 다시 와 주세요": "언젠가" cannot be read, so the dialog stays open and
    says how to write a date, in Korean; "다음 주 화요일" can."""
    kiosk, ui = counter
    button = next(b for b in ui.staff.phrase_buttons if b.property("phrase") == "time.come_back")
    said: list[str] = []

    def answer() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SlotDialog))
        assert dialog.calendar is not None  # a date may be picked too
        dialog.field.setText("언젠가")
        dialog.accept()
        said.append(dialog.problem.text())
        assert dialog.isVisible() and "다음 주 화요일" in dialog.problem.text()
        dialog.field.setText("다음 주 화요일")
        dialog.accept()

    QTimer.singleShot(300, answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.session.latest(Side.STAFF) is not None, timeout=10_000)
    turn = kiosk.session.latest(Side.STAFF)
    assert said and "날짜를 알아보지 못했습니다" in said[0]
    assert turn.phrase_id == "time.come_back" and turn.kind is TurnKind.VERIFIED
    assert "다음 주 화요일" not in turn.text  # read as a date, written as one

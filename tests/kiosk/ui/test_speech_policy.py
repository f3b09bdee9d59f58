"""The visitor screen follows the language table's speech bands (assets/languages.toml).

A Khmer visitor, whose language Whisper base mishears most of the time, is offered the phrase picker
first and writing second, talking last, with one line in Khmer saying why; an English visitor
still gets "Hold to talk" first. Staff see the speech quality beside the visitor's spoken turns.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from asr.events import Side, Utterance
from kiosk.core import strings
from kiosk.core.session import TurnKind
from kiosk.core.speech_policy import speech_quality
from tests.kiosk.ui.conftest import wait_for_turn
from translate import languages


def _bottom_order(visitor: object) -> list[object]:
    row = visitor.bottom  # type: ignore[attr-defined]
    return [
        row.itemAt(i).widget() for i in range(row.count()) if not row.itemAt(i).widget().isHidden()
    ]


def test_the_table_marks_the_languages_whisper_base_cannot_hear():
    poor = {lang.code for lang in languages.all() if lang.speech_unreliable}
    assert poor == {"uz", "mn", "ne", "km"}
    for lang in languages.all():  # every band has its published figure beside it
        assert lang.speech_fleurs is not None
        assert (lang.speech == "poor") == (lang.speech_fleurs > 60)


def test_a_khmer_visitor_is_offered_pointing_and_writing_before_talking(
    counter, qtbot, tmp_path: Path
):
    kiosk, ui = counter
    visitor = ui.visitor
    qtbot.mouseClick(visitor.chooser.button("km"), Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    order = _bottom_order(visitor)
    assert order[:3] == [visitor.pick_button, visitor.write_button, visitor.talk_button]
    assert visitor.pick_button.width() > visitor.talk_button.width()  # the first is the largest
    assert visitor.window().focusWidget() is visitor.pick_button
    assert visitor.speech_warning.isVisible()
    assert visitor.speech_warning.text() == strings.visitor("km", "speech_unreliable")
    assert visitor.speech_warning.text() != strings.visitor("en", "speech_unreliable")
    assert visitor.speech_warning.geometry().bottom() < visitor.pick_button.geometry().top()
    # no "please speak": the caption and the state invite pointing or writing
    assert visitor.newest_label.text() == strings.visitor("km", "your_turn_point")
    assert visitor.state_label.text() == strings.visitor("km", "your_turn_point")
    assert visitor.grab().save(str(tmp_path / "km-visitor.png"))

    # talking still works for who wants it, and staff see how far to trust what was heard
    said = Utterance(1, Side.VISITOR, "km", "ថ្លៃសេវាប៉ុន្មាន?", True, 0.0, 1.5, 0.9)
    kiosk.hear(said, "test")
    turn = wait_for_turn(
        qtbot, kiosk, lambda t: t.side is Side.VISITOR and t.kind is not TurnKind.PENDING
    )
    card = ui.staff.cards[turn.turn_id]
    assert strings.staff("speech_poor") in card.who.text()

    # the next visitor speaks English: talking first again, no warning
    kiosk.new_visit()
    qtbot.mouseClick(visitor.chooser.button("en"), Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert _bottom_order(visitor)[0] is visitor.talk_button
    assert visitor.window().focusWidget() is visitor.talk_button
    assert not visitor.speech_warning.isVisible()
    assert visitor.newest_label.text() == strings.visitor("en", "your_turn")


def test_typed_turns_carry_no_speech_warning_for_staff(counter, qtbot):
    kiosk, ui = counter
    kiosk.choose_language("km")
    kiosk.send_typed("ថ្លៃសេវាប៉ុន្មាន?", side=Side.VISITOR, lang="km")
    turn = wait_for_turn(
        qtbot, kiosk, lambda t: t.side is Side.VISITOR and t.kind is not TurnKind.PENDING
    )
    assert turn.written
    assert strings.staff("speech_poor") not in ui.staff.cards[turn.turn_id].who.text()
    assert speech_quality("km") == "poor" and speech_quality("ksl") is None

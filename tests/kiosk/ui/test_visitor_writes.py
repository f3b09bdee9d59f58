"""The visitor writes on the pad, reads Korean captions, and takes the answer home — through the
real screens, the conversation core and the real phrasebook translator (no speech model: nobody
speaks).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from asr.events import Side
from kiosk.core.session import KO_CAPTIONS, KSL, TurnKind
from kiosk.keyboards import Level
from kiosk.ui.pad import WritingPad
from kiosk.ui.theme import REFERENCE_DPI
from tests.kiosk.ui.conftest import (
    glyph_problems,
    korean_heard_from,
    wait_for_turn,
)
from tests.kiosk.ui.test_pad import type_text
from translate.phrasebook import Phrasebook


def _tap(qtbot: object, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]


def _decode(image: QImage) -> str:
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    pixels = np.ascontiguousarray(pixels[:, :width])
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    if not text:
        text, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(pixels)
    return str(text)


def test_a_deaf_visitor_writes_korean_on_the_pad(counter, qtbot, tmp_path: Path) -> None:
    kiosk, ui = counter
    visitor = ui.visitor
    _tap(qtbot, visitor.chooser.button(KSL))
    assert visitor.write_button.isVisible() and not visitor.talk_button.isVisible()
    _tap(qtbot, visitor.write_button)
    assert visitor.pages.currentWidget() is visitor.pad
    # ㄷㅡㅇㅂㅗㄴ on the on-screen 2-beolsik keys (QWERTY's E M D Q H S)
    for key in ("AD03", "AB07", "AC03", "AD01", "AC06", "AC02"):
        _tap(qtbot, visitor.pad.character_keys[key])
    assert visitor.pad.text() == "등본"
    visitor.grab().save(str(tmp_path / "pad-ko.png"))
    assert glyph_problems(visitor) == []
    visitor.pad.send()
    qtbot.waitUntil(lambda: kiosk.session.latest(Side.VISITOR) is not None, timeout=5_000)
    turn = kiosk.session.latest(Side.VISITOR)
    assert (turn.side, turn.lang, turn.text) == (Side.VISITOR, "ko", "등본")
    assert turn.kind is TurnKind.ORIGINAL
    assert visitor.pages.currentWidget() is visitor.conversation
    assert ui.staff.cards[turn.turn_id].original.text() == "등본"  # staff read it as written


def test_a_visitor_types_their_own_language_and_it_is_matched(counter, qtbot, tmp_path) -> None:
    kiosk, ui = counter
    visitor = ui.visitor
    kiosk.choose_language("vi")
    _tap(qtbot, visitor.write_button)
    type_text(visitor.pad.field, "Phí là bao nhiêu?")  # a Vietnamese keyboard
    visitor.grab().save(str(tmp_path / "pad-vi.png"))
    assert glyph_problems(visitor) == []
    qtbot.keyClick(visitor.pad.field, Qt.Key.Key_Return)  # Enter sends
    qtbot.waitUntil(
        lambda: (
            (t := kiosk.session.latest(Side.VISITOR)) is not None and t.kind is not TurnKind.PENDING
        ),
        timeout=30_000,
    )
    turn = kiosk.session.latest(Side.VISITOR)
    assert turn.lang == "vi" and turn.translated_lang == "ko"
    assert turn.kind is TurnKind.VERIFIED and turn.phrase_id == "fee.how_much"


def _touch_type(qtbot: object, pad: WritingPad, text: str) -> None:
    """Type `text` by tapping the pad's own keys, Shift or the third level first where a
    character needs it, as a visitor's finger does."""
    for ch in text:
        if ch == " ":
            _tap(qtbot, pad.space_key)
            continue
        found = pad.keyboard_layout.find(ch)
        assert found is not None, f"no key types {ch!r} on {pad.layout_name}"
        key, level = found
        if level is Level.SHIFT:
            _tap(qtbot, pad.shift_key)
        elif level is Level.ALT:
            _tap(qtbot, pad.alt_key)
        _tap(qtbot, pad.character_keys[key.position])


def _written_turn(kiosk: object, qtbot: object) -> object:
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: (
            (t := kiosk.session.latest(Side.VISITOR)) is not None  # type: ignore[attr-defined]
            and t.kind is not TurnKind.PENDING
        ),
        timeout=30_000,
    )
    return kiosk.session.latest(Side.VISITOR)  # type: ignore[attr-defined]


def test_a_thai_visitor_types_thai_by_touch_and_staff_receive_the_phrase(
    counter, qtbot, tmp_path: Path
) -> None:
    """The counter's order: the visitor chooses Thai, opens the pad, taps Thai keys (Kedmanee,
    Shift for the upper level), sends; staff see the matched phrase in Korean."""
    kiosk, ui = counter
    visitor = ui.visitor
    kiosk.choose_language("th")
    _tap(qtbot, visitor.write_button)
    pad = visitor.pad
    assert pad.layout_name == "thai" and pad.layout_key.text() == "ABC"
    assert pad.send_key.text() != "Send" and pad.space_key.text() != "Space"  # labels in Thai
    phrase = Phrasebook.load().get("fee.how_much")
    written = phrase.text["th"]
    _touch_type(qtbot, pad, written)
    assert pad.text() == written
    visitor.grab().save(str(tmp_path / "pad-th-touch.png"))
    assert glyph_problems(visitor) == []
    _tap(qtbot, pad.send_key)
    turn = _written_turn(kiosk, qtbot)
    assert turn.lang == "th" and turn.kind is TurnKind.VERIFIED
    assert turn.phrase_id == "fee.how_much"
    assert ui.staff.cards[turn.turn_id].other.text() == phrase.text["ko"]  # staff read Korean


def test_a_vietnamese_visitor_types_tones_by_touch(counter, qtbot) -> None:
    """Telex on the on-screen keys: "phis laf bao nhieeu" writes "phí là bao nhiêu"."""
    kiosk, ui = counter
    visitor = ui.visitor
    kiosk.choose_language("vi")
    _tap(qtbot, visitor.write_button)
    pad = visitor.pad
    assert pad.layout_name == "vietnamese"
    _touch_type(qtbot, pad, "phis laf bao nhieeu")
    assert pad.text() == "phí là bao nhiêu"
    _tap(qtbot, pad.send_key)
    turn = _written_turn(kiosk, qtbot)
    assert turn.text == "phí là bao nhiêu"
    assert turn.kind is TurnKind.VERIFIED and turn.phrase_id == "fee.how_much"
    qtbot.waitUntil(lambda: turn.translated_text in visitor.own_label.text(), timeout=5_000)
    assert "phí là bao nhiêu" in visitor.own_label.text()  # what they wrote, and what staff got


@pytest.mark.parametrize("lang", ["ko", "vi", "th"])
def test_the_visitor_takes_the_answer_home(counter, qtbot, tmp_path: Path, lang: str) -> None:
    kiosk, ui = counter
    visitor = ui.visitor
    kiosk.choose_language(KSL if lang == "ko" else lang)
    kiosk.quick_reply("fee.amount", {"amount": "1200"})
    kiosk.quick_reply("doc.residence_card_or_passport")
    _tap(qtbot, visitor.note_button)
    assert visitor.pages.currentWidget() is visitor.note_view
    qtbot.wait(50)
    visitor.grab().save(str(tmp_path / f"note-{lang}.png"))
    assert glyph_problems(visitor) == []
    decoded = _decode(visitor.note_view.code_label.grab().toImage())
    for turn in kiosk.session.turns:
        assert turn.text in decoded  # the Korean beside each line
        if lang != "ko":
            assert turn.translated_text in decoded
    _tap(qtbot, visitor.note_view.close_button)
    kiosk.new_visit()
    assert visitor.note_view.note is None and visitor.pages.currentWidget() is visitor.chooser


def test_staff_offer_the_note_at_the_end_of_a_visit(counter, qtbot) -> None:
    kiosk, ui = counter
    kiosk.choose_language("en")
    kiosk.quick_reply("time.today")
    _tap(qtbot, ui.staff.note_button)
    assert ui.visitor.pages.currentWidget() is ui.visitor.note_view


def test_korean_captions_in_very_large_type_and_the_visitor_answers(counter, qtbot, tmp_path):
    kiosk, ui = counter
    visitor = ui.visitor
    _tap(qtbot, visitor.chooser.button(KO_CAPTIONS))
    kiosk.send_typed("오늘 바로 받으실 수 있습니다.")
    qtbot.waitUntil(lambda: "오늘 바로" in visitor.newest_label.text(), timeout=5_000)
    height_mm = visitor.newest_label.fontMetrics().capHeight() / REFERENCE_DPI * 25.4
    assert visitor.talk_button.isVisible() and visitor.write_button.isVisible()
    visitor.grab().save(str(tmp_path / "captions.png"))
    assert height_mm >= 12.0
    assert korean_heard_from(kiosk) is Side.STAFF  # captions mode: Korean heard is staff's …
    visitor.talk.emit(True)  # … unless the visitor holds the talk button: then it is theirs
    assert korean_heard_from(kiosk) is Side.VISITOR
    visitor.talk.emit(False)
    _tap(qtbot, visitor.write_button)
    event = QInputMethodEvent("", [])  # the system input method commits Korean
    event.setCommitString("네 알겠습니다")
    QApplication.sendEvent(visitor.pad.field, event)
    visitor.pad.send()
    turn = wait_for_turn(
        qtbot, kiosk, lambda t: t.side is Side.VISITOR and t.text == "네 알겠습니다", timeout_s=5
    )
    assert turn.lang == "ko" and turn.kind is TurnKind.ORIGINAL


def test_a_visitor_picks_a_phrase(counter, qtbot, tmp_path: Path) -> None:
    """A Khmer visitor who cannot speak or write: chooses their language, taps "Choose a
    phrase", a topic, a phrase with an amount (typed on the picker's digits), Send; staff read
    it in Korean, checked, and the visitor's screen shows what they said. Then a new visitor:
    nothing of it stays in the picker."""
    kiosk, ui = counter
    visitor = ui.visitor
    kiosk.choose_language("km")
    assert visitor.pick_button.isVisible() and visitor.pick_button.text() != "Choose a phrase"
    _tap(qtbot, visitor.pick_button)
    picker = visitor.picker
    assert visitor.pages.currentWidget() is picker
    QApplication.processEvents()
    fee = next(b for b in picker.topic_buttons if b.property("topic") == "fee")
    _tap(qtbot, fee)
    QApplication.processEvents()
    how_much = next(b for b in picker.phrase_buttons if b.property("phrase_id") == "fee.how_much")
    visitor.grab().save(str(tmp_path / "picker-km.png"))
    assert glyph_problems(visitor) == []
    _tap(qtbot, how_much)
    turn = kiosk.session.latest(Side.VISITOR)
    book = Phrasebook.load().get("fee.how_much")
    assert (turn.lang, turn.text, turn.translated_text) == ("km", book.text["km"], book.text["ko"])
    assert turn.kind is TurnKind.VERIFIED and turn.phrase_id == "fee.how_much" and turn.written
    assert ui.staff.cards[turn.turn_id].other.text() == book.text["ko"]
    assert visitor.pages.currentWidget() is visitor.conversation

    _tap(qtbot, visitor.pick_button)  # an amount: asked on the picker's own digits
    picker.search("")
    picker.choose("pay.big_bill")
    QApplication.processEvents()
    keys = {k.property("key"): k for k in picker.keypad}
    for digit in "50000":
        _tap(qtbot, keys[digit])
    _tap(qtbot, picker.send_button)
    turn = kiosk.session.latest(Side.VISITOR)
    assert turn.phrase_id == "pay.big_bill" and "50,000" in turn.translated_text

    kiosk.new_visit()
    assert visitor.pages.currentWidget() is visitor.chooser
    assert picker.search_field.text() == ""


def test_a_thai_visitor_searches_the_phrases_on_their_own_keys(counter, qtbot) -> None:
    """A finger on the picker's search field opens the pad with the Thai keys; what is typed
    there filters the phrases (it is not sent to staff); a found phrase is picked."""
    kiosk, ui = counter
    visitor = ui.visitor
    kiosk.choose_language("th")
    _tap(qtbot, visitor.pick_button)
    QApplication.processEvents()
    _tap(qtbot, visitor.picker.search_field)
    pad = visitor.pad
    assert visitor.pages.currentWidget() is pad and pad.layout_name == "thai"
    _touch_type(qtbot, pad, "ค่าธรรม")
    # as they type, the phrases found so far stand above the keys
    assert pad.suggestion_bar.isVisible()
    suggested = [k.property("suggestion") for k in pad.suggestion_keys]
    assert "fee.how_much" in suggested
    _touch_type(qtbot, pad, "เนียม")
    _tap(qtbot, pad.send_key)  # or Send: the picker shows all it found
    picker = visitor.picker
    assert visitor.pages.currentWidget() is picker
    assert not kiosk.session.turns  # nothing reached staff
    QApplication.processEvents()
    found = [b.property("phrase_id") for b in picker.phrase_buttons]
    assert "fee.how_much" in found
    _tap(qtbot, next(b for b in picker.phrase_buttons if b.property("phrase_id") == "fee.how_much"))
    assert kiosk.session.latest(Side.VISITOR).phrase_id == "fee.how_much"

    _tap(qtbot, visitor.pick_button)  # again, and this time a suggestion is tapped at once
    QApplication.processEvents()
    _tap(qtbot, picker.search_field)
    _touch_type(qtbot, pad, "ขอบคุณ")
    thanks = next(k for k in pad.suggestion_keys if k.property("suggestion") == "greet.thanks")
    _tap(qtbot, thanks)
    assert kiosk.session.latest(Side.VISITOR).phrase_id == "greet.thanks"
    assert not pad.suggestion_bar.isVisible()

"""Every control of the visitor's screen works by keyboard alone and by touch alone.

Keyboard: Tab reaches every control, Space/Enter activates it, holding Space on the talk button
talks, + and − change the text size. Touch: real touch events (a touch screen device), no mouse:
tap a language, tap the size buttons, hold the talk button to talk, tap "language" to go back.

Talking is judged by what it does: Korean heard on the one counter microphone is the visitor's
while they hold the talk button (and for a short grace after), staff's otherwise.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from asr.events import Side
from kiosk.core.conversation import TALK_RELEASE_GRACE_S
from kiosk.core.session import KSL
from tests.kiosk.ui.conftest import Clock, close, korean_heard_from, make_ui, tap


@pytest.fixture
def screen(qtbot, monkeypatch):
    kiosk, ui = make_ui(qtbot, load_speech=False)
    monkeypatch.setattr(kiosk.conversation, "monotonic", Clock())
    window = ui.visitor.window()
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5000)
    yield kiosk, ui.visitor
    close(ui)


def _tab_until(qtbot, target: QWidget, limit: int = 40) -> None:
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target!r}")


def test_keyboard_only(screen, qtbot):
    kiosk, visitor = screen
    # the chooser: Tab walks over every language, Space picks the one with focus
    reached = set()
    first = QApplication.focusWidget()
    assert first is visitor.chooser.buttons[0]
    for _ in visitor.chooser.buttons:
        reached.add(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert reached == set(visitor.chooser.buttons)
    thai = visitor.chooser.button("th")
    _tab_until(qtbot, thai)
    qtbot.keyClick(thai, Qt.Key.Key_Space)
    assert kiosk.session.visitor_lang == "th"
    assert visitor.pages.currentWidget() is visitor.conversation

    # the talk button has focus: holding Space talks, letting go stops
    talk = visitor.talk_button
    assert QApplication.focusWidget() is talk
    assert korean_heard_from(kiosk) is Side.STAFF  # nobody holds it: Korean is staff's
    QTest.keyPress(talk, Qt.Key.Key_Space)
    assert korean_heard_from(kiosk) is Side.VISITOR  # held: what is heard is the visitor's
    QTest.keyRelease(talk, Qt.Key.Key_Space)
    assert korean_heard_from(kiosk) is Side.VISITOR  # just let go: the end of it is theirs too
    kiosk.conversation.monotonic.advance(TALK_RELEASE_GRACE_S)
    assert korean_heard_from(kiosk) is Side.STAFF

    # text size by the A+ / A− buttons and by the + / − keys
    _tab_until(qtbot, visitor.bigger)
    qtbot.keyClick(visitor.bigger, Qt.Key.Key_Space)
    assert visitor.scale == 1.25
    _tab_until(qtbot, visitor.smaller)
    qtbot.keyClick(visitor.smaller, Qt.Key.Key_Space)
    assert visitor.scale == 1.0
    qtbot.keyClick(visitor, Qt.Key.Key_Plus)
    assert visitor.scale == 1.25
    qtbot.keyClick(visitor, Qt.Key.Key_Minus)
    assert visitor.scale == 1.0

    # back to the chooser with the language button, and Korean Sign Language with Enter
    _tab_until(qtbot, visitor.change_language)
    qtbot.keyClick(visitor.change_language, Qt.Key.Key_Space)
    assert visitor.pages.currentWidget() is visitor.chooser
    ksl = visitor.chooser.button(KSL)
    _tab_until(qtbot, ksl)
    qtbot.keyClick(ksl, Qt.Key.Key_Return)
    assert kiosk.session.visitor_lang == KSL


def test_touch_only(screen, qtbot):
    kiosk, visitor = screen
    finger = QTest.createTouchDevice()
    tap(finger, visitor.chooser.button("mn"))
    assert kiosk.session.visitor_lang == "mn"
    assert visitor.pages.currentWidget() is visitor.conversation

    held = []
    tap(
        finger,
        visitor.talk_button,
        hold_ms=300,
        during=lambda: held.append(korean_heard_from(kiosk)),
    )
    assert held == [Side.VISITOR]  # talking while the finger is down …
    kiosk.conversation.monotonic.advance(TALK_RELEASE_GRACE_S)
    assert korean_heard_from(kiosk) is Side.STAFF  # … and not once it is lifted

    tap(finger, visitor.bigger)
    tap(finger, visitor.bigger)
    assert visitor.scale == 1.5
    tap(finger, visitor.smaller)
    assert visitor.scale == 1.25
    for _ in range(6):
        tap(finger, visitor.bigger)
    assert visitor.scale == 2.0  # 200% is the largest

    tap(finger, visitor.change_language)
    assert visitor.pages.currentWidget() is visitor.chooser
    tap(finger, visitor.chooser.button("ne"))
    assert kiosk.session.visitor_lang == "ne"

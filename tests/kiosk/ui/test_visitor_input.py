"""Every control of the visitor's screen works by keyboard alone and by touch alone.

Keyboard: Tab reaches every control, Space/Enter activates it, holding Space on the talk button
talks, + and − change the text size. Touch: real touch events (a touch screen device), no mouse:
tap a language, tap the size buttons, hold the talk button to talk, tap "language" to go back.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core.session import KSL
from tests.kiosk.ui.conftest import close, make_ui


@pytest.fixture
def screen(qtbot):
    kiosk, ui = make_ui(qtbot, load_speech=False)
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
    assert first is visitor.language_buttons[0]
    for _ in visitor.language_buttons:
        reached.add(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert reached == set(visitor.language_buttons)
    thai = next(b for b in visitor.language_buttons if b.property("lang") == "th")
    _tab_until(qtbot, thai)
    qtbot.keyClick(thai, Qt.Key.Key_Space)
    assert kiosk.session.visitor_lang == "th"
    assert visitor.pages.currentWidget() is visitor.conversation

    # the talk button has focus: holding Space talks, letting go stops
    talk = visitor.talk_button
    assert QApplication.focusWidget() is talk
    QTest.keyPress(talk, Qt.Key.Key_Space)
    assert kiosk.conversation.talking is True
    QTest.keyRelease(talk, Qt.Key.Key_Space)
    assert kiosk.conversation.talking is False

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
    ksl = next(b for b in visitor.language_buttons if b.property("lang") == KSL)
    _tab_until(qtbot, ksl)
    qtbot.keyClick(ksl, Qt.Key.Key_Return)
    assert kiosk.session.visitor_lang == KSL


def _tap(device, widget: QWidget, hold_ms: int = 0, during=None) -> None:
    """A finger down on the middle of `widget` and up again, as a touch screen sends it."""
    window = widget.window()
    point = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    QTest.touchEvent(window, device).press(0, point, window).commit()
    QApplication.processEvents()
    if hold_ms:
        QTest.qWait(hold_ms)
    if during is not None:
        during()
    QTest.touchEvent(window, device).release(0, point, window).commit()
    QApplication.processEvents()


def test_touch_only(screen, qtbot):
    kiosk, visitor = screen
    finger = QTest.createTouchDevice()
    mongolian = next(b for b in visitor.language_buttons if b.property("lang") == "mn")
    _tap(finger, mongolian)
    assert kiosk.session.visitor_lang == "mn"
    assert visitor.pages.currentWidget() is visitor.conversation

    held = []
    _tap(
        finger,
        visitor.talk_button,
        hold_ms=300,
        during=lambda: held.append(kiosk.conversation.talking),
    )
    assert held == [True]  # talking while the finger is down …
    assert kiosk.conversation.talking is False  # … and not once it is lifted

    _tap(finger, visitor.bigger)
    _tap(finger, visitor.bigger)
    assert visitor.scale == 1.5
    _tap(finger, visitor.smaller)
    assert visitor.scale == 1.25
    for _ in range(6):
        _tap(finger, visitor.bigger)
    assert visitor.scale == 2.0  # 200% is the largest

    _tap(finger, visitor.change_language)
    assert visitor.pages.currentWidget() is visitor.chooser
    nepali = next(b for b in visitor.language_buttons if b.property("lang") == "ne")
    _tap(finger, nepali)
    assert kiosk.session.visitor_lang == "ne"

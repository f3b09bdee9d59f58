"""The visitor's phrase picker, a real widget in a real 1920×1080 window: touch alone, keyboard
alone, slots asked for (an amount, a date, a document), large touch targets, text at 200%, and
nothing off the screen in Thai and Khmer at 200%, with screenshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QScrollArea, QWidget

from kiosk.core import strings
from kiosk.core.picker import Picker, label
from kiosk.ui.fonts import glyph_height_mm
from kiosk.ui.picker import PhrasePicker, TileButton
from kiosk.ui.theme import MIN_CONTRAST, REFERENCE_DPI, THEME, contrast_ratio, stylesheet
from tests.kiosk.ui.conftest import SCREEN, glyph_problems
from tests.kiosk.ui.conftest import tap as finger_tap

TODAY = dt.date(2025, 5, 5)
MIN_TARGET_MM = 12.0


@pytest.fixture(scope="module")
def model() -> Picker:
    return Picker.load()


@pytest.fixture
def picker(qtbot, model: Picker) -> Iterator[PhrasePicker]:
    QApplication.instance().setStyleSheet(stylesheet())
    widget = PhrasePicker(model, REFERENCE_DPI, "en", today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(*SCREEN)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    yield widget


@pytest.fixture
def finger():
    return QTest.createTouchDevice()


def tap(finger, widget: QWidget) -> None:
    """A finger on `widget` once the page it is on has been laid out."""
    QApplication.processEvents()
    finger_tap(finger, widget)


def tile(buttons: list[TileButton], name: str, value: str) -> TileButton:
    return next(b for b in buttons if b.property(name) == value)


def record(picker: PhrasePicker) -> list[tuple[str, dict]]:
    picked: list[tuple[str, dict]] = []
    picker.picked.connect(lambda phrase_id, values: picked.append((phrase_id, values)))
    return picked


def test_touch_a_topic_then_a_phrase(picker, finger):
    picked = record(picker)
    assert picker.pages.currentWidget() is picker.topics_page
    assert not picker.back_button.isVisible()
    tap(finger, tile(picker.topic_buttons, "topic", "fee"))
    assert picker.pages.currentWidget() is picker.phrases_page
    assert picker.title.text() == "Fees and payment"
    ids = [b.property("phrase_id") for b in picker.phrase_buttons]
    assert "fee.how_much" in ids and all(i.startswith("fee.") for i in ids)
    tap(finger, tile(picker.phrase_buttons, "phrase_id", "fee.how_much"))
    assert picked == [("fee.how_much", {})]
    assert picker.pages.currentWidget() is picker.topics_page  # ready for the next time

    tap(finger, tile(picker.topic_buttons, "topic", "fee"))
    tap(finger, picker.back_button)
    assert picker.pages.currentWidget() is picker.topics_page
    closed: list[bool] = []
    picker.cancelled.connect(lambda: closed.append(True))
    tap(finger, picker.close_button)
    assert closed == [True]


def test_draft_wordings_carry_a_tag_in_the_visitors_language(picker, model):
    picker.set_language("th")
    picker.open_topic("fee")
    tag = strings.visitor("th", "draft")
    for button in picker.phrase_buttons:
        phrase = model.phrase(button.property("phrase_id"), "th")
        assert button.tag_label.isVisibleTo(picker) == phrase.draft
        assert button.tag_label.text() == (tag if phrase.draft else "")
    picker.set_language("en")
    picker.open_topic("emer")
    reviewed = [
        b for b in picker.phrase_buttons if not model.phrase(b.property("phrase_id"), "en").draft
    ]
    assert reviewed and all(not b.tag_label.isVisibleTo(picker) for b in reviewed)


def test_search_filters_as_the_visitor_types(picker, qtbot):
    picker.set_language("vi")
    QTest.keyClicks(picker.search_field, "le phi")
    assert picker.pages.currentWidget() is picker.phrases_page
    assert picker.phrase_buttons[0].property("phrase_id") == "fee.how_much"
    assert picker.title.text() == label("vi", "results")
    picker.search("zzzzqqq")
    assert picker.phrase_buttons == [] and picker.empty.isVisibleTo(picker)
    assert picker.empty.text() == label("vi", "no_results")
    picker.search("")
    assert picker.pages.currentWidget() is picker.topics_page


def test_an_amount_is_asked_for_with_digits(picker, finger):
    picked = record(picker)
    picker.search("change")
    tap(finger, tile(picker.phrase_buttons, "phrase_id", "pay.big_bill"))
    assert picker.pages.currentWidget() is picker.slot_page
    assert picker.prompt.text() == label("en", "slot_amount")
    assert not picker.send_button.isEnabled()
    keys = {k.property("key"): k for k in picker.keypad}
    for digit in "50000":
        tap(finger, keys[digit])
    assert picker.number.text() == "50,000"
    assert "50,000" in picker.preview.text()
    tap(finger, keys["⌫"])
    tap(finger, keys["0"])
    tap(finger, picker.send_button)
    assert picked == [("pay.big_bill", {"amount": 50000})]


def test_a_date_is_chosen_from_the_days_ahead(picker, finger):
    picked = record(picker)
    picker.choose("next.collect_date_q")
    assert picker.prompt.text() == label("en", "slot_date")
    days = [b for b in picker.choice_buttons if b.property("value")]
    assert days[0].property("value") == TODAY.isoformat()
    assert days[0].tag_label.text() == label("en", "today")
    later = next(b for b in picker.choice_buttons if b.property("page") == 14)
    earlier = next(b for b in picker.choice_buttons if b.property("page") == -14)
    assert not earlier.isEnabled()  # never a day gone by
    tap(finger, later)
    days = [b for b in picker.choice_buttons if b.property("value")]
    assert days[0].property("value") == (TODAY + dt.timedelta(days=14)).isoformat()
    tap(finger, days[1])
    assert days[1].isChecked() and "May 20" in picker.preview.text()
    tap(finger, picker.send_button)
    assert picked == [("next.collect_date_q", {"date": dt.date(2025, 5, 20)})]


def test_a_document_is_chosen_from_the_glossary(picker, finger):
    picked = record(picker)
    picker.set_language("km")
    picker.choose("res.issue_document")
    assert picker.prompt.text().replace("\u200b", "") == label("km", "slot_document")
    passport = tile(picker.choice_buttons, "value", "passport")
    tap(finger, passport)
    assert "លិខិតឆ្លងដែន" in picker.preview.text().replace("\u200b", "")
    assert picker.preview_tag.isVisibleTo(picker)  # the Khmer wording is a draft
    font = passport.text_label.font()
    assert passport.isChecked() and passport.text_label.font() == font  # restyled, same size
    tap(finger, picker.back_button)  # back to where the phrase was: no values kept
    assert picker.pages.currentWidget() is picker.topics_page and picked == []
    picker.choose("res.issue_document")
    assert not picker.send_button.isEnabled()
    tap(finger, tile(picker.choice_buttons, "value", "passport"))
    tap(finger, picker.send_button)
    assert picked == [("res.issue_document", {"document": "passport"})]


def test_keyboard_only(picker, qtbot):
    picked = record(picker)
    picker.search_field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.search_field, timeout=5000)

    def key(k: Qt.Key) -> None:
        QTest.keyClick(QApplication.focusWidget(), k)

    def focused() -> QWidget | None:
        return QApplication.focusWidget()

    key(Qt.Key.Key_Down)  # from the search field to the first topic
    assert focused() is picker.topic_buttons[0]
    key(Qt.Key.Key_Right)
    assert focused() is picker.topic_buttons[1]
    key(Qt.Key.Key_Left)
    key(Qt.Key.Key_Down)  # the tile below, in a grid of four columns
    assert focused() is picker.topic_buttons[4]
    assert focused().property("topic") == "fee"
    key(Qt.Key.Key_Return)
    assert picker.pages.currentWidget() is picker.phrases_page
    assert focused() is picker.phrase_buttons[0]
    key(Qt.Key.Key_Escape)  # back to the topics
    assert picker.pages.currentWidget() is picker.topics_page

    # Tab reaches every tile
    picker.search_field.setFocus()
    reached = set()
    for _ in range(len(picker.topic_buttons) + 4):
        key(Qt.Key.Key_Tab)
        reached.add(focused())
    assert set(picker.topic_buttons) <= reached

    # type to search, Enter to the first result, Space to pick it
    picker.search_field.setFocus()
    QTest.keyClicks(picker.search_field, "receipt")
    key(Qt.Key.Key_Return)
    assert focused() is picker.phrase_buttons[0]
    assert focused().property("phrase_id") == "fee.receipt"
    key(Qt.Key.Key_Space)
    assert picked == [("fee.receipt", {})]

    # a phrase with an amount: digits from the keyboard, then Tab to Send and Enter
    picker.search_field.setFocus()
    QTest.keyClicks(picker.search_field, "change")
    key(Qt.Key.Key_Return)
    for _ in range(len(picker.phrase_buttons)):  # Tab walks the results in reading order
        if focused().property("phrase_id") == "pay.big_bill":
            break
        key(Qt.Key.Key_Tab)
    assert focused().property("phrase_id") == "pay.big_bill"
    key(Qt.Key.Key_Return)
    assert picker.pages.currentWidget() is picker.slot_page
    QTest.keyClicks(focused(), "10000")
    key(Qt.Key.Key_Backspace)
    assert picker.number.text() == "1,000"
    for _ in range(20):
        if focused() is picker.send_button:
            break
        key(Qt.Key.Key_Tab)
    assert focused() is picker.send_button
    key(Qt.Key.Key_Return)
    assert picked[-1] == ("pay.big_bill", {"amount": 1000})

    closed: list[bool] = []
    picker.cancelled.connect(lambda: closed.append(True))
    picker.topic_buttons[0].setFocus()
    key(Qt.Key.Key_Escape)  # Escape on the topics closes the picker
    assert closed == [True]


def pages(picker: PhrasePicker) -> Iterator[str]:
    """Every kind of page the picker shows, one after another."""
    picker.show_topics()
    yield "topics"
    picker.open_topic("pay")
    yield "phrases"
    picker.search(picker.model.phrase("fee.how_much", picker.lang).text[:6])
    yield "search"
    picker.clear()
    picker.choose("pay.big_bill")
    yield "amount"
    picker.back()
    picker.choose("next.collect_date_q")
    yield "date"
    picker.back()
    picker.choose("res.issue_document")
    yield "document"
    picker.clear()


def shown(root: QWidget) -> list[QWidget]:
    """The labels, buttons and fields of `root` on screen."""
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root) and w.width() > 1 and isinstance(w, QLabel | QPushButton | QLineEdit)
    ]


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_touch_targets_are_at_least_12_mm(picker, scale):
    picker.set_language("th")
    picker.set_scale(scale)
    for page in pages(picker):
        QApplication.processEvents()
        for button in shown(picker):
            if isinstance(button, QPushButton) and not _scrolled_out(button):
                height = button.height() / REFERENCE_DPI * 25.4
                width = button.width() / REFERENCE_DPI * 25.4
                assert min(height, width) >= MIN_TARGET_MM, (page, _name(button), height, width)
        field = picker.search_field
        if field.isVisibleTo(picker):
            assert field.height() / REFERENCE_DPI * 25.4 >= MIN_TARGET_MM


def test_text_grows_to_200_percent(picker):
    picker.set_language("km")
    picker.open_topic("fee")
    normal = glyph_height_mm(picker.phrase_buttons[0].text_label.font(), "km", REFERENCE_DPI)
    title = glyph_height_mm(picker.title.font(), "km", REFERENCE_DPI)
    picker.set_scale(2.0)
    assert picker.pages.currentWidget() is picker.phrases_page  # the page stays
    doubled = glyph_height_mm(picker.phrase_buttons[0].text_label.font(), "km", REFERENCE_DPI)
    assert doubled >= 2 * normal * 0.97
    assert glyph_height_mm(picker.title.font(), "km", REFERENCE_DPI) >= 2 * title * 0.97
    picker.set_scale(5.0)
    assert picker.scale == 2.0


@pytest.mark.parametrize("lang", ["th", "km"])
def test_nothing_overflows_at_200_percent(picker, lang, tmp_path: Path):
    picker.set_language(lang)
    picker.set_scale(2.0)
    window = picker.rect()
    for page in pages(picker):
        QApplication.processEvents()
        picker.grab().save(str(tmp_path / f"picker-{lang}-{page}.png"))
        assert glyph_problems(picker) == [], (lang, page)
        for widget in shown(picker):
            box = QRect(widget.mapTo(picker, widget.rect().topLeft()), widget.size())
            viewport = _viewport(widget)
            room = (
                QRect(viewport.mapTo(picker, viewport.rect().topLeft()), viewport.size())
                if viewport is not None
                else window
            )
            # inside the screen, and inside its scroll area's width (scrolling is only vertical)
            assert box.left() >= room.left() and box.right() <= room.right(), (
                lang,
                page,
                _name(widget),
                box,
                room,
            )
            if viewport is None:
                assert box.top() >= window.top() and box.bottom() <= window.bottom(), (
                    lang,
                    page,
                    _name(widget),
                )
            if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
                need = widget.heightForWidth(widget.width())
                assert need <= widget.height() + 2, (lang, page, widget.text()[:30], need)
                lines = widget.text().replace("\u200b", " ").split()
                widest = max(widget.fontMetrics().horizontalAdvance(w) for w in lines)
                assert widest <= widget.contentsRect().width() + 2, (lang, page, widget.text())


def test_clear_forgets_the_visit(picker):
    picker.search("receipt")
    picker.clear()
    assert picker.search_field.text() == "" and picker.pages.currentWidget() is picker.topics_page
    picker.choose("pay.big_bill")
    picker._key("5")
    picker.clear()
    assert picker.values == {} and picker.phrase is None
    assert picker.pages.currentWidget() is picker.topics_page


def test_set_language_relabels_everything(picker):
    picker.set_language("th")
    assert picker.back_button.text() == label("th", "back")
    assert picker.close_button.text() == strings.visitor("th", "pad_cancel")
    assert picker.search_field.placeholderText() == label("th", "search")
    names = {t.id: t.name for t in picker.model.topics("th")}
    for button in picker.topic_buttons:
        assert button.caption() == names[button.property("topic")]
    picker.set_language("ksl")  # a signing visitor reads Korean
    assert picker.lang == "ko" and picker.back_button.text() == label("ko", "back")


def test_the_colours_it_uses_meet_the_contrast_rule():
    pairs = {
        "phrase": (THEME.text, THEME.surface),
        "draft tag": (THEME.machine, THEME.surface),
        "topic": (THEME.button_text, THEME.button),
        "question": (THEME.accent, THEME.background),
        "chosen": (THEME.background, THEME.accent),
        "unavailable": (THEME.muted, THEME.background),
    }
    for name, (fg, bg) in pairs.items():
        assert contrast_ratio(fg, bg) >= MIN_CONTRAST, name


def _viewport(widget: QWidget) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent.viewport()
        parent = parent.parentWidget()
    return None


def _scrolled_out(widget: QWidget) -> bool:
    """A button scrolled below its scroll area's bottom (it is still whole, just not shown)."""
    viewport = _viewport(widget)
    if viewport is None:
        return False
    top = widget.mapTo(viewport, widget.rect().topLeft()).y()
    return top >= viewport.height() or top + widget.height() <= 0


def _name(widget: QWidget) -> str:
    if isinstance(widget, TileButton):
        return widget.caption()[:30]
    text = getattr(widget, "text", None)
    return f"{type(widget).__name__} {text()[:30] if callable(text) else ''}"

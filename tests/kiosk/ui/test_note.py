"""The take-away note on the visitor screen and on paper: the codes shown are read back by a real
QR decoder from the widget's own pixels, several codes are stepped through by touch and by
keyboard, the print-out is one page, and screenshots in Korean, Vietnamese and Thai pass the
font guard."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.core.session import TurnKind
from kiosk.core.takeaway import build_note
from kiosk.ui.note import NoteView, paint_page, save_pdf
from kiosk.ui.theme import REFERENCE_DPI, stylesheet
from tests.kiosk.core.test_takeaway import read_qr, staff_phrases, visit
from tests.kiosk.ui.conftest import fit_problems, glyph_problems, tap
from translate.words import ZWSP

SIZE = (1872, 1032)
DAY = date(2026, 11, 30)


def note_of(lang: str, answers: int):
    turns = visit(lang, staff_phrases(lang)[:answers], kinds=(TurnKind.VERIFIED, TurnKind.MACHINE))
    return build_note(turns, lang, DAY)


@pytest.fixture
def view(qtbot):
    QApplication.instance().setStyleSheet(stylesheet())
    view = NoteView(REFERENCE_DPI)
    qtbot.addWidget(view)
    view.resize(*SIZE)
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    return view


def gray(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return array[:, : image.width()].copy()


def shown_code(view: NoteView) -> str:
    """What a phone reads off the screen: the code label's pixels, decoded."""
    QApplication.processEvents()
    return read_qr(gray(view.code_label.grab().toImage()))


def test_each_code_on_screen_reads_back_and_steps_by_touch_and_keyboard(view, qtbot):
    note = note_of("th", 6)
    payloads = note.payloads()
    assert len(payloads) >= 2
    view.show_note(note)
    assert shown_code(view) == payloads[0]
    assert view.part_label.text() == f"รหัส 1 จาก {len(payloads)}"
    assert not view.previous_button.isEnabled()

    finger = QTest.createTouchDevice()
    tap(finger, view.next_button)
    assert view.current == 1
    assert shown_code(view) == payloads[1]

    view.previous_button.setFocus(Qt.FocusReason.TabFocusReason)  # keyboard: Space presses
    qtbot.keyClick(view.previous_button, Qt.Key.Key_Space)
    assert view.current == 0 and shown_code(view) == payloads[0]

    asked = []
    view.print_requested.connect(lambda: asked.append("print"))
    view.closed.connect(lambda: asked.append("close"))
    tap(finger, view.print_button)
    tap(finger, view.close_button)
    assert asked == ["print", "close"]


def test_one_code_has_no_steps(view):
    note = note_of("vi", 2)
    view.show_note(note)
    assert shown_code(view) == note.text().rstrip("\n")
    assert not view.next_button.isVisible() and not view.part_label.isVisible()


@pytest.mark.parametrize(("lang", "answers"), [("ko", 3), ("vi", 4), ("th", 6)])
def test_screenshot_has_no_missing_glyphs(view, tmp_path: Path, lang: str, answers: int):
    if lang == "ko":  # a Korean-reading visitor: staff's Korean as it is
        note = build_note(
            visit("ko", staff_phrases("en")[:answers], (TurnKind.ORIGINAL,)), "ksl", DAY
        )
    else:
        note = note_of(lang, answers)
    view.show_note(note)
    QApplication.processEvents()
    shot = tmp_path / f"note-{lang}.png"
    assert view.grab().save(str(shot))
    assert glyph_problems(view) == []
    assert fit_problems(view) == []
    # the labels' text less the zero-width spaces that mark where Thai and Khmer may wrap
    shown = "\n".join(label.text() for label in view.findChildren(QLabel)).replace(ZWSP, "")
    for line in note.lines:  # every answer is on screen, in both languages
        assert line.korean in shown
        assert note.bilingual is False or line.text in shown


def test_text_follows_the_kiosk_zoom(view):
    view.show_note(note_of("vi", 4))
    first = view._line_labels[0]
    normal = first.font().pixelSize()
    view.set_scale(2.0)
    QApplication.processEvents()
    assert view._line_labels[0].font().pixelSize() >= 2 * normal * 0.95
    assert fit_problems(view) == []


def test_new_visit_clears_the_note(view):
    note = note_of("vi", 3)
    view.show_note(note)
    view.clear()
    QApplication.processEvents()
    assert view.note is None and view.codes == []
    assert view.code_label.pixmap().isNull()
    shown = " ".join(label.text() for label in view.findChildren(QLabel) if label.isVisibleTo(view))
    for line in note.lines:
        assert line.korean not in shown and line.text not in shown


def test_the_print_out_is_one_page_whose_codes_read_back(tmp_path: Path):
    note = note_of("th", 8)
    pdf = save_pdf(note, tmp_path / "note.pdf")  # the path staff chose; nothing else written
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["note.pdf"]

    # the same page, painted at 200 dpi: every code on it decodes to its part of the note
    dpi = 200
    page = QImage(round(190 / 25.4 * dpi), round(277 / 25.4 * dpi), QImage.Format.Format_RGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    paint_page(note, painter, (page.width(), page.height()), dpi)
    painter.end()
    payloads = note.payloads()
    assert len(payloads) >= 2
    pixels = gray(page)
    n = len(payloads)
    gap = round(8 / 25.4 * dpi)
    side = min(round(45 / 25.4 * dpi), (page.width() - gap * (n - 1)) // n)
    found = set()
    for i in range(n):  # the codes stand in a row: read each one with the others masked out
        alone = np.full_like(pixels, 255)
        left, right = i * (side + gap), i * (side + gap) + side
        alone[:, left:right] = pixels[:, left:right]
        found.add(read_qr(alone))
    assert found == set(payloads)

"""The take-away note on the visitor screen: QR codes a phone reads, the text beside them, and a
one-page bilingual print-out.

`NoteView` shows a `kiosk.core.takeaway.Note`: one large QR code at a time (Previous/Next and
"Code 1 of 3" when the note needs several), the title and how to use it in the visitor's language,
and staff's answers line by line, each in the visitor's language with the Korean beneath. Nothing
is kept after `clear()` (New visit).

Printing is staff's choice: `print_note` paints the note on one page of any `QPrinter`;
`print_or_save_pdf` asks staff for a printer, or, when the counter has none, for where to save a
PDF. Nothing else reaches the disk.
"""

from __future__ import annotations

from pathlib import Path

import segno
from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.core.strings import KOREAN, reading_lang
from kiosk.core.takeaway import Note
from kiosk.ui.fonts import family, optical_font
from kiosk.ui.theme import THEME
from translate.words import line_breaks

TEXT_MM = 5.5  # the note's lines on screen (×  the visitor screen's zoom)
TITLE_MM = 7.0
CHROME_MM = 6.0
QUIET_ZONE = 4  # modules of white around a code, as the QR standard asks


def qr_image(code: segno.QRCode, size_px: int) -> QImage:
    """The code drawn black on white, whole pixels per module, no larger than `size_px`."""
    matrix = code.matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = max(1, size_px // modules)
    image = QImage(modules * scale, modules * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect((x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale, scale, scale)
    painter.end()
    return image


class NoteView(QWidget):
    closed = Signal()
    print_requested = Signal()  # the visitor asks for a print-out: staff decide (print_or_save_pdf)

    def __init__(self, dpi: float, scale: float = 1.0) -> None:
        super().__init__()
        self.setObjectName("note")
        self.dpi = dpi
        self.scale = scale
        self.note: Note | None = None
        self.codes: list[segno.QRCode] = []
        self.current = 0

        self.code_label = QLabel()
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.code_label.setMinimumSize(round(dpi * 2.5), round(dpi * 2.5))
        self.code_label.setStyleSheet("background: white; border-radius: 12px;")
        self.code_label.installEventFilter(self)
        self.part_label = QLabel()
        self.part_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.previous_button.clicked.connect(lambda: self.show_code(self.current - 1))
        self.next_button.clicked.connect(lambda: self.show_code(self.current + 1))
        steps = QHBoxLayout()
        steps.addWidget(self.previous_button)
        steps.addWidget(self.part_label, stretch=1)
        steps.addWidget(self.next_button)
        left = QVBoxLayout()
        left.addWidget(self.code_label, stretch=1)
        left.addLayout(steps)

        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet(f"color: {THEME.accent};")
        self.title_korean = QLabel()
        self.title_korean.setObjectName("muted")
        self.scan_label = QLabel()
        self.scan_label.setWordWrap(True)
        self.lines = QWidget()
        self.lines_layout = QVBoxLayout(self.lines)
        self.lines_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.lines)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.print_button = QPushButton()
        self.close_button = QPushButton()
        self.print_button.clicked.connect(self.print_requested.emit)
        self.close_button.clicked.connect(self.closed.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        right = QVBoxLayout()
        right.addWidget(self.title_label)
        right.addWidget(self.title_korean)
        right.addWidget(self.scan_label)
        right.addWidget(scroll, stretch=1)
        right.addLayout(buttons)

        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setSpacing(24)
        row.addLayout(left, stretch=5)
        row.addLayout(right, stretch=6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card)
        for button in (
            self.previous_button,
            self.next_button,
            self.print_button,
            self.close_button,
        ):
            button.setMinimumHeight(round(dpi * 0.6))  # ≥ 15 mm: a large touch target
        self._line_labels: list[QLabel] = []

    # -- public ----------------------------------------------------------------------------------

    def show_note(self, note: Note) -> None:
        self.note = note
        self.codes = note.codes() if not note.empty else []
        self.current = 0
        self._retranslate()
        self.show_code(0)

    def show_code(self, index: int) -> None:
        """Show the code at `index` (clamped to the codes there are)."""
        self.current = max(0, min(index, len(self.codes) - 1))
        self._render_code()
        several = len(self.codes) > 1
        for widget in (self.previous_button, self.next_button, self.part_label):
            widget.setVisible(several)
        self.previous_button.setEnabled(self.current > 0)
        self.next_button.setEnabled(self.current < len(self.codes) - 1)
        if several:
            text = self._t("note_part").format(n=self.current + 1, total=len(self.codes))
            self.part_label.setText(text)

    def set_scale(self, scale: float) -> None:
        self.scale = min(2.0, max(1.0, scale))
        if self.note is not None:
            self._retranslate()

    def clear(self) -> None:
        """Forget the note (New visit): no text and no code stays in the widget."""
        self.note = None
        self.codes = []
        self.current = 0
        self.code_label.clear()
        for label in (self.title_label, self.title_korean, self.scan_label, self.part_label):
            label.clear()
        self._clear_lines()

    # -- rendering -------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        assert self.note is not None
        lang = self._lang
        self.title_label.setFont(optical_font(lang, TITLE_MM * self.scale, self.dpi, bold=True))
        self.title_label.setText(self._t("note_title"))
        korean_title = strings.visitor(KOREAN, "note_title")
        self.title_korean.setText(korean_title if lang != KOREAN else "")
        self.title_korean.setVisible(lang != KOREAN)
        self.title_korean.setFont(optical_font(KOREAN, CHROME_MM * self.scale, self.dpi))
        self.scan_label.setFont(optical_font(lang, CHROME_MM * self.scale, self.dpi))
        self.scan_label.setText(self._t("note_scan") if self.codes else self._t("note_empty"))
        chrome = optical_font(lang, CHROME_MM, self.dpi, bold=True)
        for button, key in (
            (self.previous_button, "note_previous"),
            (self.next_button, "note_next"),
            (self.print_button, "note_print"),
            (self.close_button, "note_close"),
        ):
            button.setFont(chrome)
            button.setText(self._t(key))
            button.setAccessibleName(self._t(key))
            # ≥ 15 mm, a large touch target, and tall enough for the script's line height
            button.setMinimumHeight(max(round(self.dpi * 0.6), button.sizeHint().height()))
            button.setMinimumWidth(round(self.dpi * 1.2))  # ≥ 30 mm wide, even for "In"
        self.part_label.setFont(optical_font(lang, CHROME_MM, self.dpi))
        self.print_button.setEnabled(not self.note.empty)
        self._fill_lines()

    def _fill_lines(self) -> None:
        """Each answer: the visitor's language, the Korean beneath in Korean type (one font per
        script, so every character has its glyphs)."""
        assert self.note is not None
        self._clear_lines()
        own_font = optical_font(self._lang, TEXT_MM * self.scale, self.dpi)
        korean_font = optical_font(KOREAN, TEXT_MM * 0.9 * self.scale, self.dpi)
        indent = QFontMetrics(own_font).horizontalAdvance("1. ")
        for number, line in enumerate(self.note.lines, 1):
            rows: list[tuple[str, QFont, str, int]] = []
            if self.note.bilingual and line.text:
                mark = " *" if line.machine else ""
                rows.append((f"{number}. {line.text}{mark}", own_font, THEME.text, 0))
                rows.append((line.korean, korean_font, THEME.muted, indent))
            else:
                rows.append((f"{number}. {line.korean}", own_font, THEME.text, 0))
            for text, font, colour, left in rows:
                self._add_line(text, font, colour, left)
        if self.note.footer():
            footer_font = optical_font(self._lang, TEXT_MM * 0.8 * self.scale, self.dpi)
            self._add_line(self.note.footer(), footer_font, THEME.machine, 0)

    def _add_line(self, text: str, font: QFont, colour: str, indent: int) -> None:
        label = QLabel(line_breaks(text))
        label.setWordWrap(True)
        label.setIndent(indent)
        label.setFont(font)
        label.setStyleSheet(f"color: {colour};")
        self.lines_layout.addWidget(label)
        self._line_labels.append(label)

    def _clear_lines(self) -> None:
        for label in self._line_labels:
            label.clear()  # the visit's words leave at once, not when Qt gets round to deleting
            label.hide()
            self.lines_layout.removeWidget(label)
            label.deleteLater()
        self._line_labels = []

    def _render_code(self) -> None:
        if not self.codes:
            self.code_label.clear()
            return
        size = min(self.code_label.width(), self.code_label.height()) - 16
        image = qr_image(self.codes[self.current], max(size, 200))
        self.code_label.setPixmap(QPixmap.fromImage(image))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.code_label and event.type() == QEvent.Type.Resize:
            self._render_code()  # the code grows with its room
        return False

    @property
    def _lang(self) -> str:
        return reading_lang(self.note.visitor_lang if self.note is not None else None)

    def _t(self, key: str) -> str:
        return strings.visitor(self._lang, key)


# -- printing ------------------------------------------------------------------------------------


def print_note(note: Note, printer: QPrinter) -> None:
    """The note on one A4 page: its codes in a row, then every answer in both languages."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    painter = QPainter(printer)
    try:
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        paint_page(note, painter, (page.width(), page.height()), printer.resolution())
    finally:
        painter.end()


def save_pdf(note: Note, path: Path) -> Path:
    """The printed page as a PDF at `path` (a place staff chose)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    print_note(note, printer)
    return path


def print_or_save_pdf(note: Note, parent: QWidget) -> str | None:
    """Staff's print action: the print dialog, or where to save a PDF when no printer exists.

    Returns the printer's name or the PDF's path, or None when staff cancelled.
    """
    if QPrinterInfo.availablePrinters():
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, parent).exec() != QPrintDialog.DialogCode.Accepted:
            return None
        print_note(note, printer)
        return printer.printerName()
    title = strings.visitor(KOREAN, "note_print") + " (PDF)"  # no printer: staff choose a file
    chosen, _ = QFileDialog.getSaveFileName(parent, title, "", "PDF (*.pdf)")
    if not chosen:
        return None
    path = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
    return str(save_pdf(note, path))


def paint_page(note: Note, painter: QPainter, size: tuple[int, int], dpi: float) -> None:
    """Paint the note's page (`size` pixels at `dpi`), shrinking the type until it fits."""
    for text_pt in (12.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0):
        if _layout_page(note, painter, size, dpi, text_pt, draw=False) <= size[1]:
            break
    _layout_page(note, painter, size, dpi, text_pt, draw=True)


def _layout_page(
    note: Note, painter: QPainter, size: tuple[int, int], dpi: float, text_pt: float, draw: bool
) -> int:
    """Lay the page out at `text_pt`; draw it when `draw`; return the height used."""
    width, _ = size
    px = dpi / 72  # pixels per point
    y = 0
    lang = reading_lang(note.visitor_lang)

    def block(
        text: str, lang_of_text: str, points: float, bold: bool = False, colour: str = "black"
    ) -> None:
        nonlocal y
        font = QFont(family(lang_of_text))
        font.setPixelSize(max(6, round(points * px)))
        font.setBold(bold)
        painter.setFont(font)
        rect = QFontMetrics(font).boundingRect(
            QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text
        )
        if draw:
            painter.setPen(QColor(colour))
            painter.drawText(QRect(0, y, width, rect.height()), Qt.TextFlag.TextWordWrap, text)
        y += rect.height() + round(points * px * 0.35)

    block(f"창구 Changgu · {note.day.isoformat()}", KOREAN, text_pt * 0.9, colour="#444444")
    block(strings.visitor(lang, "note_title"), lang, text_pt * 1.6, bold=True)
    if lang != KOREAN:
        block(strings.visitor(KOREAN, "note_title"), KOREAN, text_pt * 1.2, colour="#444444")
    codes = note.codes() if not note.empty else []
    if codes:
        gap = round(8 / 25.4 * dpi)
        side = min(round(45 / 25.4 * dpi), (width - gap * (len(codes) - 1)) // len(codes))
        mark_font = QFont(family("en"))
        mark_font.setPixelSize(max(6, round(text_pt * 0.9 * px)))
        mark_height = QFontMetrics(mark_font).height() if len(codes) > 1 else 0
        if draw:
            painter.setFont(mark_font)
            painter.setPen(QColor("#444444"))
            for i, code in enumerate(codes):
                x = i * (side + gap)
                image = qr_image(code, side)  # whole device pixels per module: sharp edges
                painter.drawImage(x, y, image)
                if len(codes) > 1:  # "1/3" under each code
                    painter.drawText(
                        QRect(x, y + side, side, mark_height),
                        Qt.AlignmentFlag.AlignHCenter,
                        f"{i + 1}/{len(codes)}",
                    )
        y += side + mark_height + round(4 / 25.4 * dpi)
    for number, line in enumerate(note.lines, 1):
        if note.bilingual and line.text:
            block(
                f"{number}. {line.text}" + (" *" if line.machine else ""), lang, text_pt, bold=True
            )
            block(f"    {line.korean}", KOREAN, text_pt * 0.95)
        else:
            block(f"{number}. {line.korean}", KOREAN, text_pt, bold=True)
    if note.footer():
        block(note.footer(), lang, text_pt * 0.85, colour="#444444")
    return y

"""Staff fill a phrase's slot: an amount, a floor, a date, a document. The value is read as the
phrase will read it (`translate.slots.parse_value`) before the dialog closes: what cannot be read
is said in Korean, with the forms that can, and the dialog stays open with what staff typed. A date
has a calendar beside the field, and may be typed in figures or in words ("내일", "다음 주
화요일", "next Tuesday").

    values = ask_slots(parent, ["date"], "{date}에 다시 와 주세요.")   # None: staff cancelled
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.ui.theme import THEME
from translate.errors import SlotError
from translate.slots import parse_value


class SlotDialog(QDialog):
    """One slot's value; `value` is the text staff typed, `read` what it reads as."""

    def __init__(self, parent: QWidget | None, slot: str, phrase_text: str) -> None:
        super().__init__(parent)
        self.slot = slot
        self.setWindowTitle(strings.staff("slot_prompt"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{{{slot}}} — {phrase_text}"))
        self.field = QLineEdit()
        self.field.setAccessibleName(strings.staff("slot_prompt"))
        layout.addWidget(self.field)
        self.calendar: QCalendarWidget | None = None
        if slot == "date":
            self.field.setPlaceholderText("2026-12-15 · 12월 15일 · 내일 · 다음 주 화요일")
            self.calendar = QCalendarWidget()
            self.calendar.setMinimumDate(QDate.currentDate())
            self.calendar.setStyleSheet(  # the kiosk's dark theme, days readable on it
                f"QCalendarWidget QAbstractItemView {{ background: {THEME.surface};"
                f" color: {THEME.text}; selection-background-color: {THEME.button};"
                f" selection-color: {THEME.button_text}; }}"
                f"QCalendarWidget QAbstractItemView:disabled {{ color: {THEME.muted}; }}"
                "QCalendarWidget QWidget#qt_calendar_navigationbar"
                f" {{ background: {THEME.surface}; }}"
            )
            self.calendar.setVerticalHeaderFormat(
                QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader
            )
            weekdays = QTextCharFormat()
            weekdays.setBackground(QColor(THEME.surface))
            weekdays.setForeground(QColor(THEME.muted))
            self.calendar.setHeaderTextFormat(weekdays)
            self.calendar.clicked.connect(
                lambda day: self.field.setText(day.toString("yyyy-MM-dd"))
            )
            layout.addWidget(self.calendar)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {THEME.untranslated};")
        self.problem.setVisible(False)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.read: object = None

    def accept(self) -> None:
        """Close only on a value the phrase can read; else say why, in Korean, and stay."""
        text = self.field.text().strip()
        if not text:
            self._say(strings.staff("slot_prompt"))
            return
        try:
            self.read = parse_value(self.slot, text, today=dt.date.today())
        except SlotError as error:
            self._say(str(error))
            return
        super().accept()

    @property
    def value(self) -> str:
        return self.field.text().strip()

    def _say(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(True)
        self.field.setFocus()


def ask_slots(
    parent: QWidget | None, slots: Sequence[str], phrase_text: str
) -> dict[str, str] | None:
    """Each slot's value, as typed and readable; None when staff cancel one."""
    values: dict[str, str] = {}
    for slot in slots:
        dialog = SlotDialog(parent, slot, phrase_text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        values[slot] = dialog.value
    return values

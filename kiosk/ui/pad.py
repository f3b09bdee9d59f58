"""The visitor's writing pad: a large text field and an on-screen keyboard in large keys.

Korean (2-beolsik, jamo composed into syllables by `kiosk.ui.hangul`; Shift for ㅃㅉㄸㄲㅆㅒㅖ) and
Latin (QWERTY, Shift for capitals), digits, space, delete, send and close, and a key that switches
between the two layouts. A physical keyboard and the system input method work in the field too;
with the Korean layout showing, a plain keyboard's letter keys type 2-beolsik jamo.

Touch alone: every key is a button a tap presses, and taps leave the focus in the field. Keyboard
alone: Tab walks from the field over every key, the arrow keys move between keys as they are laid
out, Space or Enter presses the key with focus; in the field Enter sends, Shift+Enter starts a new
line and Escape closes.

    pad = WritingPad("vi", dpi)
    pad.submitted.connect(lambda text: ...)   # the visitor pressed Send
    pad.cancelled.connect(...)                # the visitor closed the pad
    pad.set_scale(1.5)                        # follows the visitor screen's A+ / A−
    pad.clear()                               # New visit: nothing of the visit stays
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeGuard

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QInputMethodEvent,
    QKeyEvent,
    QResizeEvent,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.core.strings import KOREAN, reading_lang
from kiosk.ui.fonts import fitted, font_for, jamo_font, optical_font
from kiosk.ui.hangul import DUBEOLSIK, DUBEOLSIK_SHIFT, HangulComposer
from kiosk.ui.theme import THEME, mm_to_px

LATIN = "latin"
FIELD_MM = 10.0  # the visitor's own words, large enough to check each syllable
KEY_MM = 7.0  # capital height of a key's label
COMMAND_MM = 5.5  # Send, Close, Space, … (shrunk further if a long word needs it)

_LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_DIGITS = "1234567890"
_DIGITS_SHIFT = "!@#$%^&*()"
_GRID = 20  # grid columns: a letter key spans 2, wide keys 3 to 5


@dataclass
class _Slot:
    """A key's place on the keyboard: row, first grid column and span."""

    row: int
    column: int
    span: int


class WritingPad(QWidget):
    submitted = Signal(str)  # the text the visitor sends (stripped, never empty)
    cancelled = Signal()

    def __init__(self, lang: str | None, dpi: float, scale: float = 1.0) -> None:
        super().__init__()
        self.setObjectName("pad")
        self.dpi = dpi
        self.scale = scale
        self.lang = lang or "en"
        self.layout_name = self._opening_layout()
        self.shifted = False
        self.composer = HangulComposer()
        self._sending = False  # our own input-method events pass the field's filter untouched

        self.field = QPlainTextEdit()
        self.field.setTabChangesFocus(True)
        self.field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.field.installEventFilter(self)
        self.field.setStyleSheet(
            f"QPlainTextEdit {{ background: {THEME.surface}; color: {THEME.text};"
            f" border: 2px solid {THEME.muted}; border-radius: 12px; padding: 8px; }}"
            f"QPlainTextEdit:focus {{ border: 4px solid {THEME.accent}; }}"
        )

        self.keys: list[QPushButton] = []  # every key, in reading order (also the Tab order)
        self.character_keys: dict[str, QPushButton] = {}  # by QWERTY position ("q", "1", …)
        self._slots: dict[QPushButton, _Slot] = {}
        keyboard = QWidget()
        self.grid = QGridLayout(keyboard)
        self.grid.setSpacing(8)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self._build_keys()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.field, stretch=2)
        layout.addWidget(keyboard, stretch=5)
        previous: QWidget = self.field
        for key in self.keys:  # Tab goes from the field over the keys in reading order
            QWidget.setTabOrder(previous, key)
            previous = key
        self._retranslate()

    # -- public ----------------------------------------------------------------------------------

    def text(self) -> str:
        """What the visitor has written so far, the syllable being composed included."""
        return self.field.toPlainText() + self.composer.composing

    def clear(self) -> None:
        """Forget what was written (New visit, or after sending)."""
        self.composer.clear()
        self._show_composition()
        self.field.clear()

    def set_language(self, lang: str | None) -> None:
        """The visitor's language: the labels, and the layout the pad opens with."""
        self.lang = lang or "en"
        self._finish_composition()
        self.layout_name = self._opening_layout()
        self._retranslate()

    def set_scale(self, scale: float) -> None:
        """Text size, as the visitor screen's A+ / A− (1.0 to 2.0)."""
        self.scale = min(2.0, max(1.0, scale))
        self._retranslate()

    def set_layout(self, name: str) -> None:
        """KOREAN or LATIN."""
        self._finish_composition()
        self.layout_name = name
        self.shifted = False
        self._relabel()

    def type_key(self, key: str) -> None:
        """Type a character as its on-screen key does (a jamo composes in the Korean layout)."""
        self.composer.press(key)
        self._show_composition()

    def backspace(self) -> None:
        if not self.composer.backspace():
            self.field.textCursor().deletePreviousChar()
        self._show_composition()

    def send(self) -> None:
        self._finish_composition()
        text = self.field.toPlainText().strip()
        if text:
            self.clear()
            self.submitted.emit(text)

    def cancel(self) -> None:
        self._finish_composition()
        self.cancelled.emit()

    # -- building --------------------------------------------------------------------------------

    def _build_keys(self) -> None:
        for column, position in enumerate(_DIGITS):
            self._character_key(position, _Slot(0, 2 * column, 2))
        for row, letters in enumerate(_LETTER_ROWS, start=1):
            first = {1: 0, 2: 1, 3: 3}[row]
            for i, position in enumerate(letters):
                self._character_key(position, _Slot(row, first + 2 * i, 2))
            if row == 3:
                self.shift_key = self._command_key(_Slot(3, 0, 3), self._toggle_shift)
                self.shift_key.setCheckable(True)
                self.backspace_key = self._command_key(_Slot(3, 17, 3), self.backspace)
        self.layout_key = self._command_key(_Slot(4, 0, 3), self._toggle_layout)
        for column, mark in zip((3, 5, 7), ",.?", strict=True):
            self._character_key(mark, _Slot(4, column, 2))
        self.space_key = self._command_key(_Slot(4, 9, 5), lambda: self.type_key(" "))
        self.cancel_key = self._command_key(_Slot(4, 14, 3), self.cancel)
        self.send_key = self._command_key(_Slot(4, 17, 3), self.send)
        self.send_key.setObjectName("send")
        self.send_key.setStyleSheet(
            f"QPushButton#send {{ background: {THEME.button}; color: {THEME.button_text}; }}"
        )
        self.keys.sort(key=lambda k: (self._slots[k].row, self._slots[k].column))

    def _character_key(self, position: str, slot: _Slot) -> None:
        key = self._key(slot)
        key.setProperty("position", position)
        key.clicked.connect(lambda _=False, k=key: self._character_pressed(k))
        self.character_keys[position] = key

    def _command_key(self, slot: _Slot, action: Callable[[], None]) -> QPushButton:
        key = self._key(slot)
        key.clicked.connect(lambda _=False: action())
        return key

    def _key(self, slot: _Slot) -> QPushButton:
        key = QPushButton()
        key.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a tap leaves the focus in the field
        key.setAutoRepeat(False)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        key.setStyleSheet(
            f"QPushButton {{ background: {THEME.surface}; color: {THEME.text}; padding: 4px; }}"
        )
        key.installEventFilter(self)
        self.grid.addWidget(key, slot.row, slot.column, 1, slot.span)
        self._slots[key] = slot
        self.keys.append(key)
        return key

    # -- labels and sizes ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.field.setFont(font_for(reading_lang(self.lang), FIELD_MM * self.scale, self.dpi))
        self.field.setPlaceholderText(self._t("pad_placeholder"))
        self.field.setAccessibleName(self._t("pad_placeholder"))
        for column in range(_GRID):
            self.grid.setColumnStretch(column, 1)
        row_height = round(mm_to_px(KEY_MM * self.scale * 2.2, self.dpi))
        for row in range(5):
            self.grid.setRowMinimumHeight(row, row_height)
        for key, name in (
            (self.shift_key, "pad_shift"),
            (self.backspace_key, "pad_backspace"),
            (self.space_key, "pad_space"),
            (self.cancel_key, "pad_cancel"),
            (self.send_key, "pad_send"),
        ):
            key.setText(self._t(name))
            key.setAccessibleName(self._t(name))
        self._relabel()

    def _relabel(self) -> None:
        """Key labels for the layout and Shift state, each in a font that draws them."""
        korean = self.layout_name == KOREAN
        for position, key in self.character_keys.items():
            label = self._character(position)
            key.setText(label)
            key.setAccessibleName(label)
            key.setFont(self._label_font(korean and position in DUBEOLSIK))
        other = LATIN if korean else KOREAN
        self.layout_key.setText("ABC" if korean else "한글")
        self.layout_key.setAccessibleName(self._t("pad_latin" if korean else "pad_korean"))
        self.layout_key.setProperty("switches_to", other)
        self.layout_key.setFont(
            optical_font(
                other if other == KOREAN else "en", KEY_MM * self.scale, self.dpi, bold=True
            )
        )
        self.shift_key.setChecked(self.shifted)
        self._fit_commands()

    def _label_font(self, jamo: bool) -> QFont:
        """A character key's font: a jamo as tall as a Latin capital on the next key."""
        latin = optical_font("en", KEY_MM * self.scale, self.dpi, bold=True)
        return jamo_font(latin) if jamo else latin

    def _fit_commands(self) -> None:
        """Command keys in the visitor's language; a long word shrinks until it fits its key."""
        base = optical_font(reading_lang(self.lang), COMMAND_MM * self.scale, self.dpi, bold=True)
        for key in (
            self.shift_key,
            self.backspace_key,
            self.space_key,
            self.cancel_key,
            self.send_key,
        ):
            key.setFont(fitted(base, key.text(), self._key_width(key)))

    def _key_width(self, key: QPushButton) -> float:
        """The width a key's label may use: its grid share, less padding."""
        width = self.width() if self.width() > 100 else 1200
        return width * self._slots[key].span / _GRID - 24

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_commands()

    def _character(self, position: str) -> str:
        if position in _DIGITS:
            return _DIGITS_SHIFT[_DIGITS.index(position)] if self.shifted else position
        if position not in DUBEOLSIK:
            return position  # punctuation
        if self.layout_name == KOREAN:
            return (
                DUBEOLSIK_SHIFT.get(position, DUBEOLSIK[position])
                if self.shifted
                else DUBEOLSIK[position]
            )
        return position.upper() if self.shifted else position

    def _t(self, key: str) -> str:
        return strings.visitor(reading_lang(self.lang), key)

    def _opening_layout(self) -> str:
        """Korean keys for a visitor who writes Korean, Latin ones for everyone else."""
        return KOREAN if reading_lang(self.lang) == KOREAN else LATIN

    # -- keys ------------------------------------------------------------------------------------

    def _character_pressed(self, key: QPushButton) -> None:
        self.type_key(key.text())
        if self.shifted:  # Shift holds for one character, like a phone's keyboard
            self.shifted = False
            self._relabel()

    def _toggle_shift(self) -> None:
        self.shifted = not self.shifted
        self._relabel()

    def _toggle_layout(self) -> None:
        self.set_layout(LATIN if self.layout_name == KOREAN else KOREAN)

    # -- the field: composition shown as the input method's preedit ----------------------------

    def _show_composition(self) -> None:
        """Commit what the composer finished and show the syllable being composed, underlined."""
        committed = self.composer.take_committed()
        composing = self.composer.composing
        underline = QTextCharFormat()
        underline.setFontUnderline(True)
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat, 0, len(composing), underline
            ),
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.Cursor, len(composing), 1, None
            ),
        ]
        event = QInputMethodEvent(composing, attributes)
        event.setCommitString(committed)
        self._sending = True
        try:
            QApplication.sendEvent(self.field, event)
        finally:
            self._sending = False

    def _finish_composition(self) -> None:
        if self.composer.composing or self.composer.committed:
            self.composer.finish()
            self._show_composition()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field:
            return self._field_event(event)
        if _key_press(event) and isinstance(watched, QPushButton):
            return self._key_event(watched, event)
        return False

    def _field_event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.InputMethod and not self._sending:
            self._finish_composition()  # the system input method types: our syllable is done
        elif kind == QEvent.Type.MouseButtonPress:
            self._finish_composition()  # the cursor is about to move
        elif _key_press(event):
            return self._physical_key(event)
        return False

    def _physical_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = modifiers == Qt.KeyboardModifier.ShiftModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not shift:
            self.send()
            return True
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if key == Qt.Key.Key_Hangul:  # the Korean keyboard's 한/영 key
            self._toggle_layout()
            return True
        if key == Qt.Key.Key_Backspace and self.composer.composing:
            self.backspace()
            return True
        letter = event.text().lower()
        capital = event.text() != letter  # Shift or Caps Lock: the double consonants
        plain = modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        if self.layout_name == KOREAN and plain and len(letter) == 1 and letter in DUBEOLSIK:
            jamo = DUBEOLSIK_SHIFT.get(letter, DUBEOLSIK[letter]) if capital else DUBEOLSIK[letter]
            self.type_key(jamo)
            return True
        if key not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            self._finish_composition()  # anything else: the syllable is done, the field goes on
        return False

    def _key_event(self, key: QPushButton, event: QKeyEvent) -> bool:
        """Arrows move between keys as they are laid out; Enter presses the key (as Space does)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            key.click()
            return True
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        move = moves.get(Qt.Key(event.key()))
        if move is None:
            return False
        target = self._neighbour(key, *move)
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)
        elif move == (-1, 0):
            self.field.setFocus(Qt.FocusReason.TabFocusReason)  # up from the top row: the field
        return True

    def _neighbour(self, key: QPushButton, rows: int, columns: int) -> QPushButton | None:
        slot = self._slots[key]
        if columns:
            in_row = [k for k in self.keys if self._slots[k].row == slot.row]
            i = in_row.index(key) + columns
            return in_row[i] if 0 <= i < len(in_row) else None
        row = slot.row + rows
        middle = slot.column + slot.span / 2
        in_row = [k for k in self.keys if self._slots[k].row == row]
        if not in_row:
            return None
        return min(
            in_row, key=lambda k: abs(self._slots[k].column + self._slots[k].span / 2 - middle)
        )


def _key_press(event: QEvent) -> TypeGuard[QKeyEvent]:
    return event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)

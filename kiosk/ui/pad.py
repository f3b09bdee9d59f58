"""The visitor's writing pad: a large text field and an on-screen keyboard in large keys.

Every visitor language has its own keyboard (`kiosk.keyboards`: Thai, Khmer, Nepali, Russian,
Mongolian, Uzbek, Vietnamese Telex, Chinese pinyin, Japanese kana, Korean 2-beolsik), then Latin;
a key switches between them, showing the next one's name in its own script. Keys compose through
the layout's composer: jamo into syllables (`kiosk.ui.hangul`), Telex into tone marks, pinyin and
kana into hanzi and kanji picked from a row of candidates. Shift, and for Khmer a key with the
layout's third level, change what the keys type; the command keys (space, delete, close, send, the
switch) are labelled in the visitor's language. A physical keyboard and the system input method
work in the field too; with the Korean, Vietnamese or Chinese layout showing, a plain keyboard's
letter keys type through its composer.

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

import logging
import threading
from collections.abc import Callable, Sequence
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
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.core.strings import reading_lang
from kiosk.keyboards import (
    CandidateComposer,
    Composer,
    ComposerKind,
    Key,
    Layout,
    PlainComposer,
    composer_for,
    labels_for,
    layout,
    layouts_for,
    preload,
)
from kiosk.ui.fonts import fitted, font_for, jamo_font, optical_font
from kiosk.ui.theme import THEME, mm_to_px
from translate.words import line_breaks

LATIN = "latin"
HANGUL = "hangul"
FIELD_MM = 10.0  # the visitor's own words, large enough to check each syllable
KEY_MM = 7.0  # capital height of a key's label
COMMAND_MM = 5.5  # Send, Close, Space, … (shrunk further if a long word needs it)
MIN_KEY_MM = 15.0  # the least height of a key, at any text size
MAX_CANDIDATES = 8  # hanzi or kanji offered at once

log = logging.getLogger(__name__)

_GRID = 28  # grid columns: a character key spans 2 (14 to a row), command keys 3 to 9
#: the language whose font draws a layout's keys
_KEY_FONT = {
    "thai": "th",
    "khmer": "km",
    "nepali": "ne",
    "russian": "ru",
    "mongolian": "mn",
    "uzbek-cyrillic": "uz",
    "kana": "ja",
    HANGUL: "ko",
}


@dataclass
class _Slot:
    """A key's place on the keyboard: row, first grid column and span."""

    row: int
    column: int
    span: int


class WritingPad(QWidget):
    submitted = Signal(str)  # the text the visitor sends (stripped, never empty)
    cancelled = Signal()
    suggestion_chosen = Signal(str)  # the id of a suggestion the visitor tapped (`suggest`)

    def __init__(self, lang: str | None, dpi: float, scale: float = 1.0) -> None:
        super().__init__()
        self.setObjectName("pad")
        self.dpi = dpi
        self.scale = scale
        self.lang = lang or "en"
        self.layouts: list[Layout] = layouts_for(reading_lang(self.lang))
        self.keyboard_layout: Layout = self.layouts[0]
        self.shifted = False
        self.alt = False  # the layout's third level (Khmer's ឯ ឱ ៈ …)
        self.composer: Composer = _composer(self.keyboard_layout)
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
        # words for the pinyin or kana being typed: tap one to write it
        self.candidate_bar = QWidget()
        self.candidate_row = QHBoxLayout(self.candidate_bar)
        self.candidate_row.setContentsMargins(0, 0, 0, 0)
        self.candidate_row.setSpacing(8)
        self.candidate_keys: list[QPushButton] = []
        # what the words typed so far may be looking for (the phrase picker's search): tap one
        self.suggestion_bar = QWidget()
        self.suggestion_row = QHBoxLayout(self.suggestion_bar)
        self.suggestion_row.setContentsMargins(0, 0, 0, 0)
        self.suggestion_row.setSpacing(8)
        self.suggestion_keys: list[QPushButton] = []
        self.suggestion_bar.setVisible(False)

        self.keys: list[QPushButton] = []  # every key, in reading order (also the Tab order)
        self.character_keys: dict[str, QPushButton] = {}  # by the key's xkb position (AD01, …)
        self._key_data: dict[QPushButton, Key] = {}
        self._slots: dict[QPushButton, _Slot] = {}
        self._commands: list[QPushButton] = []
        keyboard = self.keyboard = QWidget()
        self.grid = QGridLayout(keyboard)
        self.grid.setSpacing(8)
        self.grid.setContentsMargins(0, 0, 0, 0)
        for column in range(_GRID):
            self.grid.setColumnStretch(column, 1)
        self.shift_key = self._command_key(self._toggle_shift)
        self.shift_key.setCheckable(True)
        self.alt_key = self._command_key(self._toggle_alt)
        self.alt_key.setCheckable(True)
        self.layout_key = self._command_key(self._next_layout)
        self.space_key = self._command_key(lambda: self.type_key(" "))
        self.backspace_key = self._command_key(self.backspace)
        self.cancel_key = self._command_key(self.cancel)
        self.send_key = self._command_key(self.send)
        self.send_key.setObjectName("send")
        self.send_key.setStyleSheet(
            f"QPushButton#send {{ background: {THEME.button}; color: {THEME.button_text}; }}"
        )

        layout_ = QVBoxLayout(self)
        layout_.setContentsMargins(0, 0, 0, 0)
        layout_.setSpacing(12)
        layout_.addWidget(self.field, stretch=2)
        layout_.addWidget(self.suggestion_bar)
        layout_.addWidget(self.candidate_bar)
        layout_.addWidget(keyboard, stretch=5)
        self._build_keys()
        self._retranslate()

    # -- public ----------------------------------------------------------------------------------

    @property
    def layout_name(self) -> str:
        return self.keyboard_layout.name

    def text(self) -> str:
        """What the visitor has written so far, the text being composed included."""
        return self.field.toPlainText() + self.composer.composing

    def clear(self) -> None:
        """Forget what was written (New visit, or after sending)."""
        self.composer.clear()
        self._show_composition()
        self.field.clear()

    def set_language(self, lang: str | None) -> None:
        """The visitor's language: the labels, and the keyboards the pad offers."""
        self._finish_composition()
        self.lang = lang or "en"
        self.layouts = layouts_for(reading_lang(self.lang))
        for offered in self.layouts:  # a dictionary to convert with is read before the first key
            if offered.composer in (ComposerKind.PINYIN, ComposerKind.KANA):
                threading.Thread(target=_preload, args=(offered,), daemon=True).start()
        self._use(self.layouts[0])
        self._retranslate()

    def set_scale(self, scale: float) -> None:
        """Text size, as the visitor screen's A+ / A− (1.0 to 2.0)."""
        self.scale = min(2.0, max(1.0, scale))
        self._retranslate()

    def set_layout(self, name: str) -> None:
        """Show the layout `name` (one of `kiosk.keyboards`' layouts, such as LATIN)."""
        self._finish_composition()
        self._use(layout(name))
        self._relabel()

    def type_key(self, key: str) -> None:
        """Type a key's text as its on-screen key does (through the layout's composer)."""
        try:
            self.composer.press(key)
        except Exception as error:  # see _fall_back
            self._fall_back(error)
            self.composer.press(key)
        self._show_composition()

    def backspace(self) -> None:
        if not self.composer.backspace():
            self.field.textCursor().deletePreviousChar()
        self._show_composition()

    def choose(self, index: int) -> None:
        """Write candidate `index` of the pinyin or kana being typed."""
        if _offers_candidates(self.composer):
            try:
                self.composer.choose(index)
            except Exception as error:  # see _fall_back
                self._fall_back(error)
            self._show_composition()

    def suggest(self, suggestions: Sequence[tuple[str, str]]) -> None:
        """Show (id, text) suggestions above the keys, or none: tapping one emits its id."""
        for key in self.suggestion_keys:
            self.suggestion_row.removeWidget(key)
            key.hide()
            key.deleteLater()
        self.suggestion_keys = []
        font = optical_font(reading_lang(self.lang), COMMAND_MM * self.scale, self.dpi)
        for ident, text in suggestions:
            key = self._key()
            key.setText(line_breaks(text))
            key.setAccessibleName(text)
            key.setFont(fitted(font, text, max(200, self.width() / max(1, len(suggestions)) - 24)))
            key.setProperty("suggestion", ident)
            key.clicked.connect(lambda _=False, i=ident: self.suggestion_chosen.emit(i))
            self.suggestion_row.addWidget(key)
            self.suggestion_keys.append(key)
        self.suggestion_bar.setVisible(bool(suggestions))
        self.suggestion_bar.setMinimumHeight(round(mm_to_px(MIN_KEY_MM, self.dpi)))

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

    def _use(self, chosen: Layout) -> None:
        """Make `chosen` the layout shown, with a fresh composer and its keys."""
        self.keyboard_layout = chosen
        if chosen not in self.layouts:
            self.layouts.append(chosen)
        self.composer = _composer(chosen)
        self.shifted = self.alt = False
        self._build_keys()

    def _build_keys(self) -> None:
        """The layout's rows of character keys, each row centred, then the command row."""
        for key in list(self._key_data):
            self.grid.removeWidget(key)
            key.hide()  # gone at once: a tap before Qt deletes it must not reach it
            key.deleteLater()
            self.keys.remove(key)
            del self._slots[key]
        self._key_data.clear()
        self.character_keys.clear()
        rows = self.keyboard_layout.rows
        for row, keys in enumerate(rows):
            first = max(0, (_GRID - 2 * len(keys)) // 2)
            for i, data in enumerate(keys[: _GRID // 2]):
                self._character_key(data, _Slot(row, first + 2 * i, 2))
        self._place_commands(len(rows))
        self.keys.sort(key=lambda k: (self._slots[k].row, self._slots[k].column))
        previous: QWidget = self.field
        for key in self.keys:  # Tab goes from the field over the keys in reading order
            QWidget.setTabOrder(previous, key)
            previous = key
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 1 if row <= len(rows) else 0)

    def _place_commands(self, row: int) -> None:
        """Shift, the third level (where the layout has one), the layout switch (where there
        is another), space, delete, close and send, in one row under the characters."""
        has_alt = any(key.alt for key in self.keyboard_layout.every_key())
        switch = len(self.layouts) > 1
        spans = [
            (self.shift_key, 3),
            (self.alt_key, 3 if has_alt else 0),
            (self.layout_key, 3 if switch else 0),
            (self.space_key, 0),  # the rest
            (self.backspace_key, 4),
            (self.cancel_key, 3),
            (self.send_key, 4),
        ]
        spans[3] = (self.space_key, _GRID - sum(span for _, span in spans))
        column = 0
        for key, span in spans:
            key.setVisible(span > 0)
            if key in self._slots:
                self.grid.removeWidget(key)
                if key in self.keys:
                    self.keys.remove(key)
                del self._slots[key]
            if span:
                self.grid.addWidget(key, row, column, 1, span)
                self._slots[key] = _Slot(row, column, span)
                self.keys.append(key)
                column += span

    def _character_key(self, data: Key, slot: _Slot) -> None:
        key = self._key()
        key.setProperty("position", data.position)
        key.clicked.connect(lambda _=False, k=key: self._character_pressed(k))
        self.character_keys[data.position] = key
        self._key_data[key] = data
        self.grid.addWidget(key, slot.row, slot.column, 1, slot.span)
        self._slots[key] = slot
        self.keys.append(key)

    def _command_key(self, action: Callable[[], None]) -> QPushButton:
        key = self._key()
        key.setParent(self.keyboard)  # shown or hidden with the keyboard, never a window of its own
        key.clicked.connect(lambda _=False: action())
        self._commands.append(key)
        return key

    def _key(self) -> QPushButton:
        key = QPushButton()
        key.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a tap leaves the focus in the field
        key.setAutoRepeat(False)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        key.setStyleSheet(
            f"QPushButton {{ background: {THEME.surface}; color: {THEME.text}; padding: 4px; }}"
        )
        key.installEventFilter(self)
        return key

    # -- labels and sizes ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.field.setFont(font_for(reading_lang(self.lang), FIELD_MM * self.scale, self.dpi))
        self.field.setPlaceholderText(self._t("pad_placeholder"))
        self.field.setAccessibleName(self._t("pad_placeholder"))
        labels = labels_for(reading_lang(self.lang))
        for key, text in (
            (self.shift_key, "⇧"),
            (self.backspace_key, labels.delete),
            (self.space_key, labels.space),
            (self.cancel_key, labels.close),
            (self.send_key, labels.send),
        ):
            key.setText(text)
            key.setAccessibleName(text)
        self.shift_key.setAccessibleName(labels.shift)
        self.layout_key.setAccessibleName(labels.switch)
        self._size_rows()
        self._relabel()

    def _size_rows(self) -> None:
        """Rows as tall as the text size asks, never under MIN_KEY_MM, and all of them within
        the pad's keyboard share (rows beyond five give up height first)."""
        rows = len(self.keyboard_layout.rows) + 1
        wanted = mm_to_px(KEY_MM * self.scale * 2.2, self.dpi)
        room = (self.height() if self.height() > 200 else 1000) * 5 / 7 - 8 * rows
        height = round(max(mm_to_px(MIN_KEY_MM, self.dpi), min(wanted, room / rows)))
        for row in range(self.grid.rowCount()):
            self.grid.setRowMinimumHeight(row, height if row < rows else 0)
        self.candidate_bar.setMinimumHeight(round(mm_to_px(MIN_KEY_MM, self.dpi)))

    def _relabel(self) -> None:
        """Key labels for the layout, Shift and third-level state, each in a font that draws
        them."""
        font = self._label_font()
        for key, data in self._key_data.items():
            label = data.label(self.shifted, self.alt) or data.label()
            key.setText(label)
            key.setAccessibleName(label)
            key.setFont(font)
        following = self._following()
        self.layout_key.setText(following.switch_label)
        self.layout_key.setProperty("switches_to", following.name)
        self.layout_key.setFont(
            optical_font(_KEY_FONT.get(following.name, "en"), KEY_MM * self.scale, self.dpi)
        )
        alt_sample = "".join(  # the first letters of the third level name its key: ឯឫ
            k.alt for k in self.keyboard_layout.every_key() if k.alt and k.alt[0].isalpha()
        )[:2]
        self.alt_key.setText(alt_sample or "Alt")
        self.alt_key.setAccessibleName(alt_sample or "Alt")
        self.alt_key.setFont(self._label_font())
        self.shift_key.setChecked(self.shifted)
        self.alt_key.setChecked(self.alt)
        self._fit_commands()
        self._show_candidates()

    def _label_font(self) -> QFont:
        """A character key's font: a jamo as tall as a Latin capital on the next key."""
        lang = _KEY_FONT.get(self.keyboard_layout.name, "en")
        if self.keyboard_layout.composer is ComposerKind.HANGUL:
            return jamo_font(optical_font("en", KEY_MM * self.scale, self.dpi, bold=True))
        return optical_font(lang, KEY_MM * self.scale, self.dpi, bold=True)

    def _fit_commands(self) -> None:
        """Command keys in the visitor's language; a long word shrinks until it fits its key."""
        base = optical_font(reading_lang(self.lang), COMMAND_MM * self.scale, self.dpi, bold=True)
        for key in (self.backspace_key, self.space_key, self.cancel_key):
            key.setFont(fitted(base, key.text(), self._key_width(key)))
        self.shift_key.setFont(optical_font("en", KEY_MM * self.scale, self.dpi, bold=True))
        self.send_key.setFont(fitted(base, self.send_key.text(), self._key_width(self.send_key)))

    def _key_width(self, key: QPushButton) -> float:
        """The width a key's label may use: its grid share, less padding."""
        width = self.width() if self.width() > 100 else 1200
        slot = self._slots.get(key)
        return width * (slot.span if slot else 3) / _GRID - 24

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_rows()
        self._fit_commands()

    def _following(self) -> Layout:
        """The layout the switch key shows next."""
        if len(self.layouts) < 2:
            return self.keyboard_layout
        shown = self.keyboard_layout
        at = self.layouts.index(shown) if shown in self.layouts else -1
        return self.layouts[(at + 1) % len(self.layouts)]

    def _t(self, key: str) -> str:
        return strings.visitor(reading_lang(self.lang), key)

    # -- keys ------------------------------------------------------------------------------------

    def _character_pressed(self, key: QPushButton) -> None:
        data = self._key_data[key]
        text = data.output(self.shifted, self.alt) or data.output()
        self.type_key(text)
        if self.shifted or self.alt:  # Shift holds for one character, like a phone's keyboard
            self.shifted = self.alt = False
            self._relabel()

    def _toggle_shift(self) -> None:
        self.shifted = not self.shifted
        self.alt = False
        self._relabel()

    def _toggle_alt(self) -> None:
        self.alt = not self.alt
        self.shifted = False
        self._relabel()

    def _next_layout(self) -> None:
        self.set_layout(self._following().name)

    # -- candidates ------------------------------------------------------------------------------

    def _show_candidates(self) -> None:
        """The candidates of the pinyin or kana being typed, as keys above the keyboard."""
        words: tuple[str, ...] = ()
        if _offers_candidates(self.composer) and self.composer.composing:
            try:
                words = self.composer.candidates[:MAX_CANDIDATES]
            except Exception as error:  # see _fall_back
                self._fall_back(error)
                self._show_composition()
                return
        while len(self.candidate_keys) < len(words):
            key = self._key()
            index = len(self.candidate_keys)
            key.clicked.connect(lambda _=False, i=index: self.choose(i))
            self.candidate_row.addWidget(key)
            self.candidate_keys.append(key)
        font = optical_font(reading_lang(self.lang), KEY_MM * self.scale, self.dpi)
        for i, key in enumerate(self.candidate_keys):
            shown = i < len(words)
            key.setVisible(shown)
            if shown:
                key.setText(words[i])
                key.setAccessibleName(words[i])
                key.setFont(font)
        self.candidate_bar.setVisible(_offers_candidates(self.composer))

    # -- the field: composition shown as the input method's preedit ----------------------------

    def _show_composition(self) -> None:
        """Commit what the composer finished and show what is being composed, underlined."""
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
        # the placeholder is drawn while the field's own text is empty, under the preedit
        self.field.setPlaceholderText("" if composing else self._t("pad_placeholder"))
        self._show_candidates()

    def _finish_composition(self) -> None:
        if self.composer.composing or self.composer.committed:
            try:
                self.composer.finish()
            except Exception as error:  # see _fall_back
                self._fall_back(error)
            self._show_composition()

    def _fall_back(self, error: Exception) -> None:
        """The composer's dictionary cannot be read (a damaged install): keep what the visitor
        typed, as typed, and let the keys type as they are from now on."""
        log.warning("the %s keyboard types without conversion: %s", self.layout_name, error)
        typed = self.composer.composing
        self.composer = PlainComposer()
        self.composer.press(typed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field:
            return self._field_event(event)
        if _key_press(event) and isinstance(watched, QPushButton):
            return self._key_event(watched, event)
        return False

    def _field_event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.InputMethod and not self._sending:
            self._finish_composition()  # the system input method types: our text is done
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
            self._next_layout()
            return True
        if key == Qt.Key.Key_Backspace and self.composer.composing:
            self.backspace()
            return True
        typed = event.text()
        plain = modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        through = self._through_composer(typed) if plain and len(typed) == 1 else None
        if through is not None:
            self.type_key(through)
            return True
        candidates = _offers_candidates(self.composer)
        if key == Qt.Key.Key_Space and candidates and self.composer.composing:
            self.type_key(" ")  # the best candidate, as on a phone
            return True
        if key not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            self._finish_composition()  # anything else: the word is done, the field goes on
        return False

    def _through_composer(self, typed: str) -> str | None:
        """What a physical keyboard's letter types through the layout's composer: the 2-beolsik
        jamo on its key (Shift for the double consonants), or the letter itself for Telex and
        pinyin; None for layouts that type through the field."""
        letter = typed.lower()
        if not ("a" <= letter <= "z"):
            return None
        if self.keyboard_layout.composer is ComposerKind.HANGUL:
            keys = self.keyboard_layout.every_key()
            on = next((k for k in keys if k.position == _qwerty(letter)), None)
            return on.output(shifted=typed != letter) if on is not None else None
        if self.keyboard_layout.composer in (ComposerKind.TELEX, ComposerKind.PINYIN):
            return typed if self.keyboard_layout.composer is ComposerKind.TELEX else letter
        return None

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
        if move is None or key not in self._slots:
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


def _preload(chosen: Layout) -> None:
    try:
        preload(chosen)
    except Exception as error:
        log.warning("the %s keyboard's dictionary cannot be read: %s", chosen.name, error)


def _composer(chosen: Layout) -> Composer:
    """The layout's composer, or one that types keys as they are if it cannot be made."""
    try:
        return composer_for(chosen)
    except Exception as error:  # any library failure: the pad still writes
        log.warning("the %s keyboard types without conversion: %s", chosen.name, error)
        return PlainComposer()


#: the xkb positions of a US keyboard's letters (a physical key types its layout's character)
_QWERTY_ROWS = (("AD", "qwertyuiop"), ("AC", "asdfghjkl"), ("AB", "zxcvbnm"))


def _qwerty(letter: str) -> str:
    for prefix, letters in _QWERTY_ROWS:
        if letter in letters:
            return f"{prefix}{letters.index(letter) + 1:02d}"
    return ""


def _offers_candidates(composer: Composer) -> TypeGuard[CandidateComposer]:
    """Whether the composer offers candidates. Not `isinstance` with the runtime-checkable
    protocol: that reads every member, and reading `candidates` loads a dictionary."""
    return callable(getattr(type(composer), "choose", None))


def _key_press(event: QEvent) -> TypeGuard[QKeyEvent]:
    return event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)

"""The visitor's phrase picker: point at a topic, then at the phrase you need.

For a visitor who cannot speak or write: a grid of large topic tiles (an icon and the topic's name
in the visitor's language), each opening its phrases as large buttons that wrap; a search field
above filters every phrase as the visitor types. A phrase whose wording in the visitor's language
is a draft carries a small tag saying so. A phrase with slots asks for each in turn: digits for
numbers and amounts, a day from today on for dates, a list for documents, with the sentence as it
will be shown growing underneath; Send picks it. What it shows comes from `kiosk.core.picker`.

Touch alone: every control is a button a tap presses. Keyboard alone: Tab walks over the search
field, Back, Close and the buttons of the page; the arrow keys move between buttons as they are
laid out (Down from the search field goes to the first), Space or Enter presses; digits type
into a number; Escape goes back a step, and from the topics closes.

    picker = PhrasePicker(Picker.load(), dpi, "th")
    picker.picked.connect(lambda phrase_id, values: ...)   # values: {"amount": 50000, ...}
    picker.cancelled.connect(...)                           # Close, or Escape on the topics
    picker.set_scale(1.5)                                   # the visitor screen's A+ / A−
    picker.clear()                                          # New visit: nothing of it stays
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QKeyEvent, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.core.picker import (
    FilledPhrase,
    Picker,
    PickerPhrase,
    PickerSlot,
    SlotKind,
    icon_path,
    label,
)
from kiosk.ui.fonts import font_for
from kiosk.ui.theme import THEME, mm_to_px
from translate import slots as slot_values
from translate.words import ZWSP, line_breaks

TITLE_MM = 6.0  # the title, the search field, Back and Close
TILE_MM = 6.0  # a topic's name
PHRASE_MM = 7.0  # a phrase: as large as the visitor's own words on the visitor screen
TAG_MM = 4.8  # the draft tag
PROMPT_MM = 8.0  # a slot's question
ICON_MM = 14.0
TARGET_MM = 18.0  # the least height of anything to tap (the kiosk rule asks ≥ 12 mm)
DATES = 14  # days shown at once for a date
SCROLL_BAR_MM = 12.0  # wide enough to drag with a finger


class PhrasePicker(QWidget):
    picked = Signal(str, dict)  # phrase id, slot values ({"amount": 50000, "date": date, …})
    cancelled = Signal()

    def __init__(
        self,
        picker: Picker,
        dpi: float,
        lang: str | None = "en",
        scale: float = 1.0,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__()
        self.setObjectName("picker")
        self.model = picker
        self.dpi = dpi
        self.scale = min(2.0, max(1.0, scale))
        self.lang = strings.reading_lang(lang)
        self.today = today
        self.topic: str | None = None  # the open topic, None on the topics page or in search
        self.phrase: PickerPhrase | None = None  # the phrase whose slots are being asked for
        self.values: dict[str, slot_values.SlotValue] = {}
        self.slot_index = 0
        self.digits = ""
        self.basement = False
        self.date_start = today()

        self.topic_buttons: list[TileButton] = []
        self.phrase_buttons: list[TileButton] = []
        self.choice_buttons: list[TileButton] = []  # a slot's dates or documents
        self.keypad: list[QPushButton] = []

        self.back_button = QPushButton()
        self.close_button = QPushButton()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setContentsMargins(12, 0, 12, 0)
        self.search_field = QLineEdit()
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._searched)
        self.search_field.installEventFilter(self)
        self.back_button.clicked.connect(self.back)
        self.close_button.clicked.connect(self.cancel)
        for button in (self.back_button, self.close_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            button.installEventFilter(self)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, stretch=1)
        top.addWidget(self.close_button)

        self.pages = QStackedWidget()
        self.topics_page, self.topics_grid = _scrolled_grid()
        self.phrases_page, self.phrases_grid = _scrolled_grid()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setObjectName("muted")
        self.slot_page = self._build_slot_page()
        for page in (self.topics_page, self.phrases_page, self.slot_page):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(top)
        self.search_icon = QLabel()
        self.search_row = QWidget()
        search_row = QHBoxLayout(self.search_row)
        search_row.setContentsMargins(0, 0, 0, 0)
        search_row.addWidget(self.search_icon)
        search_row.addWidget(self.search_field, stretch=1)
        layout.addWidget(self.search_row)
        layout.addWidget(self.pages, stretch=1)
        bar = round(mm_to_px(SCROLL_BAR_MM, dpi))
        self.setStyleSheet(_STYLE + _scroll_bar_style(bar))
        self._retranslate()
        self.show_topics()

    # -- public ----------------------------------------------------------------------------------

    def set_language(self, lang: str | None) -> None:
        """The visitor's language (Korean for a visitor who signs or reads captions)."""
        self.lang = strings.reading_lang(lang)
        self._retranslate()
        self.show_topics()

    def set_scale(self, scale: float) -> None:
        """Text size, as the visitor screen's A+ / A− (1.0 to 2.0)."""
        self.scale = min(2.0, max(1.0, round(scale, 2)))
        self._retranslate()
        self._refresh()

    def clear(self) -> None:
        """Forget the visit: the search, the open topic, any values given."""
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self.show_topics()

    def show_topics(self) -> None:
        self.topic = None
        self._forget_phrase()
        tiles = self._topic_tiles()
        self._fill_grid(self.topics_grid, self.topic_buttons, tiles, self._columns(4), lines=2)
        self.pages.setCurrentWidget(self.topics_page)
        self._update_chrome()

    def open_topic(self, topic: str) -> None:
        """Show the phrases of `topic`."""
        self.topic = topic
        self._forget_phrase()
        self._show_phrases(self.model.phrases(topic, self.lang))

    def search(self, text: str) -> None:
        """Type `text` into the search field (results follow as the visitor types)."""
        self.search_field.setText(text)

    def choose(self, phrase_id: str) -> None:
        """The visitor pressed a phrase: picked at once, or its slots asked for first."""
        phrase = self.model.phrase(phrase_id, self.lang)
        if not phrase.slots:
            self._pick(phrase.id, {})
            return
        self.phrase = phrase
        self.values = {}
        self.slot_index = 0
        self._ask_slot()

    def back(self) -> None:
        """One step back: from a slot to the phrases, from the phrases to the topics."""
        if self.phrase is not None:
            self._forget_phrase()
            self._refresh()
            self._focus_first()
        elif self.search_field.text():
            self.clear()
            self._focus_first()
        elif self.topic is not None:
            self.show_topics()
            self._focus_first()
        else:
            self.cancel()

    def cancel(self) -> None:
        self.clear()
        self.cancelled.emit()

    @property
    def slot(self) -> PickerSlot | None:
        """The slot being asked for."""
        if self.phrase is None or self.slot_index >= len(self.phrase.slots):
            return None
        return self.phrase.slots[self.slot_index]

    # -- pages -----------------------------------------------------------------------------------

    def _topic_tiles(self) -> list[TileButton]:
        tiles = []
        for topic in self.model.topics(self.lang):
            tile = TileButton("topic", icon=topic.icon)
            tile.setProperty("topic", topic.id)
            tile.clicked.connect(lambda _=False, t=topic.id: self._open(t))
            tile.set_content(line_breaks(topic.name), "", self._font(TILE_MM, True), None)
            tile.setAccessibleName(topic.name)
            tiles.append(tile)
        return tiles

    def _show_phrases(self, phrases: Sequence[PickerPhrase]) -> None:
        tag = strings.visitor(self.lang, "draft")
        tiles = []
        for phrase in phrases:
            tile = TileButton("phrase")
            tile.setProperty("phrase_id", phrase.id)
            tile.clicked.connect(lambda _=False, p=phrase.id: self.choose(p))
            tile.set_content(
                line_breaks(phrase.text),
                tag if phrase.draft else "",
                self._font(PHRASE_MM),
                self._font(TAG_MM),
            )
            tile.setAccessibleName(phrase.text)
            tile.setAccessibleDescription(tag if phrase.draft else "")
            tiles.append(tile)
        self._fill_grid(self.phrases_grid, self.phrase_buttons, tiles, self._columns(2))
        if not phrases:
            self.empty.setText(label(self.lang, "no_results"))
            self.phrases_grid.addWidget(self.empty, 0, 0)
        self.empty.setVisible(not phrases)
        self.pages.setCurrentWidget(self.phrases_page)
        self._update_chrome()

    def _build_slot_page(self) -> QWidget:
        """The question and the sentence so far on the left, the keys or choices on the right."""
        page = QWidget()
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(f"color: {THEME.accent};")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview_tag = QLabel()
        self.preview_tag.setWordWrap(True)
        self.preview_tag.setStyleSheet(f"color: {THEME.machine};")
        self.number = QLabel()
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setObjectName("number")
        self.input_area = QWidget()
        self.input_grid = QGridLayout(self.input_area)
        self.input_grid.setContentsMargins(0, 0, 8, 0)
        self.input_grid.setSpacing(10)
        self.send_button = QPushButton()
        self.send_button.setObjectName("send")
        self.send_button.clicked.connect(self._next_slot)
        self.send_button.installEventFilter(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.input_area)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.input_scroll = scroll
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.prompt)
        left.addWidget(self.number)
        left.addWidget(self.preview)
        left.addWidget(self.preview_tag)
        left.addStretch(1)
        left.addWidget(self.send_button)
        layout = QHBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(24)
        layout.addLayout(left, stretch=2)
        layout.addWidget(scroll, stretch=3)
        return page

    def _ask_slot(self) -> None:
        slot = self.slot
        if slot is None:
            return
        self.digits = str(abs(v)) if isinstance(v := self.values.get(slot.name), int) else ""
        self.basement = isinstance(v, int) and v < 0
        self.date_start = self.today()
        self.prompt.setText(line_breaks(slot.prompt))
        self.prompt.setAccessibleName(slot.prompt)
        self._fill_input(slot)
        self.pages.setCurrentWidget(self.slot_page)
        self._update_chrome()
        self._show_value()
        self._focus_first()

    def _fill_input(self, slot: PickerSlot) -> None:
        _empty(self.input_grid)
        self.keypad = []
        self.choice_buttons = []
        self.number.setVisible(slot.kind in (SlotKind.NUMBER, SlotKind.FLOOR))
        if slot.kind in (SlotKind.NUMBER, SlotKind.FLOOR):
            keys = [*"123456789", "B" if slot.kind is SlotKind.FLOOR else "", "0", "⌫"]
            for i, key in enumerate(keys):
                if not key:
                    continue
                button = QPushButton()
                button.setProperty("key", key)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
                button.clicked.connect(lambda _=False, k=key: self._key(k))
                button.installEventFilter(self)
                self.input_grid.addWidget(button, i // 3, i % 3)
                button.show()
                self.keypad.append(button)
            self._label_keypad()
        elif slot.kind is SlotKind.DATE:
            self._fill_dates()
        else:
            for i, choice in enumerate(self.model.documents(self.lang)):
                tile = TileButton("choice")
                tile.setCheckable(True)
                tile.setProperty("value", choice.key)
                tile.set_content(line_breaks(choice.text), "", self._font(TILE_MM), None)
                tile.setAccessibleName(choice.text)
                tile.clicked.connect(lambda _=False, k=choice.key: self._set_value(k))
                tile.installEventFilter(self)
                self.input_grid.addWidget(tile, i // self._columns(2), i % self._columns(2))
                tile.show()
                self.choice_buttons.append(tile)
        self.input_grid.setRowStretch(self.input_grid.rowCount(), 1)
        self._order_tabs()

    def _fill_dates(self) -> None:
        _empty(self.input_grid)
        self.choice_buttons = []
        columns = self._columns(4)
        days = self.model.dates(self.lang, self.date_start, DATES)
        for i, day in enumerate(days):
            tile = TileButton("choice")
            tile.setCheckable(True)
            tile.setProperty("value", day.date.isoformat())
            tile.set_content(
                line_breaks(day.text),
                day.relative,
                self._font(TILE_MM, True),
                self._font(TAG_MM * 1.2),
            )
            tile.setAccessibleName(f"{day.relative} {day.text}".strip())
            tile.clicked.connect(lambda _=False, d=day.date: self._set_value(d))
            tile.installEventFilter(self)
            self.input_grid.addWidget(tile, i // columns, i % columns)
            tile.show()
            self.choice_buttons.append(tile)
        row = (len(days) + columns - 1) // columns
        earlier = TileButton("choice")
        later = TileButton("choice")
        for button, key, step in ((earlier, "note_previous", -DATES), (later, "note_next", DATES)):
            text = strings.visitor(self.lang, key)
            button.set_content(text, "", self._font(TILE_MM), None)
            button.setAccessibleName(text)
            button.setProperty("page", step)
            button.clicked.connect(lambda _=False, s=step: self._page_dates(s))
            button.installEventFilter(self)
            self.choice_buttons.append(button)
        earlier.setEnabled(self.date_start > self.today())
        half = max(1, columns // 2)
        self.input_grid.addWidget(earlier, row, 0, 1, half)
        self.input_grid.addWidget(later, row, half, 1, columns - half)
        earlier.show()
        later.show()
        self.input_grid.setRowStretch(row + 1, 1)
        self._show_value()
        self._order_tabs()

    def _page_dates(self, step: int) -> None:
        self.date_start = max(self.today(), self.date_start + dt.timedelta(days=step))
        self._fill_dates()
        self._focus_first()

    # -- values ----------------------------------------------------------------------------------

    def _key(self, key: str) -> None:
        slot = self.slot
        if slot is None:
            return
        if key == "⌫":
            self.digits = self.digits[:-1]
        elif key == "B":
            self.basement = not self.basement
        elif key.isdigit() and len(self.digits) < slot.max_digits:
            self.digits = (self.digits + key).lstrip("0") or ("0" if key == "0" else "")
        if self.digits:
            value = int(self.digits)
            self.values[slot.name] = -value if self.basement and value else value
        else:
            self.values.pop(slot.name, None)
        self._show_value()

    def _set_value(self, value: slot_values.SlotValue) -> None:
        slot = self.slot
        if slot is not None:
            self.values[slot.name] = value
            self._show_value()

    def _show_value(self) -> None:
        slot, phrase = self.slot, self.phrase
        if slot is None or phrase is None:
            return
        value = self.values.get(slot.name)
        if slot.kind in (SlotKind.NUMBER, SlotKind.FLOOR):
            shown = (
                slot_values.format_value(slot.name, value, self.lang, _no_document)
                if value is not None
                else "—"
            )
            if slot.kind is SlotKind.FLOOR and self.basement and value is None:
                shown = label(self.lang, "basement")
            self.number.setText(shown)
            self.number.setAccessibleName(shown)
            for key in self.keypad:
                if key.property("key") == "B":
                    key.setCheckable(True)
                    key.setChecked(self.basement)
        shown_value = value.isoformat() if isinstance(value, dt.date) else value
        for button in self.choice_buttons:
            if button.isCheckable():
                button.setChecked(
                    shown_value is not None and button.property("value") == shown_value
                )
        filled = self.model.fill(phrase.id, self.lang, self.values)
        self._show_preview(filled)
        self.send_button.setEnabled(slot.name in self.values)

    def _show_preview(self, filled: FilledPhrase) -> None:
        self.preview.setText(line_breaks(filled.text))
        self.preview.setAccessibleName(filled.text)
        tag = strings.visitor(self.lang, "draft") if filled.draft else ""
        self.preview_tag.setText(tag)
        self.preview_tag.setVisible(bool(tag))

    def _next_slot(self) -> None:
        slot, phrase = self.slot, self.phrase
        if slot is None or phrase is None or slot.name not in self.values:
            return
        self.slot_index += 1
        if self.slot_index < len(phrase.slots):
            self._ask_slot()
        else:
            self._pick(phrase.id, dict(self.values))

    def _pick(self, phrase_id: str, values: dict[str, slot_values.SlotValue]) -> None:
        self.clear()  # the next time it opens, it starts afresh
        self.picked.emit(phrase_id, values)

    def _forget_phrase(self) -> None:
        self.phrase = None
        self.values = {}
        self.slot_index = 0
        self.digits = ""
        self.basement = False

    # -- keyboard ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._key_event(event):
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if watched is self.search_field:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._focus_first()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.back()
                return True
            return False
        if isinstance(watched, QPushButton):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                watched.click()
                return True
            move = _MOVES.get(Qt.Key(event.key()))
            if move is not None:
                self._move(watched, *move)
                return True
        return self._key_event(event)

    def _key_event(self, event: QKeyEvent) -> bool:
        """Escape goes back; digits and Backspace type into a number being asked for."""
        if event.key() == Qt.Key.Key_Escape:
            self.back()
            return True
        slot = self.slot
        if slot is not None and slot.kind in (SlotKind.NUMBER, SlotKind.FLOOR):
            text = event.text()
            if len(text) == 1 and text.isdigit():
                self._key(str(int(text)))  # any script's digits
                return True
            if event.key() == Qt.Key.Key_Backspace:
                self._key("⌫")
                return True
        return False

    def _move(self, origin: QPushButton, dx: int, dy: int) -> None:
        """Focus the nearest button of the page in that direction (Up from the top: search)."""
        buttons = [b for b in self._page_buttons() if b.isEnabled() and b.isVisibleTo(self)]
        if origin not in buttons:
            if dy > 0 or dx > 0:
                self._focus_first()
            return
        here = origin.mapTo(self, origin.rect().center())
        best: tuple[float, QPushButton] | None = None
        for button in buttons:
            there = button.mapTo(self, button.rect().center())
            along = (there.x() - here.x()) * dx + (there.y() - here.y()) * dy
            across = abs((there.x() - here.x()) * dy) + abs((there.y() - here.y()) * dx)
            if button is origin or along <= 0 or across > along * 2 + 40:
                continue
            cost = along + 3 * across
            if best is None or cost < best[0]:
                best = (cost, button)
        if best is not None:
            self._focus(best[1])
        elif dy < 0:
            self.search_field.setFocus(Qt.FocusReason.TabFocusReason)

    def _page_buttons(self) -> list[QPushButton]:
        page = self.pages.currentWidget()
        if page is self.topics_page:
            return list(self.topic_buttons)
        if page is self.phrases_page:
            return list(self.phrase_buttons)
        return [*self.keypad, *self.choice_buttons, self.send_button]

    def _focus_first(self) -> None:
        buttons = [b for b in self._page_buttons() if b.isEnabled()]
        if buttons:
            self._focus(buttons[0])
        else:
            self.search_field.setFocus(Qt.FocusReason.TabFocusReason)

    def _focus(self, button: QPushButton) -> None:
        button.setFocus(Qt.FocusReason.TabFocusReason)
        for scroll in (self.topics_page, self.phrases_page, self.input_scroll):
            if scroll.isAncestorOf(button):
                scroll.ensureWidgetVisible(button, 0, 24)

    def _order_tabs(self) -> None:
        chain: list[QWidget] = [self.search_field, self.back_button]
        chain += [b for b in self._page_buttons() if b is not self.send_button]
        if self.pages.currentWidget() is self.slot_page or self.phrase is not None:
            chain.append(self.send_button)
        chain.append(self.close_button)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- looks -----------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        lang = self.lang
        chrome = self._font(TITLE_MM)
        target = round(mm_to_px(TARGET_MM * min(self.scale, 1.5), self.dpi))
        for widget in (self.title, self.search_field, self.back_button, self.close_button):
            widget.setFont(chrome)
        for button in (self.back_button, self.close_button, self.send_button):
            button.setMinimumHeight(target)
        self.search_field.setMinimumHeight(target)
        icon_px = round(mm_to_px(ICON_MM * 0.8 * self.scale, self.dpi))
        self.search_icon.setPixmap(_icon("search", icon_px, self.devicePixelRatioF()))
        self.back_button.setText(label(lang, "back"))
        self.close_button.setText(strings.visitor(lang, "pad_cancel"))
        self.send_button.setText(strings.visitor(lang, "pad_send"))
        self.send_button.setFont(self._font(TITLE_MM, True))
        self.search_field.setPlaceholderText(label(lang, "search"))
        self.search_field.setAccessibleName(label(lang, "search"))
        self.prompt.setFont(self._font(PROMPT_MM, True))
        self.preview.setFont(self._font(PHRASE_MM))
        self.preview_tag.setFont(self._font(TAG_MM))
        self.number.setFont(font_for("en", PROMPT_MM * 1.5 * self.scale, self.dpi, bold=True))
        self.empty.setFont(self._font(PHRASE_MM))
        self._label_keypad()

    def _label_keypad(self) -> None:
        target = round(mm_to_px(TARGET_MM * self.scale, self.dpi))
        for key in self.keypad:
            name = key.property("key")
            text = {
                "⌫": strings.visitor(self.lang, "pad_backspace"),
                "B": label(self.lang, "basement"),
            }.get(name, name)
            key.setText(text)
            key.setAccessibleName(text)
            key.setFont(self._font(TILE_MM if len(text) > 1 else PROMPT_MM, True))
            key.setMinimumHeight(target)

    def _update_chrome(self) -> None:
        page = self.pages.currentWidget()
        self.back_button.setVisible(page is not self.topics_page)
        if page is self.slot_page and self.phrase is not None:
            topic = self.phrase.topic
            title = next((t.name for t in self.model.topics(self.lang) if t.id == topic), "")
        elif self.search_field.text().strip():
            title = label(self.lang, "results")
        elif self.topic is not None:
            title = next((t.name for t in self.model.topics(self.lang) if t.id == self.topic), "")
        else:
            title = label(self.lang, "title")
        self.title.setText(line_breaks(title))
        self.title.setAccessibleName(title)
        self.search_row.setVisible(page is not self.slot_page)
        self._order_tabs()

    def _refresh(self) -> None:
        """Show the page again, as it is now (after a change of language or size)."""
        if self.phrase is not None:
            self._ask_slot()
        elif self.search_field.text().strip():
            self._searched(self.search_field.text())
        elif self.topic is not None:
            self.open_topic(self.topic)
        else:
            self.show_topics()

    def _font(self, mm: float, bold: bool = False) -> QFont:
        return font_for(self.lang, mm * self.scale, self.dpi, bold=bold)

    def _columns(self, at_normal_size: int) -> int:
        """Fewer columns as the text grows, so words keep their room."""
        return max(1, round(at_normal_size / self.scale))

    def _fill_grid(
        self,
        grid: QGridLayout,
        keep: list[TileButton],
        tiles: list[TileButton],
        columns: int,
        lines: int = 1,
    ) -> None:
        """Lay `tiles` out in `columns`, each at least as tall as a touch target and as `lines`
        lines of its text (so a row of tiles is one height, whatever wraps)."""
        _empty(grid)
        keep[:] = tiles
        icon_px = round(mm_to_px(ICON_MM * self.scale, self.dpi))
        target = round(mm_to_px(TARGET_MM * self.scale, self.dpi))
        for i, tile in enumerate(tiles):
            text_height = QFontMetricsF(tile.text_label.font()).lineSpacing() * lines + 24
            tile.set_icon_size(icon_px)
            tile.setMinimumHeight(max(target, round(text_height)))
            tile.installEventFilter(self)
            grid.addWidget(tile, i // columns, i % columns)
            tile.show()  # now, not when the event loop next runs: it may take the focus at once
        for column in range(grid.columnCount()):
            grid.setColumnStretch(column, 1 if column < columns else 0)
        grid.setRowStretch(grid.rowCount(), 1)

    def _open(self, topic: str) -> None:
        self.open_topic(topic)
        self._focus_first()

    def _searched(self, text: str) -> None:
        if self.phrase is not None:
            return
        if not text.strip():
            if self.topic is not None:
                self.open_topic(self.topic)
            else:
                self.show_topics()
            return
        self._show_phrases(self.model.search(text, self.lang))


class TileButton(QPushButton):
    """A large button whose text wraps: an optional icon, the text, and a small tag under it."""

    def __init__(self, kind: str, icon: str | None = None) -> None:
        super().__init__()
        self.setObjectName(kind)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.icon_name = icon
        self.icon_label = QLabel()
        self.text_label = QLabel()
        self.tag_label = QLabel()
        self.text_label.setWordWrap(True)
        self.tag_label.setWordWrap(True)
        self.tag_label.setStyleSheet(f"color: {THEME.machine};")
        for child in (self.icon_label, self.text_label, self.tag_label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            child.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addWidget(self.text_label)
        column.addWidget(self.tag_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(14)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(column, stretch=1)
        self.icon_label.setVisible(icon is not None)
        self.toggled.connect(self._restyle)

    def set_content(self, text: str, tag: str, font: QFont, tag_font: QFont | None) -> None:
        self.text_label.setText(text)
        self.text_label.setFont(font)
        self.tag_label.setText(tag)
        self.tag_label.setVisible(bool(tag))
        if tag_font is not None:
            self.tag_label.setFont(tag_font)

    def set_icon_size(self, px: int) -> None:
        if self.icon_name is None:
            return
        self.icon_label.setPixmap(_icon(self.icon_name, px, self.devicePixelRatioF()))
        self.icon_label.setFixedSize(px, px)

    def caption(self) -> str:
        """What the button says (without the line-break hints)."""
        return self.text_label.text().replace(ZWSP, "")

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        need = layout.totalHeightForWidth(width) if layout is not None else 0
        return max(need, self.minimumHeight())

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.totalSizeHint() if layout is not None else super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self.minimumHeight()))

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.totalMinimumSize() if layout is not None else super().minimumSizeHint()
        return QSize(min(hint.width(), 200), max(hint.height(), self.minimumHeight()))

    def _restyle(self, checked: bool) -> None:
        """A chosen date or document: dark text on the accent, like a checked button."""
        colour = THEME.background if checked else THEME.text
        self.text_label.setStyleSheet(f"color: {colour};")
        self.tag_label.setStyleSheet(f"color: {colour if checked else THEME.machine};")


_STYLE = f"""
QPushButton#phrase, QPushButton#choice {{ background: {THEME.surface}; }}
QPushButton#phrase:checked, QPushButton#choice:checked {{ background: {THEME.accent}; }}
QPushButton#phrase:disabled, QPushButton#choice:disabled {{ background: {THEME.background}; }}
QPushButton:disabled {{
    background: {THEME.background}; color: {THEME.muted}; border: 2px solid {THEME.muted};
}}
QLabel#number {{
    color: {THEME.text}; background: {THEME.surface}; border-radius: 12px; padding: 6px;
}}
"""


def _scroll_bar_style(width: int) -> str:
    return f"""
QScrollBar:vertical {{ width: {width}px; background: {THEME.surface}; border-radius: 8px; }}
QScrollBar::handle:vertical {{
    background: {THEME.muted}; min-height: {width * 2}px; border-radius: 8px; margin: 4px;
}}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
"""


_MOVES = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


def _scrolled_grid() -> tuple[QScrollArea, QGridLayout]:
    content = QWidget()
    grid = QGridLayout(content)
    grid.setContentsMargins(0, 0, 8, 0)
    grid.setSpacing(12)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(content)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll, grid


def _empty(grid: QGridLayout) -> None:
    """Take every widget out of `grid`; the picker's own labels stay, tiles are deleted."""
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if isinstance(widget, QPushButton):  # a tile or key of the page shown before
            widget.setParent(None)
            widget.deleteLater()
        elif widget is not None:
            widget.hide()
    for row in range(grid.rowCount()):
        grid.setRowStretch(row, 0)


def _icon(name: str, px: int, ratio: float) -> QPixmap:
    size = max(1, round(px * ratio))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(str(icon_path(name)))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _no_document(key: str, _lang: str) -> str:
    return key

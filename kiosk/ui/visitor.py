"""The visitor's screen: choose a language (`kiosk.ui.chooser`), then read the conversation in very
large type. The writing pad (`kiosk.ui.pad`) and the take-away note (`kiosk.ui.note`) are pages of
their own; "Did you mean …?" (`kiosk.ui.confirm`) shows on the visitor's own newest turn.

Touch and keyboard alike: every control is a large button reachable with Tab and activated with
Space/Enter; the talk button works by holding (touch or mouse) or by holding Space.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from asr.events import Side
from kiosk.core import strings
from kiosk.core.events import Activity
from kiosk.core.picker import Picker
from kiosk.core.session import KO_CAPTIONS, KSL, Turn, TurnKind
from kiosk.core.speech_policy import VisitorAction, speech_unreliable, visitor_actions
from kiosk.core.takeaway import build_note
from kiosk.ui.chooser import LanguageChooser
from kiosk.ui.confirm import ConfirmBox
from kiosk.ui.fonts import fitted, font_for, widest_line
from kiosk.ui.note import NoteView
from kiosk.ui.pad import WritingPad
from kiosk.ui.picker import PhrasePicker
from kiosk.ui.theme import THEME
from translate.slots import SlotValue
from translate.words import line_breaks

NEWEST_MM = 12.0  # the newest message for the visitor: ≥ 12 mm characters by default
OWN_MM = 7.0
HISTORY_MM = 5.5
#: the least a caption's type may shrink to fit its box: at 200% still larger than at 100% of
#: the history's, and only the longest phrases in the split layout's half screen come near it
MIN_FIT = 0.35
#: the visitor's own words take at most this share of the answer card
OWN_SHARE = 0.35
CHROME_MM = 6.0
MAX_HISTORY = 6
SUGGESTIONS = 3  # phrases found so far, above the pad's keys while it types a search
CAPTIONS_FACTOR = 1.5  # Korean captions for visitors who hear little: larger still (18 mm)


class VisitorScreen(QWidget):
    language_chosen = Signal(object)  # language code, or KSL
    talk = Signal(bool)  # talk button held (True) / released (False)
    scale_changed = Signal(float)
    confirmed = Signal(int, object)  # turn id, the phrase meant (None: "No")
    written = Signal(str, str)  # what the visitor wrote on the pad, and its language
    print_requested = Signal(object)  # a take-away Note to print (staff decide how)
    phrase_picked = Signal(str, object)  # a phrase the visitor pointed at, and its slot values

    def __init__(
        self,
        languages: tuple[str, ...],
        dpi: float,
        font_scale: float = 1.0,
        rtl_ok: bool = True,
        picker: Picker | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("visitor")
        self.dpi = dpi
        self.scale = font_scale
        self.lang: str | None = None
        self.offered = languages
        self.state = Activity.IDLE
        self.setStyleSheet(f"QWidget#visitor {{ background: {THEME.background}; }}")
        self.pages = QStackedWidget()
        self.chooser = LanguageChooser(languages, dpi)
        self.chooser.chosen.connect(self.language_chosen.emit)
        self.confirm = ConfirmBox(dpi)
        self.confirm.confirmed.connect(self.confirmed.emit)
        self.conversation = self._build_conversation()
        self.pad = WritingPad("en", dpi, font_scale)
        self.pad.submitted.connect(self._written)
        self.pad.cancelled.connect(self._pad_closed)
        self.pad.field.textChanged.connect(self._search_as_typed)
        self.pad.suggestion_chosen.connect(self._suggestion_chosen)
        self._searching = False  # the pad is open to type the picker's search
        self.note_view = NoteView(dpi, font_scale)
        self.note_view.closed.connect(self.show_conversation)
        self.note_view.print_requested.connect(
            lambda: self.print_requested.emit(self.note_view.note)
        )
        self.pages.addWidget(self.chooser)
        self.pages.addWidget(self.conversation)
        self.pages.addWidget(self.pad)
        self.pages.addWidget(self.note_view)
        # the phrase picker: for a visitor who cannot speak or write, the book's phrases to point at
        self.picker = PhrasePicker(picker or Picker.load(), dpi, "en", font_scale)
        self.picker.picked.connect(self._picked)
        self.picker.cancelled.connect(self.show_conversation)
        # a finger on the search field opens the visitor's own keys for it (a keyboard types in
        # the field as it is)
        self.picker.search_field.installEventFilter(self)
        self.pages.addWidget(self.picker)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.pages)
        self._turns: list[Turn] = []
        self.painted: Callable[[Turn], None] | None = None  # benchmark hook: a turn was painted

    # -- public ----------------------------------------------------------------------------------

    def show_chooser(self) -> None:
        self.lang = None
        self._turns = []
        for label in (
            self.newest_label,
            self.newest_kind,
            self.own_label,
            self.own_kind,
            self.history,
        ):
            label.clear()  # the previous visitor's words leave the screen's memory too
        self.confirm.clear()
        self.pad.clear()
        self._searching = False
        self.picker.clear()
        self.note_view.clear()
        self.pages.setCurrentWidget(self.chooser)
        self.chooser.buttons[0].setFocus()

    def set_language(self, lang: str | None) -> None:
        if lang is None:
            self.show_chooser()
            return
        self.lang = lang
        self._retranslate()
        # the pad's keys ready, and a dictionary its keyboard converts with read in the
        # background now, not at the visitor's first key press
        self.pad.set_language(self._reading_lang())
        self.show_conversation()

    def show_conversation(self) -> None:
        self.pages.setCurrentWidget(self.conversation)
        first = next(a for a in self.action_order if not self._action_buttons[a].isHidden())
        self._action_buttons[first].setFocus()

    def show_pad(self) -> None:
        """The writing pad: Korean (2-beolsik) or Latin keys, any keyboard or input method."""
        self.pad.set_language(self._reading_lang())
        self.pages.setCurrentWidget(self.pad)
        self.pad.field.setFocus()

    def set_offered(self, languages: tuple[str, ...]) -> None:
        """The languages Settings offer now: the chooser shows them from the next visitor on
        (a visitor mid-visit keeps theirs)."""
        self.offered = languages
        self.chooser.set_offered(languages)

    def show_picker(self) -> None:
        """The phrase picker: topics, then the phrases of one, or a search over all of them."""
        self.picker.set_language(self._reading_lang())
        self.picker.show_topics()
        self.pages.setCurrentWidget(self.picker)
        self.picker.search_field.setFocus()

    def _picked(self, phrase_id: str, values: dict[str, SlotValue]) -> None:
        self.show_conversation()
        self.phrase_picked.emit(phrase_id, values)

    def show_note(self) -> None:
        """The take-away note: staff's answers of this visit as QR codes and text."""
        lang = self.lang or "en"
        self.note_view.show_note(build_note([t for t in self._turns if not t.awaiting_staff], lang))
        self.pages.setCurrentWidget(self.note_view)
        self.note_view.close_button.setFocus()

    def _written(self, text: str) -> None:
        self.pad.suggest(())
        if self._searching:  # the words to look for among the phrases, not a message to staff
            self._searching = False
            self.pages.setCurrentWidget(self.picker)
            self.picker.search_field.setText(text)
            self.picker.search(text)
            return
        self.show_conversation()
        self.written.emit(text, _written_lang(text, self._reading_lang()))

    def _pad_closed(self) -> None:
        self.pad.suggest(())
        if self._searching:
            self._searching = False
            self.pages.setCurrentWidget(self.picker)
            return
        self.show_conversation()

    def _search_as_typed(self) -> None:
        """While the pad types the picker's search, the phrases it finds so far show above the
        keys, to tap at once."""
        if not self._searching:
            return
        found = self.picker.model.search(self.pad.text(), self.picker.lang, limit=SUGGESTIONS)
        self.pad.suggest([(phrase.id, phrase.text) for phrase in found])

    def _suggestion_chosen(self, phrase_id: str) -> None:
        self._searching = False
        self.pad.suggest(())
        self.pad.clear()
        self.pages.setCurrentWidget(self.picker)
        self.picker.choose(phrase_id)  # picked at once, or its slots asked on the picker

    def search_on_pad(self) -> None:
        """The pad, in the visitor's own keys, to type what to look for in the picker."""
        self._searching = True
        self.show_pad()
        self.pad.field.setPlainText(self.picker.search_field.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.picker.search_field and event.type() in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.TouchBegin,
        ):
            self.search_on_pad()
            return True
        return super().eventFilter(watched, event)

    def _reading_lang(self) -> str:
        """The language the visitor reads and writes (Korean for signing or captions)."""
        return strings.reading_lang(self.lang)

    def show_turn(self, turn: Turn) -> None:
        for i, existing in enumerate(self._turns):
            if existing.turn_id == turn.turn_id:
                self._turns[i] = turn
                break
        else:
            self._turns.append(turn)
        self._render()
        shown = turn.kind is not TurnKind.PENDING or self._captions  # captions show when heard
        shown = shown and not turn.awaiting_staff
        if self.painted is not None and turn.side is Side.STAFF and turn.final and shown:
            self.newest_label.repaint()
            self.painted(turn)

    def set_state(self, state: Activity) -> None:
        self.state = state
        key = {
            Activity.LISTENING: "listening",
            Activity.RECOGNISING: "recognising",
            Activity.TRANSLATING: "translating",
        }.get(state, "your_turn")
        if key == "your_turn":  # not "please speak" to a signer, nor where speech is misheard
            key = self._your_turn_key()
        elif self.lang == KSL and key == "listening":
            key = "sign_watching"
        working = state in (Activity.RECOGNISING, Activity.TRANSLATING)
        colour = THEME.working if working else THEME.listening
        self.state_label.setText(self._t(key))
        self.state_label.setStyleSheet(
            f"color: {colour}; background: {THEME.surface}; border-radius: 12px; padding: 6px 16px;"
        )

    def _your_turn_key(self) -> str:
        if self.lang == KSL:
            return "sign_your_turn"
        return "your_turn_point" if speech_unreliable(self.lang) else "your_turn"

    def show_sign_rejected(self, _event: object = None) -> None:
        """The camera saw a sign it could not read: ask to sign again or write (Korean)."""
        self.own_kind.setText(self._t("sign_not_recognised"))
        self.own_kind.setVisible(True)

    def set_scale(self, scale: float) -> None:
        self.scale = min(2.0, max(1.0, round(scale, 2)))
        self._retranslate()
        self.scale_changed.emit(self.scale)

    # -- building --------------------------------------------------------------------------------

    def _build_conversation(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(16)
        top = QHBoxLayout()
        self.state_label = QLabel()
        self.smaller = QPushButton("A−")
        self.bigger = QPushButton("A+")
        self.change_language = QPushButton()
        for button in (self.smaller, self.bigger):
            button.setAccessibleName("text size")
        self.smaller.clicked.connect(lambda: self.set_scale(self.scale - 0.25))
        self.bigger.clicked.connect(lambda: self.set_scale(self.scale + 0.25))
        self.change_language.clicked.connect(lambda: self.language_chosen.emit(None))
        top.addWidget(self.state_label)
        top.addStretch(1)
        top.addWidget(self.smaller)
        top.addWidget(self.bigger)
        top.addWidget(self.change_language)
        layout.addLayout(top)

        self.newest = QFrame()
        self.newest.setObjectName("card")
        card = QVBoxLayout(self.newest)
        self.newest_label = QLabel()
        self.newest_label.setWordWrap(True)
        self.newest_label.setStyleSheet(f"color: {THEME.accent}; background: transparent;")
        self.newest_kind = QLabel()
        self.newest_kind.setStyleSheet("background: transparent;")
        self.own_label = QLabel()
        self.own_label.setWordWrap(True)
        self.own_label.setStyleSheet(f"color: {THEME.text}; background: transparent;")
        self.own_kind = QLabel()
        self.own_kind.setWordWrap(True)
        self.own_kind.setStyleSheet(f"color: {THEME.untranslated}; background: transparent;")
        card.addWidget(self.own_label)
        card.addWidget(self.own_kind)
        card.addWidget(self.confirm)
        card.addWidget(self.newest_label, stretch=1)
        card.addWidget(self.newest_kind)
        layout.addWidget(self.newest, stretch=3)

        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.history.setObjectName("muted")
        scroll = QScrollArea()
        scroll.setWidget(self.history)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(scroll, stretch=1)

        self.talk_button = _FittedButton()
        self.talk_button.setMinimumHeight(round(self.dpi * 1.0))
        self.talk_button.pressed.connect(lambda: self.talk.emit(True))
        self.talk_button.released.connect(lambda: self.talk.emit(False))
        self.write_button = _FittedButton()
        self.pick_button = _FittedButton()
        self.note_button = _FittedButton()
        for button in (self.write_button, self.pick_button, self.note_button):
            button.setMinimumHeight(round(self.dpi * 1.0))  # as large as the talk button
        self.write_button.clicked.connect(self.show_pad)
        self.pick_button.clicked.connect(self.show_picker)
        self.note_button.clicked.connect(self.show_note)
        for button in (self.talk_button, self.write_button, self.pick_button, self.note_button):
            policy = button.sizePolicy()  # widths from the stretch below, not from the labels
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            button.setSizePolicy(policy)
        # where speech is unreliable in the visitor's language, one line says so above the buttons
        self.speech_warning = QLabel()
        self.speech_warning.setWordWrap(True)
        self.speech_warning.setStyleSheet(f"color: {THEME.untranslated};")
        self.speech_warning.setVisible(False)
        layout.addWidget(self.speech_warning)
        self.bottom = QHBoxLayout()
        self._action_buttons = {
            "talk": self.talk_button,
            "write": self.write_button,
            "pick": self.pick_button,
            "note": self.note_button,
        }
        self.action_order: tuple[VisitorAction, ...] = ()
        self._order_actions(visitor_actions(None))
        layout.addLayout(self.bottom)
        return page

    def _order_actions(self, order: tuple[VisitorAction, ...]) -> None:
        """The bottom buttons in `order`: the first is the widest (and gets the focus)."""
        if order == self.action_order:
            return
        self.action_order = order
        for button in self._action_buttons.values():
            self.bottom.removeWidget(button)
        for i, action in enumerate(order):
            self.bottom.addWidget(self._action_buttons[action], stretch=3 if i == 0 else 2)
        self.bottom.activate()  # the new widths now, so each label is fitted to its own

    # -- rendering -------------------------------------------------------------------------------

    def _retranslate(self) -> None:
        lang = self._reading_lang()
        chrome = font_for(lang, CHROME_MM, self.dpi)
        for widget in (self.state_label, self.change_language, self.smaller, self.bigger):
            widget.setFont(chrome)
        self.change_language.setText(self._t("change_language"))
        self.talk_button.setText(self._t("hold_to_talk"))
        self.talk_button.setVisible(self.lang != KSL)
        self._order_actions(visitor_actions(self.lang))
        self.speech_warning.setVisible(speech_unreliable(self.lang))
        self.speech_warning.setText(self._t("speech_unreliable"))
        self.speech_warning.setFont(chrome)
        for button, key in (
            (self.write_button, "write"),
            (self.pick_button, "pick_phrase"),
            (self.note_button, "note_button"),
        ):
            button.setText(self._t(key))
        for button in (self.talk_button, self.write_button, self.pick_button, self.note_button):
            button.set_full_font(font_for(lang, CHROME_MM * 1.2, self.dpi, bold=True))
        self.pad.set_scale(self.scale)
        self.picker.set_scale(self.scale)
        self.note_view.set_scale(self.scale)
        newest_mm = NEWEST_MM * (CAPTIONS_FACTOR if self.lang == KO_CAPTIONS else 1.0)
        self._caption_fonts = {
            self.newest_label: font_for(lang, newest_mm * self.scale, self.dpi, bold=True),
            self.own_label: font_for(lang, OWN_MM * self.scale, self.dpi),
        }
        self.newest_kind.setFont(font_for(lang, CHROME_MM * 0.8 * self.scale, self.dpi))
        self.own_kind.setFont(font_for(lang, CHROME_MM * 0.8 * self.scale, self.dpi))
        self.history.setFont(font_for(lang, HISTORY_MM * self.scale, self.dpi))
        self.confirm.set_language(
            lang,
            font_for(lang, OWN_MM * self.scale, self.dpi, bold=True),
            font_for(lang, CHROME_MM * self.scale, self.dpi, bold=True),
        )
        direction = self._direction(lang)
        for label in (self.newest_label, self.own_label, self.history):
            label.setLayoutDirection(direction)
        self.set_state(self.state)
        self._render()

    def _render(self) -> None:
        if self.lang is None:
            return
        turns = [t for t in self._turns if not t.awaiting_staff]  # staff pick a phrase first
        staff = [t for t in turns if t.side is Side.STAFF]
        mine = [t for t in turns if t.side is Side.VISITOR]
        newest = staff[-1] if staff else None
        if newest is None:
            self.newest_label.setStyleSheet(f"color: {THEME.accent}; background: transparent;")
            self.newest_label.setText(self._t(self._your_turn_key()))
            self.newest_kind.setText("")
        else:
            shown = self._visible_text(newest)
            untranslated = newest.kind is TurnKind.NONE and not self._captions
            colour = THEME.untranslated if untranslated else THEME.accent
            self.newest_label.setStyleSheet(f"color: {colour}; background: transparent;")
            self.newest_label.setText(line_breaks(shown))
            self.newest_kind.setText(line_breaks(self._kind_text(newest)))
        latest_mine = mine[-1] if mine else None
        if latest_mine is None:
            self.own_label.setText("")
        else:
            own = f"{self._mine(latest_mine)}: {self._own_text(latest_mine)}"
            received = latest_mine.translated_text
            translated = latest_mine.kind in (TurnKind.VERIFIED, TurnKind.MACHINE)
            if (
                received
                and translated
                and latest_mine.lang not in (KSL, latest_mine.translated_lang)
            ):
                own += f"\n{self._t('staff_see')}: {received}"  # what staff got, in Korean
            self.own_label.setText(line_breaks(own))
        # tell the visitor when staff could not get a translation of what they said
        unreadable = bool(latest_mine and latest_mine.final and latest_mine.kind is TurnKind.NONE)
        self.own_kind.setText(line_breaks(self._t("not_translated_write")) if unreadable else "")
        self.own_kind.setVisible(unreadable)
        self.confirm.show_turn(latest_mine)
        older = [t for t in turns if t is not newest and t is not latest_mine][-MAX_HISTORY:]
        lines = []
        for t in reversed(older):
            who = self._t("staff_said") if t.side is Side.STAFF else self._mine(t)
            text = self._visible_text(t) if t.side is Side.STAFF else self._own_text(t)
            lines.append(f"{who}: {text}")
        self.history.setText(line_breaks("\n".join(lines)))  # Khmer wraps only where told
        self.fit_captions()

    def fit_captions(self) -> None:
        """The answer and the visitor's own words within the card, whatever their length: each
        at its size if it fits, else in smaller type (down to MIN_FIT of it), never widening or
        lengthening the window past its screen."""
        card = self.newest.contentsRect().height()
        if card < 100 or not hasattr(self, "_caption_fonts"):
            return  # not laid out yet: the resize that follows fits them
        layout = self.newest.layout()
        spacing = layout.spacing() if layout is not None else 0
        own = self._fit(self.own_label, round(card * OWN_SHARE)) if self.own_label.text() else 0
        others = sum(
            widget.sizeHint().height() + spacing
            for widget in (self.own_kind, self.confirm, self.newest_kind)
            if widget.isVisible()
        )
        room = card - own - others - 2 * spacing
        self._fit(self.newest_label, room)
        layout = self.newest.layout()
        if layout is not None:
            layout.activate()  # the card laid out anew: fit the answer to the height it got
            if 0 < self.newest_label.height() < room:
                self._fit(self.newest_label, self.newest_label.height())

    def _fit(self, label: QLabel, room: int) -> int:
        """Set `label`'s type as large as fits `room` pixels of height; the height it takes."""
        full = self._caption_fonts[label]
        font = QFont(full)
        label.setFont(font)
        width = max(1, label.width())
        least = full.pixelSize() * MIN_FIT  # the caption fonts are sized in pixels
        text = label.text()
        while (
            label.heightForWidth(width) > room or widest_line(text, font, width - 4) > width - 4
        ) and font.pixelSize() * 0.92 >= least:
            font.setPixelSize(round(font.pixelSize() * 0.92))
            label.setFont(font)
        label.setMaximumHeight(max(room, 1))
        return min(label.heightForWidth(width), room)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_captions()

    def _mine(self, turn: Turn) -> str:
        """How the visitor's own turn is introduced: signed, written or said."""
        if turn.lang == KSL:
            return self._t("sign_you_signed")
        return self._t("you_wrote" if turn.written else "you_said")

    @staticmethod
    def _own_text(turn: Turn) -> str:
        # a recognised sign shows its Korean text, as staff read it
        return (turn.translated_text or turn.text) if turn.lang == KSL else turn.text

    def _visible_text(self, turn: Turn) -> str:
        if turn.kind in (TurnKind.PENDING, TurnKind.CONFIRM):  # staff have not sent it yet
            return turn.text if self._captions and turn.kind is TurnKind.PENDING else "…"
        if turn.kind is TurnKind.NONE or not turn.translated_text:
            return turn.text if self._captions else self._t("not_translated")
        return turn.translated_text

    def _kind_text(self, turn: Turn) -> str:
        if self._captions or turn.kind in (TurnKind.ORIGINAL, TurnKind.PENDING):
            return ""
        colour, key = {
            TurnKind.VERIFIED: (THEME.verified, "verified" if turn.reviewed else "draft"),
            TurnKind.MACHINE: (THEME.machine, "machine"),
        }.get(turn.kind, (THEME.untranslated, "not_translated"))
        self.newest_kind.setStyleSheet(f"color: {colour}; background: transparent;")
        # an untranslated answer is tagged as such, never passed off as one
        return f"⚠ {self._t('not_translated_tag')}" if key == "not_translated" else self._t(key)

    @property
    def _captions(self) -> bool:
        """Staff's Korean is shown as it is heard (a signing or captions visitor)."""
        return self.lang in (KSL, KO_CAPTIONS)

    def _t(self, key: str) -> str:
        return strings.visitor(self._reading_lang(), key)

    @staticmethod
    def _direction(lang: str) -> Qt.LayoutDirection:
        from translate import languages

        try:
            rtl = languages.get(lang).rtl
        except Exception:
            rtl = False
        return Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight

    # -- keyboard: hold Space on the talk button to talk; Enter presses a button --------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Plus:
            self.set_scale(self.scale + 0.25)
        elif event.key() == Qt.Key.Key_Minus:
            self.set_scale(self.scale - 0.25)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()  # Enter presses the focused button, like Space
            if isinstance(focused, QPushButton) and focused is not self.talk_button:
                focused.click()
        else:
            super().keyPressEvent(event)


def _written_lang(text: str, reading: str) -> str:
    """What the visitor wrote is Korean when it is mostly Hangul, else their own language."""
    letters = [c for c in text if c.isalpha()]
    hangul = sum("\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e" for c in letters)
    return "ko" if letters and hangul * 2 > len(letters) else reading


class _FittedButton(QPushButton):
    """A button of the visitor's bottom row: the row's width is shared by stretch (half a screen
    in the split layout), and a label too long for its share is set smaller (down to 40%) when
    the button is sized, never widening the window."""

    def __init__(self) -> None:
        super().__init__()
        self._full: QFont | None = None

    def set_full_font(self, font: QFont) -> None:
        self._full = font
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._full is None:
            return
        if self.width() <= 100:  # not laid out yet
            self.setFont(self._full)
            return
        # the style's padding around the label, as the button's size hint counts it
        pad = self.sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text())
        room = self.width() - max(32, pad) - 2
        self.setFont(fitted(self._full, self.text(), room, least=0.4))

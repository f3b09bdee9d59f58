"""The staff's screen: both languages side by side, partial captions, quick replies, typing,
visit controls and the health of devices and models. In deaf-visitor mode it also shows the live
camera with landmarks, and recognised signs as the visitor's turns."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asr.events import Status
from kiosk.core import strings
from kiosk.core.health import Component, State
from kiosk.core.session import KO_CAPTIONS, KSL, Turn, TurnKind
from kiosk.runtime.engines import TranslationEngine
from kiosk.ui.camera_panel import CameraPanel
from kiosk.ui.fonts import font_for
from kiosk.ui.slot_dialog import ask_slots
from kiosk.ui.theme import THEME
from kiosk.ui.turn_card import TurnCard
from sign.events import SignRejected, SignResult
from translate import Phrase, SaidBy, Topic

EMERGENCY_TOPIC = "emer"  # its quick replies first, in red
TOPIC_COLUMNS = 4
TEXT_MM = 4.2
SMALL_MM = 3.0
STATE_COLOURS: dict[str, str] = {
    State.OK: THEME.verified,
    State.WORKING: THEME.working,
    State.WARNING: THEME.machine,
    State.ENDED: THEME.muted,
}  # any other state (an error, a lost camera) in the untranslated colour


class StaffScreen(QWidget):
    quick_reply = Signal(str, dict)  # phrase id, slot values
    typed = Signal(str)
    language_override = Signal(object)
    new_visit = Signal()
    export = Signal()
    settings = Signal()
    enrol = Signal()  # staff want to enrol signs (behind the PIN)
    mute = Signal(bool)
    speak_out = Signal(bool)
    confirmed = Signal(int, object)  # turn id, the phrase (or sign) meant; None: "No"
    nearest_picked = Signal(int, str, dict)  # turn id, a nearest phrase, its slot values
    show_note = Signal()  # show the visitor their take-away note (at the end of a visit)

    def __init__(
        self, translator: TranslationEngine | None, languages: tuple[str, ...], dpi: float
    ) -> None:
        super().__init__()
        self.setObjectName("staff")
        self.dpi = dpi
        self.translator = translator
        self.offered = languages
        self.text_font = font_for("ko", TEXT_MM, dpi)
        self.small_font = font_for("ko", SMALL_MM, dpi)
        self.cards: dict[int, TurnCard] = {}
        self.notices: list[QLabel] = []  # "not recognised" cards between the turns
        self.status_labels: dict[str, QLabel] = {}
        self.painted: Callable[[Turn], None] | None = None  # benchmark hook: a turn was painted

        root = QVBoxLayout(self)
        root.addLayout(self._build_top_bar())
        middle = QHBoxLayout()
        middle.addWidget(self._build_conversation(), stretch=3)
        right = QVBoxLayout()
        self.camera = CameraPanel(dpi, self.small_font, font_for("ko", SMALL_MM, dpi, bold=True))
        self.camera.setVisible(False)
        right.addWidget(self.camera)
        right.addWidget(self._build_quick_replies(), stretch=1)
        middle.addLayout(right, stretch=2)
        root.addLayout(middle, stretch=1)
        root.addLayout(self._build_typing())
        root.addLayout(self._build_status_bar())

    # -- building --------------------------------------------------------------------------------

    def _build_top_bar(self) -> QVBoxLayout:
        bar = QHBoxLayout()
        title = QLabel(strings.staff("title"))
        title.setFont(font_for("ko", TEXT_MM, self.dpi, bold=True))
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self._small_label(strings.staff("visitor_language")))
        self.language_box = QComboBox()
        self.language_box.setFont(self.small_font)
        self._fill_languages()
        self.language_box.activated.connect(
            lambda i: self.language_override.emit(self.language_box.itemData(i))
        )
        bar.addWidget(self.language_box)
        self.mute_button = self._button(strings.staff("mute"), checkable=True)
        self.mute_button.toggled.connect(self._on_mute)
        self.speak_button = self._button(strings.staff("speak_out"), checkable=True)
        self.speak_button.toggled.connect(self.speak_out.emit)
        self.note_button = self._button(strings.staff("show_note"))
        self.note_button.clicked.connect(self.show_note.emit)
        self.new_button = self._button(strings.staff("new_visit"))
        self.new_button.setObjectName("danger")
        self.new_button.clicked.connect(self.new_visit.emit)
        self.export_button = self._button(strings.staff("export"))
        self.export_button.clicked.connect(self.export.emit)
        self.settings_button = self._button(strings.staff("settings"))
        self.settings_button.clicked.connect(self.settings.emit)
        self.enrol_button = self._button(strings.staff("enrol"))
        self.enrol_button.clicked.connect(self.enrol.emit)
        # the staff's buttons on a row of their own: the split layout gives staff half a screen
        actions = QHBoxLayout()
        actions.addStretch(1)
        for b in (
            self.mute_button,
            self.speak_button,
            self.note_button,
            self.new_button,
            self.export_button,
            self.enrol_button,
            self.settings_button,
        ):
            actions.addWidget(b)
        rows = QVBoxLayout()
        rows.addLayout(bar)
        rows.addLayout(actions)
        return rows

    def _build_conversation(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        header = QHBoxLayout()
        header.addWidget(self._small_label(strings.staff("visitor_language")))
        header.addWidget(self._small_label(strings.staff("korean")))
        layout.addLayout(header)
        self.turns_box = QWidget()
        self.turns_layout = QVBoxLayout(self.turns_box)
        self.turns_layout.addStretch(1)
        self.turns_scroll = QScrollArea()
        self.turns_scroll.setWidget(self.turns_box)
        self.turns_scroll.setWidgetResizable(True)
        layout.addWidget(self.turns_scroll, stretch=1)
        return box

    def _build_quick_replies(self) -> QWidget:
        self.tabs = QTabWidget()
        self.tabs.setFont(self.small_font)
        # every topic in sight, emergencies first: a grid of topic buttons, not a tab bar whose
        # tabs hide behind arrows
        self.tabs.tabBar().hide()
        self.topic_buttons: list[QPushButton] = []
        topic_grid = QGridLayout()
        topic_grid.setSpacing(4)
        self.phrase_buttons: list[QPushButton] = []
        topics = sorted(
            ((t, ps) for t, ps in _staff_phrases(self.translator) if ps),
            key=lambda item: item[0].id != EMERGENCY_TOPIC,
        )
        for topic, phrases in topics:
            page = QWidget()
            grid = QGridLayout(page)
            for i, phrase in enumerate(phrases):
                label = phrase.text["ko"]
                button = QPushButton(label)
                button.setFont(self.small_font)
                button.setToolTip(phrase.text.get("en", ""))
                button.setProperty("phrase", phrase.id)
                button.setMinimumHeight(round(self.dpi * 0.45))
                button.setStyleSheet("text-align: left;")
                button.clicked.connect(lambda _=False, p=phrase: self._tap_phrase(p))
                grid.addWidget(button, i, 0)
                self.phrase_buttons.append(button)
            grid.setRowStretch(len(phrases), 1)
            scroll = QScrollArea()
            scroll.setWidget(page)
            scroll.setWidgetResizable(True)
            index = self.tabs.addTab(scroll, topic.name.get("ko", topic.id))
            chooser = QPushButton(topic.name.get("ko", topic.id))
            chooser.setFont(self.small_font)
            chooser.setCheckable(True)
            chooser.setChecked(index == 0)
            chooser.setProperty("topic", topic.id)
            chooser.setMinimumHeight(round(self.dpi * 0.4))
            chooser.setStyleSheet(f"QPushButton:checked {{ border: 3px solid {THEME.accent}; }}")
            if topic.id == EMERGENCY_TOPIC:
                chooser.setObjectName("danger")
            chooser.clicked.connect(lambda _=False, i=index: self._show_topic(i))
            topic_grid.addWidget(chooser, index // TOPIC_COLUMNS, index % TOPIC_COLUMNS)
            self.topic_buttons.append(chooser)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self._small_label(strings.staff("quick_replies")))
        layout.addLayout(topic_grid)
        layout.addWidget(self.tabs, stretch=1)
        return box

    def _show_topic(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        for i, button in enumerate(self.topic_buttons):
            button.setChecked(i == index)

    def _build_typing(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setFont(self.text_font)
        self.input.setPlaceholderText(strings.staff("type_here"))
        self.input.returnPressed.connect(self._send)
        self.send_button = self._button(strings.staff("send"))
        self.send_button.clicked.connect(self._send)
        row.addWidget(self.input, stretch=1)
        row.addWidget(self.send_button)
        return row

    def _build_status_bar(self) -> QHBoxLayout:
        self.status_row = QHBoxLayout()
        self.status_row.addStretch(1)
        return self.status_row

    # -- updates ---------------------------------------------------------------------------------

    def show_turn(self, turn: Turn, sign: SignResult | None = None) -> None:
        """Add or update a turn's card; `sign` is the recogniser's result for a signed turn."""
        card = self.cards.get(turn.turn_id)
        if card is None:
            card = TurnCard(
                self.text_font,
                self.small_font,
                self.dpi,
                self.confirmed.emit,
                self.nearest_picked.emit,
            )
            self.cards[turn.turn_id] = card
            self.turns_layout.insertWidget(self.turns_layout.count() - 1, card)
            card.show()  # now, not on the next event-loop pass: it is painted below
        card.update_turn(turn, sign)
        self._scroll_to_end()
        if self.painted is not None and turn.kind is not TurnKind.PENDING and turn.final:
            self.turns_layout.activate()  # the card's place, so that it paints where it shows
            card.repaint()
            self.painted(turn)

    def show_sign_rejected(self, event: SignRejected) -> None:
        """Someone signed and nothing matched: tell staff what to do (nothing else is shown)."""
        notice = QLabel(f"✋ {strings.staff('sign_not_recognised')}")
        notice.setObjectName("card")
        notice.setFont(self.small_font)
        notice.setWordWrap(True)
        notice.setStyleSheet(
            f"color: {THEME.untranslated}; background: {THEME.surface}; border-radius: 14px;"
            " padding: 10px;"
        )
        notice.setProperty("notice", "sign_not_recognised")
        self.notices.append(notice)
        self.turns_layout.insertWidget(self.turns_layout.count() - 1, notice)
        notice.show()
        self._scroll_to_end()

    def set_deaf_visitor(self, on: bool) -> None:
        """The camera panel is there while the visitor signs, and only then."""
        self.camera.setVisible(on)
        if not on:
            self.camera.set_spelling(False)
            self.camera.clear_picture()

    def clear(self) -> None:
        for card in [*self.cards.values(), *self.notices]:
            card.setParent(None)
            card.deleteLater()
        self.cards.clear()
        self.notices.clear()
        self.input.clear()
        self.language_box.setCurrentIndex(0)

    def set_language(self, lang: str | None) -> None:
        index = self.language_box.findData(lang)
        self.language_box.setCurrentIndex(max(0, index))

    def show_status(self, status: Status) -> None:
        label = self.status_labels.get(status.component)
        if label is None:
            label = QLabel()
            label.setFont(self.small_font)
            self.status_labels[status.component] = label
            self.status_row.insertWidget(self.status_row.count() - 1, label)
        colour = STATE_COLOURS.get(status.state, THEME.untranslated)
        label.setText(f"{status.component}: {_status_message(status)}")
        label.setToolTip(status.message)
        label.setStyleSheet(f"color: {colour};")

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.camera.set_video_width(round(self.width() * 0.2))
        super().resizeEvent(event)

    def set_offered(self, languages: tuple[str, ...]) -> None:
        """The languages Settings offer now, in the override list."""
        self.offered = languages
        self._fill_languages()

    def _fill_languages(self) -> None:
        from translate import languages

        self.language_box.clear()
        self.language_box.addItem("—", None)
        for code in self.offered:
            lang = languages.get(code)
            self.language_box.addItem(f"{lang.native} ({code})", code)
        self.language_box.addItem(strings.staff("sign_language"), KSL)
        self.language_box.addItem(strings.staff("korean_captions"), KO_CAPTIONS)

    # -- actions ---------------------------------------------------------------------------------

    def _tap_phrase(self, phrase: Phrase) -> None:
        values = ask_slots(self, sorted(phrase.slots), phrase.text["ko"])
        if values is not None:
            self.quick_reply.emit(phrase.id, values)

    def _send(self) -> None:
        text = self.input.text().strip()
        if text:
            self.typed.emit(text)
            self.input.clear()

    def _scroll_to_end(self) -> None:
        bar = self.turns_scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_mute(self, muted: bool) -> None:
        self.mute_button.setText(strings.staff("unmute" if muted else "mute"))
        self.mute.emit(muted)

    def _button(self, text: str, checkable: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setFont(self.small_font)
        button.setCheckable(checkable)
        button.setMinimumHeight(round(self.dpi * 0.4))
        return button

    def _small_label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setFont(self.small_font)
        label.setObjectName("muted")
        return label


def _staff_phrases(translator: TranslationEngine | None) -> list[tuple[Topic, list[Phrase]]]:
    """Each topic of the phrasebook with the phrases staff say (none before it is loaded)."""
    if translator is None:
        return []
    return [
        (topic, [p for p in translator.phrases(topic.id) if p.said_by(SaidBy.STAFF)])
        for topic in translator.topics()
    ]


def _status_message(status: Status) -> str:
    """What the status bar says: the models and the camera in staff's words (the details stay in
    the tooltip), anything else as reported."""
    if status.component == Component.MODELS:
        loading: dict[str, str] = {
            State.WORKING: strings.staff("models_loading"),
            State.OK: strings.staff("models_ready"),
        }
        return loading.get(status.state, status.message)
    if status.component == Component.CAMERA:
        camera: dict[str, str] = {
            State.OK: "camera_ok",
            State.LOST: "camera_lost",
            State.ENDED: "camera_ended",
        }
        return strings.staff(camera.get(status.state, "camera_missing"))
    return status.message

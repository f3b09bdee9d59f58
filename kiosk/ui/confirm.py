"""Ask the visitor when unsure: "Did you mean …?" with Yes and No, and after No up to three other
phrases to pick. It shows on the visitor's own newest turn, while that turn is a question."""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kiosk.core import strings
from kiosk.core.session import Turn, TurnKind
from kiosk.ui.theme import THEME
from translate import Candidate
from translate.words import line_breaks

ALTERNATIVES = 3


class ConfirmBox(QFrame):
    confirmed = Signal(int, object)  # turn id, the phrase meant (None: "No")

    def __init__(self, dpi: float) -> None:
        super().__init__()
        self.lang = "en"
        self.setObjectName("confirm")
        self.setStyleSheet("QFrame#confirm { background: transparent; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setStyleSheet(f"color: {THEME.machine}; background: transparent;")
        box.addWidget(self.question)
        answers = QHBoxLayout()
        self.yes_button = QPushButton()
        self.no_button = QPushButton()
        for button in (self.yes_button, self.no_button):
            button.setMinimumHeight(round(dpi * 0.6))  # ≥ 15 mm: a large touch target
            answers.addWidget(button)
        self.yes_button.clicked.connect(lambda: self._answer(True))
        self.no_button.clicked.connect(lambda: self._answer(False))
        box.addLayout(answers)
        self.alternative_buttons: list[QPushButton] = []
        for _ in range(ALTERNATIVES):
            button = QPushButton()
            button.setMinimumHeight(round(dpi * 0.5))
            button.clicked.connect(lambda _=False, b=button: self._pick(b))
            box.addWidget(button)
            self.alternative_buttons.append(button)
        self.setVisible(False)
        self._asking: Turn | None = None

    def set_language(self, lang: str, question_font: QFont, button_font: QFont) -> None:
        """The language the visitor reads, and the type for the question and the answers."""
        self.lang = lang
        self.question.setFont(question_font)
        for button in (self.yes_button, self.no_button, *self.alternative_buttons):
            button.setFont(button_font)
        self.yes_button.setText(strings.visitor(lang, "yes"))
        self.no_button.setText(strings.visitor(lang, "no"))

    def show_turn(self, turn: Turn | None) -> None:
        """Ask about the visitor's newest turn if it is a question back to them; else hide."""
        asking = bool(turn and turn.final and turn.kind is TurnKind.CONFIRM and turn.candidates)
        offering = bool(turn and turn.kind is TurnKind.NONE and turn.candidates)
        self._asking = turn if asking or offering else None
        self.setVisible(asking or offering)
        self.question.setVisible(asking or offering)
        self.yes_button.setVisible(asking)
        self.no_button.setVisible(asking)
        if turn is None or not (asking or offering):
            for button in self.alternative_buttons:
                button.setVisible(False)
            return
        others: tuple[Candidate, ...] = ()
        if asking:
            text = turn.candidates[0].source_text
            asked = did_you_mean(strings.visitor(self.lang, "did_you_mean"), text)
            self.question.setText(line_breaks(asked))
        else:
            self.question.setText(strings.visitor(self.lang, "other_phrases"))
            others = turn.candidates[:ALTERNATIVES]
        for i, button in enumerate(self.alternative_buttons):
            candidate = others[i] if i < len(others) else None
            button.setVisible(candidate is not None)
            button.setText(candidate.source_text if candidate is not None else "")
            button.setProperty("phrase_id", candidate.phrase_id if candidate is not None else None)

    def clear(self) -> None:
        """Forget the question (New visit): no phrase of the visit stays on a button."""
        self.show_turn(None)
        self.question.clear()
        for button in self.alternative_buttons:
            button.setText("")

    def _answer(self, yes: bool) -> None:
        turn = self._asking
        if turn is None or not turn.candidates:
            return
        self.confirmed.emit(turn.turn_id, turn.candidates[0].phrase_id if yes else None)

    def _pick(self, button: QPushButton) -> None:
        turn, phrase_id = self._asking, button.property("phrase_id")
        if turn is not None and phrase_id:
            self.confirmed.emit(turn.turn_id, phrase_id)


def did_you_mean(template: str, text: str) -> str:
    """The question, with the phrase in it: a phrase that asks already ("How much is it?") ends
    the question itself, so «How much is it?»? loses its second question mark."""
    asked = template.format(text=text)
    if text.rstrip().endswith(("?", "？")):
        asked = re.sub(r"([»」\"”])\s*[?？]$", r"\1", asked)
    return asked

"""One turn on the staff's screen: who spoke and in which language, the words as said beside their
Korean (or visitor-language) side, how the translation was made, how sure the sign recogniser was,
and Yes/No where the turn is a question staff answer (their own near miss, an unsure sign)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from asr.events import Side
from kiosk.core import strings
from kiosk.core.session import KSL, Turn, TurnKind
from kiosk.core.speech_policy import speech_quality
from kiosk.ui.fonts import font_for
from kiosk.ui.slot_dialog import ask_slots
from kiosk.ui.theme import THEME
from sign.events import SignResult
from translate import Candidate
from translate.words import line_breaks

#: Most nearest phrases offered on a staff turn that matched nothing.
NEAREST_BUTTONS = 4


class TurnCard(QFrame):
    """One turn: who spoke, what they said (original), and its Korean / visitor-language side."""

    def __init__(
        self,
        text_font: QFont,
        small_font: QFont,
        dpi: float,
        answer: Callable[[int, str | None], None] | None = None,
        pick: Callable[[int, str, dict[str, str]], None] | None = None,
    ) -> None:
        super().__init__()
        self.dpi = dpi
        self.answer = answer  # staff answer a question about this turn (their own near miss)
        self.pick = pick  # staff send one of the nearest phrases (turn id, phrase id, slot values)
        self.setObjectName("card")
        layout = QGridLayout(self)
        self.who = QLabel()
        self.who.setFont(small_font)
        self.original = QLabel()
        self.other = QLabel()
        self.kind = QLabel()
        self.kind.setFont(small_font)
        self.kind.setWordWrap(True)
        for label in (self.original, self.other):
            label.setWordWrap(True)
            label.setFont(text_font)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.who, 0, 0, 1, 2)
        layout.addWidget(self.original, 1, 0)
        layout.addWidget(self.other, 1, 1)
        layout.addWidget(self.kind, 2, 0, 1, 2)
        buttons = QHBoxLayout()
        self.yes_button = QPushButton(strings.staff("yes"))
        self.no_button = QPushButton(strings.staff("no"))
        for button in (self.yes_button, self.no_button):
            button.setFont(small_font)
            button.setVisible(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.yes_button.clicked.connect(lambda: self._answer(True))
        self.no_button.clicked.connect(lambda: self._answer(False))
        layout.addLayout(buttons, 3, 0, 1, 2)
        nearest = QVBoxLayout()
        self.nearest_buttons: list[QPushButton] = []
        for _ in range(NEAREST_BUTTONS):  # one tap sends a phrase (Korean shown; slots asked)
            button = QPushButton()
            button.setFont(small_font)
            button.setMinimumHeight(round(dpi * 0.45))  # ≥ 11 mm: a touch target
            button.setStyleSheet("text-align: left; padding: 6px 12px;")
            button.setVisible(False)
            button.clicked.connect(lambda _=False, b=button: self._pick(b))
            nearest.addWidget(button)
            self.nearest_buttons.append(button)
        layout.addLayout(nearest, 4, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        layout.setColumnStretch(1, 1)
        self.turn: Turn | None = None

    def update_turn(self, turn: Turn, sign: SignResult | None = None) -> None:
        self.turn = turn
        visitor = turn.side is Side.VISITOR
        signed = turn.lang == KSL
        shown_lang = strings.staff("sign_language") if signed else turn.lang
        quality = speech_quality(turn.lang) if visitor and not turn.written else None
        heard = f" · {strings.staff('speech_' + quality)}" if quality in ("fair", "poor") else ""
        self.who.setText(
            f"{strings.staff('visitor' if visitor else 'staff')} · {shown_lang}"
            + heard
            + ("" if turn.final else f" · {strings.staff('partial')}…")
        )
        self.who.setStyleSheet(f"color: {THEME.accent if visitor else THEME.muted};")
        self.original.setFont(font_for("ko" if signed else turn.lang, 4.2, self._dpi()))
        if visitor:
            # the visitor's words: original on the left, Korean on the right
            self.original.setText(line_breaks(turn.text))
            self.other.setText(turn.translated_text if turn.kind is not TurnKind.PENDING else "…")
        else:
            self.original.setText(
                line_breaks(turn.translated_text) if turn.kind is not TurnKind.PENDING else "…"
            )
            self.original.setFont(font_for(turn.translated_lang, 4.2, self._dpi()))
            self.other.setText(turn.text)
        colour, key = {
            TurnKind.VERIFIED: (THEME.verified, "verified" if turn.reviewed else "draft"),
            TurnKind.MACHINE: (THEME.machine, "machine"),
            TurnKind.NONE: (THEME.untranslated, "not_translated"),
            TurnKind.SIGN: (THEME.machine, ""),
        }.get(turn.kind, (THEME.muted, ""))
        extra = f" ({turn.phrase_id})" if turn.phrase_id else ""
        parts = [strings.staff(key) + extra] if key and not turn.awaiting_staff else []
        parts += self._question(turn)
        if sign is not None:  # how sure the recogniser was, and what else it considered
            parts.append(strings.staff("sign_recognised", percent=round(sign.confidence * 100)))
            others = ", ".join(f"{g} {p:.0%}" for g, p in sign.alternatives if g != sign.gloss)
            if others:
                parts.append(strings.staff("sign_candidates", candidates=others))
        self.kind.setText(" · ".join(parts))
        self.kind.setStyleSheet(f"color: {colour};")

    def _question(self, turn: Turn) -> list[str]:
        """A near miss or an unsure sign is a question, not a result: say so, and let staff
        answer the ones that are theirs (their own typed text, a sign)."""
        asking = turn.kind in (TurnKind.CONFIRM, TurnKind.SIGN_UNSURE) and turn.final
        staff_answers = asking and (turn.side is Side.STAFF or turn.kind is TurnKind.SIGN_UNSURE)
        self.yes_button.setVisible(staff_answers)
        self.no_button.setVisible(staff_answers)
        if turn.kind is TurnKind.SIGN_UNSURE:
            return [strings.staff("sign_unsure", text=turn.translated_text)]
        if turn.kind is TurnKind.CONFIRM and turn.candidates:
            best = turn.candidates[0]
            if turn.side is Side.STAFF:
                return [strings.staff("confirm_send", text=best.source_text)]
            return [strings.staff("confirm_asking", text=best.text)]
        offered = turn.candidates[:NEAREST_BUTTONS] if turn.awaiting_staff else ()
        for i, button in enumerate(self.nearest_buttons):
            candidate = offered[i] if i < len(offered) else None
            button.setVisible(candidate is not None)
            button.setText(f"➤ {candidate.source_text}" if candidate is not None else "")
            button.setProperty("phrase_id", candidate.phrase_id if candidate else None)
        if turn.awaiting_staff:
            return [strings.staff("nearest_phrases")]
        if turn.kind is TurnKind.NONE and turn.declined:  # asked, and No: what it may be
            # in Korean, which staff read: the phrase's own text for staff's words
            others = ", ".join(
                c.source_text if turn.side is Side.STAFF else c.text for c in turn.candidates[:3]
            )
            declined = "confirm_declined_staff" if turn.side is Side.STAFF else "confirm_declined"
            return [strings.staff(declined), f"{strings.staff('alternatives')}: {others}"]
        return []

    def _answer(self, yes: bool) -> None:
        turn = self.turn
        if turn is None or self.answer is None:
            return
        if turn.kind is TurnKind.SIGN_UNSURE:
            self.answer(turn.turn_id, turn.text if yes else None)
        elif turn.candidates:
            self.answer(turn.turn_id, turn.candidates[0].phrase_id if yes else None)

    def _pick(self, button: QPushButton) -> None:
        """Send a nearest phrase: its open slots are asked first (Cancel sends nothing)."""
        turn, phrase_id = self.turn, button.property("phrase_id")
        if turn is None or self.pick is None or not phrase_id:
            return
        chosen = next((c for c in turn.candidates if c.phrase_id == phrase_id), None)
        if chosen is None:
            return
        values = self._ask_slots(chosen)
        if values is not None:
            self.pick(turn.turn_id, chosen.phrase_id, values)

    def _ask_slots(self, candidate: Candidate) -> dict[str, str] | None:
        return ask_slots(self, candidate.needs, candidate.source_text)

    def _dpi(self) -> float:
        return self.dpi

"""Ask when unsure: "Did you mean …?" on the visitor's screen, Yes and No by touch and keyboard,
the alternatives after No, and staff confirming their own near miss — through the real screens and
the conversation core. The translator answers from a script (the matcher's own accuracy is tested
in tests/translate); the phrasebook behind it is the real one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from asr.events import Side
from kiosk.core.session import TurnKind
from kiosk.runtime.engines import Engines
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup import paths
from tests.kiosk.ui.conftest import close, glyph_problems, make_ui
from translate import Translator
from translate.translation import Candidate, Translation, TranslationKind

NEAR_MISS = "I want to renew my passport"
NOT_ASKED = "Where can I renew a fishing licence for my boat?"
STAFF_NEAR = "등본 떼 드릴까요"


class ScriptedTranslator:
    """The real phrasebook translator, except for the sentences given an answer here."""

    def __init__(self, answers: dict[str, Translation]) -> None:
        self.real = Translator.load(paths.cache_dir(), semantic=False)
        self.answers = answers

    def translate(
        self, text: str, source_lang: str, target_lang: str, side: str | None = None
    ) -> Translation:
        return self.answers.get(text) or self.real.translate(text, source_lang, target_lang, side)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def candidate(book: Translator, phrase_id: str, source: str, target: str) -> Candidate:
    return Candidate(
        phrase_id,
        book.render(phrase_id, source),
        book.render(phrase_id, target),
        0.7,
        True,
    )


@pytest.fixture
def counter(qtbot: object, tmp_path: Path):
    book = Translator.load(paths.cache_dir(), semantic=False)
    visitor_cands = tuple(
        candidate(book, pid, "en", "ko")
        for pid in (
            "for.extend_stay",
            "doc.residence_card_or_passport",
            "fee.how_much",
            "greet.thanks",
        )
    )
    staff_cands = (candidate(book, "res.certificate", "ko", "en"),)
    answers = {
        NEAR_MISS: Translation(
            NEAR_MISS,
            "en",
            "ko",
            visitor_cands[0].text,
            TranslationKind.CONFIRM,
            0.6,
            visitor_cands[0].phrase_id,
            True,
            candidates=visitor_cands,
        ),
        STAFF_NEAR: Translation(
            STAFF_NEAR,
            "ko",
            "en",
            staff_cands[0].text,
            TranslationKind.CONFIRM,
            0.6,
            staff_cands[0].phrase_id,
            True,
            candidates=staff_cands,
        ),
    }
    answers[NOT_ASKED] = Translation(  # nothing near enough to ask about, candidates kept
        NOT_ASKED,
        "en",
        "ko",
        "",
        TranslationKind.NONE,
        0.0,
        None,
        False,
        candidates=visitor_cands[:2],
    )
    fake = ScriptedTranslator(answers)
    engines = Engines(phrasebook=lambda: fake, translator=lambda: fake, speech=None)
    kiosk, ui = make_ui(qtbot, load_speech=False, engines=engines)
    ui.show()
    yield kiosk, ui
    close(ui)


def _visitor_turn(kiosk: Kiosk):
    return kiosk.session.latest(Side.VISITOR)


def test_visitor_says_no_then_picks_an_alternative(counter, qtbot, tmp_path: Path) -> None:
    kiosk, ui = counter
    visitor = ui.visitor
    qtbot.mouseClick(visitor.chooser.button("en"), Qt.MouseButton.LeftButton)
    kiosk.send_typed(NEAR_MISS, Side.VISITOR)
    qtbot.waitUntil(lambda: visitor.confirm.yes_button.isVisible(), timeout=10_000)
    assert "Did you mean" in visitor.confirm.question.text()
    card = ui.staff.cards[_visitor_turn(kiosk).turn_id]
    assert "확인 중" in card.kind.text() and not card.yes_button.isVisible()  # pending for staff
    visitor.grab().save(str(tmp_path / "visitor-did-you-mean.png"))
    assert glyph_problems(visitor) == []
    qtbot.mouseClick(visitor.confirm.no_button, Qt.MouseButton.LeftButton)  # No
    qtbot.waitUntil(lambda: _visitor_turn(kiosk).kind is TurnKind.NONE, timeout=5_000)
    assert "write it" in visitor.own_kind.text()
    shown = [b for b in visitor.confirm.alternative_buttons if b.isVisible()]
    assert len(shown) == 3 and not visitor.confirm.yes_button.isVisible()
    assert "아니라고" in card.kind.text() and "다른 후보" in card.kind.text()  # staff see them
    visitor.grab().save(str(tmp_path / "visitor-alternatives.png"))
    ui.staff.grab().save(str(tmp_path / "staff-alternatives.png"))
    qtbot.mouseClick(shown[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _visitor_turn(kiosk).kind is TurnKind.VERIFIED, timeout=5_000)
    assert _visitor_turn(kiosk).phrase_id == shown[1].property("phrase_id")
    assert not visitor.confirm.isVisible()


def test_nobody_said_no_when_nobody_was_asked(counter, qtbot) -> None:
    """Words that matched nothing: staff see them untranslated, not that the visitor said No;
    the visitor's screen tags the turn, and asks nothing."""
    kiosk, ui = counter
    kiosk.choose_language("en")
    kiosk.send_typed(NOT_ASKED, Side.VISITOR)
    qtbot.waitUntil(lambda: _visitor_turn(kiosk).kind is TurnKind.NONE, timeout=5_000)
    card = ui.staff.cards[_visitor_turn(kiosk).turn_id]
    assert "아니라고" not in card.kind.text() and "다른 후보" not in card.kind.text()
    assert not ui.visitor.confirm.yes_button.isVisible()


def test_visitor_answers_yes_by_keyboard(counter, qtbot) -> None:
    kiosk, ui = counter
    kiosk.choose_language("en")
    kiosk.send_typed(NEAR_MISS, Side.VISITOR)
    visitor = ui.visitor
    qtbot.waitUntil(lambda: visitor.confirm.yes_button.isVisible(), timeout=10_000)
    visitor.confirm.yes_button.setFocus()
    qtbot.keyClick(visitor.confirm.yes_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _visitor_turn(kiosk).kind is TurnKind.VERIFIED, timeout=5_000)
    assert _visitor_turn(kiosk).phrase_id == "for.extend_stay"


def test_staff_confirm_their_own_near_miss_before_the_visitor_sees_it(counter, qtbot) -> None:
    kiosk, ui = counter
    kiosk.choose_language("en")
    kiosk.send_typed(STAFF_NEAR)
    qtbot.waitUntil(
        lambda: kiosk.session.latest(Side.STAFF).kind is TurnKind.CONFIRM, timeout=10_000
    )
    turn = kiosk.session.latest(Side.STAFF)
    card = ui.staff.cards[turn.turn_id]
    assert card.yes_button.isVisible() and "보낼까요" in card.kind.text()
    assert ui.visitor.newest_label.text() == "…"  # nothing reaches the visitor before Yes
    qtbot.mouseClick(card.yes_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: kiosk.session.latest(Side.STAFF).kind is TurnKind.VERIFIED, timeout=5_000
    )
    assert ui.visitor.newest_label.text() == kiosk.session.latest(Side.STAFF).translated_text


@pytest.mark.parametrize(
    ("lang", "phrase", "asked"),
    [
        ("uz", "To'lov qancha?", "Siz shuni nazarda tutdingizmi: «To'lov qancha?»"),
        ("tl", "Magkano po?", "Ito ba ang ibig mong sabihin: «Magkano po?»"),
        ("en", "I lost my card.", "Did you mean: «I lost my card.»?"),
    ],
)
def test_a_question_in_the_question_keeps_one_question_mark(lang, phrase, asked) -> None:
    from kiosk.core import strings
    from kiosk.ui.confirm import did_you_mean

    assert did_you_mean(strings.visitor(lang, "did_you_mean"), phrase) == asked

"""Both screens in many languages and scripts: screenshots, missing glyphs, text that does not fit,
type size and contrast.

Each language gets a short visit through the real kiosk (phrasebook translator, real fonts): the
visitor says a phrase of the phrasebook in their language (fed in as the recogniser's final
utterance), staff answer with a quick reply that has a slot and with typed Korean that no phrase
covers. Screenshots of both screens are saved under the test's temporary folder, or under
$CHANGGU_SCREENSHOTS when set (to look at them).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from asr.events import Side, Utterance
from kiosk.core import strings
from kiosk.core.session import KSL, TurnKind
from kiosk.ui.fonts import glyph_height_mm
from kiosk.ui.theme import MIN_CHAR_HEIGHT_MM, MIN_CONTRAST, REFERENCE_DPI, THEME, contrast_ratio
from tests.kiosk.ui.conftest import close, fit_problems, glyph_problems, make_ui, wait_for_turn
from translate.words import ZWSP

LANGUAGES = ["ko", "zh", "vi", "th", "ru", "ne", "km", "mn", "ja", "en", "uz", "tl", "id"]
VISITOR_PHRASE = "fee.how_much"  # the visitor asks what it costs


@pytest.fixture(scope="module")
def screens(qapp: QApplication) -> Iterator[tuple[object, object]]:
    class Bot:  # the module shares one kiosk; qtbot is per test
        @staticmethod
        def waitUntil(check: object, timeout: int) -> None:
            deadline = time.monotonic() + timeout / 1000
            while time.monotonic() < deadline:
                if check():
                    return
                qapp.processEvents()
                time.sleep(0.01)  # lets the worker threads run (QTest.qWait keeps the GIL)
            raise TimeoutError("condition not met")

    kiosk, ui = make_ui(Bot(), load_speech=False)
    for window in ui.windows:
        window.show()
    yield kiosk, ui
    close(ui)


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CHANGGU_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _visit(kiosk: object, lang: str, qtbot: object) -> None:
    """A short exchange in `lang` ("ko": a deaf visitor, shown staff's words as Korean captions)."""
    kiosk.new_visit()
    kiosk.choose_language(KSL if lang == "ko" else lang)
    if lang != "ko":
        phrase = next(p for p in kiosk.translator.phrases() if p.id == VISITOR_PHRASE)
        said = Utterance(1, Side.VISITOR, lang, phrase.text[lang], True, 0.0, 1.5, 0.9)
        kiosk.hear(said, "test")
        wait_for_turn(
            qtbot, kiosk, lambda t: t.side is Side.VISITOR and t.kind is not TurnKind.PENDING
        )
    kiosk.quick_reply("fee.amount", {"amount": "1200"})
    kiosk.send_typed("서류를 확인하는 동안 잠시 기다려 주세요.")
    wait_for_turn(
        qtbot,
        kiosk,
        lambda t: t.side is Side.STAFF and t.kind is not TurnKind.PENDING and "서류" in t.text,
    )
    QApplication.processEvents()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_both_screens_render_every_language(screens, shots_dir, qtbot, lang):
    kiosk, ui = screens
    _visit(kiosk, lang, qtbot)
    for name, screen in (("staff", ui.staff), ("visitor", ui.visitor)):
        image = screen.grab()
        assert not image.isNull()
        assert image.save(str(shots_dir / f"{lang}-{name}.png"))
        assert glyph_problems(screen) == [], f"{lang} {name}: characters the font cannot draw"
        assert fit_problems(screen) == [], f"{lang} {name}: text that does not fit"
    visitor = ui.visitor
    assert visitor.pages.currentWidget() is visitor.conversation
    newest = visitor.newest_label.text()
    if lang == "ko":
        assert newest == "서류를 확인하는 동안 잠시 기다려 주세요."  # live Korean captions, as said
        assert visitor.state_label.text() == strings.visitor("ko", "sign_your_turn")  # not "speak"
    else:
        assert newest  # typed Korean without a phrase: an honest "not translated" in their language
        # the quick reply before it, verified, in their language, with the amount in it
        reply = next(t for t in kiosk.session.turns if t.phrase_id == "fee.amount")
        assert reply.kind is TurnKind.VERIFIED and reply.translated_lang == lang
        assert "1" in reply.translated_text and "200" in reply.translated_text
        assert reply.translated_text in visitor.history.text().replace(ZWSP, "")  # line breaks


def test_language_chooser_shows_every_language_in_its_own_script(screens, shots_dir, qtbot):
    kiosk, ui = screens
    kiosk.new_visit()
    QApplication.processEvents()
    chooser = ui.visitor.chooser
    assert ui.visitor.pages.currentWidget() is chooser
    ui.visitor.grab().save(str(shots_dir / "chooser-visitor.png"))
    names = {b.property("lang"): b.text() for b in ui.visitor.chooser.buttons}
    assert names["th"] == "ภาษาไทย" and names["km"] == "ភាសាខ្មែរ" and names["ne"] == "नेपाली"
    assert names["zh"] == "中文" and names["mn"] == "Монгол хэл" and names["vi"] == "Tiếng Việt"
    assert names[KSL].startswith("한국수어")
    assert glyph_problems(chooser) == []
    assert fit_problems(chooser) == []
    for button in ui.visitor.chooser.buttons:  # large touch targets: ≥ 20 mm tall
        assert button.height() / REFERENCE_DPI * 25.4 >= 20, button.text()


@pytest.mark.parametrize("lang", ["en", "th", "km", "zh"])
def test_newest_message_is_at_least_12_mm_and_grows_to_200_percent(screens, shots_dir, qtbot, lang):
    kiosk, ui = screens
    _visit(kiosk, lang, qtbot)
    label = ui.visitor.newest_label
    height = glyph_height_mm(label.font(), lang, REFERENCE_DPI)
    assert height >= MIN_CHAR_HEIGHT_MM
    ui.visitor.set_scale(2.0)
    try:
        doubled = glyph_height_mm(label.font(), lang, REFERENCE_DPI)
        QApplication.processEvents()
        ui.visitor.grab().save(str(shots_dir / f"{lang}-visitor-200.png"))
        assert doubled >= 2 * MIN_CHAR_HEIGHT_MM
        assert fit_problems(ui.visitor) == []
    finally:
        ui.visitor.set_scale(1.0)


def test_theme_contrast_meets_the_kiosk_rule():
    ratios = {name: contrast_ratio(fg, bg) for name, (fg, bg) in THEME.pairs().items()}
    assert all(r >= MIN_CONTRAST for r in ratios.values()), ratios
    # and the computation is the WCAG one: black on white is 21:1, a colour on itself 1:1
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio(THEME.accent, THEME.accent) == pytest.approx(1.0)

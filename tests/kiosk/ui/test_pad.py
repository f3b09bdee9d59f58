"""The visitor's writing pad, real widgets in a real window: touch alone, keyboard alone, a
physical keyboard and an input method in the field, text size, and screenshots in Korean,
Vietnamese and Thai checked for missing glyphs and cut-off labels.

Also the language chooser's labels: every script at the same apparent size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetricsF, QInputMethodEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.fonts import OPTICAL_BODY, glyph_height_mm, missing_glyphs
from kiosk.ui.pad import HANGUL, LATIN, WritingPad
from kiosk.ui.theme import REFERENCE_DPI, stylesheet
from tests.kiosk.ui.conftest import fit_problems, glyph_problems, tap

SIZE = (1872, 1032)  # the visitor screen's page, inside its margins


@pytest.fixture
def pad(qtbot):
    QApplication.instance().setStyleSheet(stylesheet())
    pad = WritingPad("ko", REFERENCE_DPI)
    qtbot.addWidget(pad)
    pad.resize(*SIZE)
    pad.show()
    pad.activateWindow()
    qtbot.waitExposed(pad)
    pad.field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pad.field, timeout=5000)
    return pad


def key(pad: WritingPad, label: str):
    """The key that shows `label` now."""
    return next(k for k in pad.keys if k.text() == label)


def type_text(widget: QWidget, text: str) -> None:
    """Key events carrying each character, as a keyboard with the language's layout sends them
    (QTest.keyClicks knows only ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def test_touch_only(pad, qtbot):
    finger = QTest.createTouchDevice()
    sent = []
    pad.submitted.connect(sent.append)
    for label in "ㅎㅏㄴㄱㅡㄹ":
        tap(finger, key(pad, label))
    assert pad.field.toPlainText() == "한"  # committed; 글 is still being composed
    assert pad.composer.composing == "글" and pad.text() == "한글"
    assert QApplication.focusWidget() is pad.field  # taps leave the focus where it was
    tap(finger, pad.space_key)
    tap(finger, pad.shift_key)  # Shift: the double consonants
    assert pad.character_keys["AD04"].text() == "ㄲ"  # the key of QWERTY's R
    for label in "ㄲㅗㅊ":
        tap(finger, key(pad, label))
    assert pad.character_keys["AD04"].text() == "ㄱ"  # Shift holds for one key
    assert pad.text() == "한글 꽃"
    tap(finger, pad.backspace_key)  # one jamo back, then whole characters
    assert pad.text() == "한글 꼬"
    tap(finger, pad.backspace_key)
    tap(finger, pad.backspace_key)
    assert pad.text() == "한글 "

    assert pad.layout_key.text() == "ABC"  # the switch names the layout it leads to
    tap(finger, pad.layout_key)  # to Latin, with Shift for a capital
    assert pad.layout_name == LATIN and pad.character_keys["AD01"].text() == "q"
    assert pad.layout_key.text() == "한글"
    tap(finger, pad.shift_key)
    for position in ("AD09", "AC08"):  # O, k
        tap(finger, pad.character_keys[position])
    tap(finger, pad.shift_key)
    tap(finger, pad.character_keys["AB10"])  # Shift and / : ?
    tap(finger, pad.character_keys["AE01"])
    assert pad.text() == "한글 Ok?1"
    tap(finger, pad.send_key)
    assert sent == ["한글 Ok?1"]
    assert pad.text() == ""  # sent: the field is empty again

    closed = []
    pad.cancelled.connect(lambda: closed.append(True))
    tap(finger, pad.cancel_key)
    assert closed == [True]


def test_keyboard_only_reaches_and_presses_every_key(pad, qtbot):
    reached = []
    for _ in range(len(pad.keys)):  # Tab from the field walks over every key, in reading order
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert reached == pad.keys

    # arrows move between keys as they are laid out
    pad.character_keys["AD01"].setFocus(Qt.FocusReason.TabFocusReason)  # ㅂ, on QWERTY's Q
    for arrow, expected in [
        (Qt.Key.Key_Down, "AC01"),
        (Qt.Key.Key_Right, "AC02"),
        (Qt.Key.Key_Down, "AB01"),
        (Qt.Key.Key_Down, "switch"),  # the command row: the layout switch sits below
        (Qt.Key.Key_Up, "AB01"),
        (Qt.Key.Key_Up, "AC01"),
        (Qt.Key.Key_Up, "AD02"),  # rows are centred: each sits half a key to the right
        (Qt.Key.Key_Up, "AE01"),
    ]:
        qtbot.keyClick(QApplication.focusWidget(), arrow)
        target = pad.layout_key if expected == "switch" else pad.character_keys[expected]
        assert QApplication.focusWidget() is target, expected
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # above the top row: the field
    assert QApplication.focusWidget() is pad.field

    # Space and Enter press the key with focus: ㅎ ㅏ ㄴ
    for position, press in [  # the keys of QWERTY's G, K and S
        ("AC05", Qt.Key.Key_Space),
        ("AC08", Qt.Key.Key_Return),
        ("AC02", Qt.Key.Key_Space),
    ]:
        pad.character_keys[position].setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(pad.character_keys[position], press)
    assert pad.text() == "한"
    sent = []
    pad.submitted.connect(sent.append)
    pad.send_key.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(pad.send_key, Qt.Key.Key_Return)
    assert sent == ["한"]


def test_a_physical_keyboard_types_2_beolsik_and_enter_sends(pad, qtbot):
    sent = []
    pad.submitted.connect(sent.append)
    QTest.keyClicks(pad.field, "dkssudgktpdy")  # 안녕하세요 on a Korean keyboard's keys
    assert pad.text() == "안녕하세요"
    QTest.keyClick(pad.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # new line
    QTest.keyClicks(pad.field, "Rhc")  # Shift+R: ㄲ
    assert pad.text() == "안녕하세요\n꽃"
    QTest.keyClick(pad.field, Qt.Key.Key_Backspace)
    assert pad.text() == "안녕하세요\n꼬"
    QTest.keyClick(pad.field, Qt.Key.Key_Return)
    assert sent == ["안녕하세요\n꼬"]

    pad.set_layout(LATIN)  # the Latin layout: the keys type what they say
    QTest.keyClicks(pad.field, "Passport 2")
    assert pad.text() == "Passport 2"
    QTest.keyClick(pad.field, Qt.Key.Key_Hangul)  # the 한/영 key switches
    assert pad.layout_name == HANGUL
    closed = []
    pad.cancelled.connect(lambda: closed.append(True))
    QTest.keyClick(pad.field, Qt.Key.Key_Escape)
    assert closed == [True]


def test_the_system_input_method_types_in_the_field(pad, qtbot):
    for label in "ㄱㅏ":
        key(pad, label).click()
    assert pad.composer.composing == "가"
    # an input method (ibus, fcitx, a phone-style IME) commits text into the field
    event = QInputMethodEvent("", [])
    event.setCommitString("나다")
    QApplication.sendEvent(pad.field, event)
    assert pad.text() == "가나다"  # our syllable was finished first, in its place
    assert pad.composer.composing == ""


def test_text_follows_the_kiosk_zoom(pad, qtbot):
    normal = glyph_height_mm(pad.field.font(), "ko", REFERENCE_DPI)
    key_normal = QFontMetricsF(pad.character_keys["AE01"].font()).capHeight()
    pad.set_scale(2.0)
    QApplication.processEvents()
    assert glyph_height_mm(pad.field.font(), "ko", REFERENCE_DPI) >= 2 * normal * 0.97
    assert QFontMetricsF(pad.character_keys["AE01"].font()).capHeight() >= 2 * key_normal * 0.95
    assert fit_problems(pad) == []
    for k in pad.keys:  # large touch targets at any size: ≥ 15 mm tall
        assert k.height() / REFERENCE_DPI * 25.4 >= 15, k.text()


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        ("ko", "ㅈㅜㅁㅣㄴㄷㅡㅇㄹㅗㄱ ㄷㅡㅇㅂㅗㄴ ㅎㅏㄴ ㅌㅗㅇ ㅂㅏㄷㄱㅗ ㅅㅣㅍㅇㅓㅇㅛ."),
        ("vi", "Tôi muốn đăng ký tạm trú cho gia đình."),
        ("th", "ฉันต้องการขอใบรับรองถิ่นที่อยู่"),
    ],
)
def test_screenshot_has_no_missing_glyphs(pad, qtbot, tmp_path: Path, lang: str, written: str):
    pad.set_language(lang)
    if lang == "ko":
        for jamo in written:  # typed on the on-screen keys
            pad.type_key(jamo)
    else:
        type_text(pad.field, written)  # a keyboard with a Vietnamese or Thai layout
    QApplication.processEvents()
    assert pad.text() == ("주민등록 등본 한 통 받고 싶어요." if lang == "ko" else written)
    shot = tmp_path / f"pad-{lang}.png"
    assert pad.grab().save(str(shot))
    assert glyph_problems(pad) == []
    assert missing_glyphs(pad.text() + pad.field.placeholderText(), pad.field.font()) == ""
    assert fit_problems(pad) == []


def test_language_chooser_sets_every_script_at_one_apparent_size(qtbot):
    from kiosk.ui.chooser import LanguageChooser
    from translate import languages

    offered = ("ko", "en", "zh", "vi", "th", "uz", "ru", "mn", "ne", "km", "tl", "id", "ja")
    chooser = LanguageChooser(offered, REFERENCE_DPI)
    qtbot.addWidget(chooser)
    fonts = {b.property("lang"): b.font() for b in chooser.buttons}
    english_cap = QFontMetricsF(fonts["en"]).tightBoundingRect("H").height()
    for lang in offered:
        glyph, ratio = OPTICAL_BODY[languages.get(lang).script]
        body = QFontMetricsF(fonts[lang]).tightBoundingRect(glyph).height()
        # each script's body in its proportion to the Latin capital (within a pixel's rounding)
        assert body / english_cap == pytest.approx(ratio, rel=0.06), lang
        # and, in the Noto families drawn to match, that is one and the same type size
        assert fonts[lang].pixelSize() == pytest.approx(fonts["en"].pixelSize(), rel=0.06), lang


OFFERED = ("ko", "en", "zh", "vi", "th", "uz", "ru", "mn", "ne", "km", "tl", "id", "ja")


@pytest.mark.parametrize("lang", OFFERED)
def test_every_visitor_gets_their_own_script_and_labels_in_their_language(pad, qtbot, lang):
    """Each language's own keyboard first (Latin for en, tl, id), the switch naming the next
    one in its own script, the command keys in the visitor's language; nothing cut off."""
    from kiosk.keyboards import labels_for, layouts_for

    pad.set_language(lang)
    QApplication.processEvents()
    own = layouts_for(lang)
    assert pad.layout_name == own[0].name
    labels = labels_for(lang)
    assert [pad.send_key.text(), pad.space_key.text(), pad.cancel_key.text()] == [
        labels.send,
        labels.space,
        labels.close,
    ]
    if len(own) > 1:
        assert pad.layout_key.isVisible() and pad.layout_key.text() == own[1].switch_label
    assert fit_problems(pad) == []
    assert glyph_problems(pad) == []


def test_pinyin_candidates_are_keys_to_tap(pad, qtbot):
    finger = QTest.createTouchDevice()
    pad.set_language("zh")
    QApplication.processEvents()
    for letter in "shouxufei":
        pad.type_key(letter)
    assert pad.candidate_bar.isVisible()
    shown = [k for k in pad.candidate_keys if k.isVisible()]
    assert shown and shown[0].text() == "手续费"
    tap(finger, shown[0])
    assert pad.text() == "手续费" and not any(k.isVisible() for k in pad.candidate_keys)


def test_khmer_third_level_and_subscripts_by_touch(pad, qtbot):
    """ក ្ ម types the subscript ក្ម; the third-level key shows its first letters (ឯ …)."""
    finger = QTest.createTouchDevice()
    pad.set_language("km")
    QApplication.processEvents()  # the new keys laid out, as before any finger can reach them
    assert pad.alt_key.isVisible() and pad.alt_key.text()
    for ch in "ខ្មែរ":
        key, level = pad.keyboard_layout.find(ch)
        if level.value == "shift":
            tap(finger, pad.shift_key)
        tap(finger, pad.character_keys[key.position])
    tap(finger, pad.alt_key)
    key, _level = pad.keyboard_layout.find("ឯ")
    assert pad.character_keys[key.position].text() == "ឯ"
    tap(finger, pad.character_keys[key.position])
    assert pad.text() == "ខ្មែរឯ"


def test_a_physical_keyboard_types_telex_through_the_vietnamese_layout(pad, qtbot):
    pad.set_language("vi")
    QTest.keyClicks(pad.field, "Leej phis")
    assert pad.text() == "Lệ phí"


def test_a_dictionary_that_cannot_be_read_leaves_the_pad_writing(pad, qtbot, monkeypatch):
    """A damaged install: the pinyin is kept as typed and the keys go on typing."""
    import kiosk.keyboards.hanzi as hanzi

    def broken() -> None:
        raise OSError("dict.txt: No such file or directory")

    monkeypatch.setattr(hanzi, "shared_dictionary", broken)
    monkeypatch.setattr("kiosk.keyboards.pinyin.shared_dictionary", broken)
    pad.set_language("zh")
    for letter in "nihao":
        pad.type_key(letter)
    assert pad.text() == "nihao"
    sent = []
    pad.submitted.connect(sent.append)
    pad.send()
    assert sent == ["nihao"]

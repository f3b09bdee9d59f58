"""One composer interface: the pad's Hangul composer already has it; plain layouts type as is."""

from __future__ import annotations

from kiosk.keyboards import CandidateComposer, Composer, PlainComposer, composer_for, layout
from kiosk.ui.hangul import HangulComposer


def test_the_pads_hangul_composer_fits_the_interface() -> None:
    composer = composer_for(layout("hangul"))
    assert isinstance(composer, HangulComposer)
    assert isinstance(composer, Composer) and not isinstance(composer, CandidateComposer)
    for key in "ㅎㅏㄴㄱㅡㄹ":
        composer.press(key)
    assert composer.text == "한글"


def test_plain_layouts_type_code_points_in_order() -> None:
    composer = composer_for(layout("khmer"))
    assert isinstance(composer, PlainComposer)
    for key in ["ក", "\u17d2", "រ", "ុ", "ង"]:
        composer.press(key)
    assert composer.composing == "" and composer.take_committed() == "ក្រុង"
    composer.press("ា")
    assert composer.backspace() and not composer.backspace()
    composer.press("x")
    composer.clear()
    assert composer.text == ""

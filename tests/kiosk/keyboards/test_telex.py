"""Telex: the rules one by one, and every Vietnamese wording of the phrasebook typed in Telex."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.keyboards import Composer, composer_for, layouts_for
from kiosk.keyboards.telex import TONE_MARKS, TelexComposer, TonePlacement, telex
from tests.kiosk.keyboards.conftest import wordings
from tests.kiosk.keyboards.typist import presses
from translate.phrasebook import Phrasebook

_SHAPE_KEYS = {"â": "aa", "ă": "aw", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}
_TONE_KEYS = {mark: key for key, mark in TONE_MARKS.items()}


def type_keys(keys: str, placement: TonePlacement = TonePlacement.MODERN) -> str:
    composer = TelexComposer(placement)
    for key in keys:
        composer.press(key)
    return composer.finish()


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        ("leej phis bao nhieeu", "lệ phí bao nhiêu"),
        ("lej", "lẹ"),  # j is the tone alone: ê needs ee
        ("Vieejt Nam", "Việt Nam"),
        ("nguwowif", "người"),
        ("dduwowngf", "đường"),
        ("truwowngf", "trường"),
        ("hoawcj", "hoặc"),
        ("tieengs", "tiếng"),
        ("nhieeuf", "nhiều"),
        ("nhieefu", "nhiều"),  # the tone key may come before the last vowel
        ("muwa", "mưa"),
        ("muaw", "mưa"),
        ("cuwuf", "cừu"),
        ("quys", "quý"),  # qu-: the tone goes on y
        ("gif", "gì"),
        ("gias", "giá"),  # gi-: the tone goes on a
        ("ngoaif", "ngoài"),  # three vowels: the middle one
        ("khoanr", "khoản"),  # a final consonant: the second vowel
        ("ddi", "đi"),
        ("did", "đi"),
        ("wf", "ừ"),
        ("Ddaij", "Đại"),
        ("ass", "as"),  # a repeat undoes and types the letter
        ("aaa", "aa"),
        ("uww", "uw"),
        ("taxxi", "taxi"),
        ("WWi-Fi", "Wi-Fi"),
        ("asz", "a"),
        ("xin chaof, 2 tuaanf.", "xin chào, 2 tuần."),
    ],
)
def test_telex_rules(keys: str, text: str) -> None:
    assert type_keys(keys) == text


@pytest.mark.parametrize(
    ("keys", "modern", "traditional"),
    [
        ("hoaf", "hoà", "hòa"),
        ("thuyr", "thuỷ", "thủy"),
        ("hoef", "hoè", "hòe"),
        ("uyr", "uỷ", "ủy"),
        ("hoanf", "hoàn", "hoàn"),  # a final consonant: the second vowel either way
    ],
)
def test_open_oa_oe_uy_take_the_tone_where_the_placement_says(
    keys: str, modern: str, traditional: str
) -> None:
    assert type_keys(keys) == modern
    assert type_keys(keys, TonePlacement.TRADITIONAL) == traditional
    assert telex(keys) == modern


def test_backspace_takes_back_the_last_key_that_changed_the_word() -> None:
    composer = TelexComposer()
    for key in "leej":
        composer.press(key)
    assert composer.composing == "lệ"
    assert composer.backspace() and composer.composing == "lê"
    assert composer.backspace() and composer.composing == "le"
    for key in " x":
        composer.press(key)
    assert composer.take_committed() == "le " and composer.composing == "x"
    assert composer.backspace() and not composer.backspace()


def test_the_vietnamese_layout_is_latin_keys_with_telex() -> None:
    composer = composer_for(layouts_for("vi")[0])
    assert isinstance(composer, TelexComposer) and isinstance(composer, Composer)


def telex_keys(text: str) -> str:
    """The keys a Telex typist presses for `text`: shapes as double letters, the tone last in
    each word, and a letter Telex would take as a command pressed twice (taxi → taxxi)."""
    keys: list[str] = []
    word: list[str] = []
    for char in text + " ":
        if char.isalpha():
            word.append(char)
            continue
        keys.append(_word_keys("".join(word)))
        word = []
        keys.append(char)
    return "".join(keys)[:-1]


def _word_keys(word: str) -> str:
    if not word:
        return ""
    tone = ""
    letters = []
    for char in word:
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        shape = "".join(m for m in marks if m not in _TONE_KEYS)
        shaped = unicodedata.normalize("NFC", base + shape)
        tone = next((_TONE_KEYS[m] for m in marks if m in _TONE_KEYS), tone)
        letters.append(shaped)
    keys = ""
    for i, letter in enumerate(letters):
        lower = letter.lower()
        typed = _SHAPE_KEYS.get(lower, lower)
        typed = typed if letter == lower else typed[0].upper() + typed[1:]
        if telex(keys + typed) != "".join(letters[: i + 1]):
            typed += typed[-1]  # escape: the repeat undoes the command
        keys += typed
    return keys + tone


def test_every_vietnamese_wording_types_in_telex(phrasebook: Phrasebook) -> None:
    """The phrasebook places tones the traditional way (tùy, hóa, tòa): typed so, it matches."""
    layout = layouts_for("vi")
    mismatched = []
    for text in wordings(phrasebook, "vi"):
        keys = telex_keys(text)
        presses(keys, layout)  # every key is on the keyboard
        if type_keys(keys, TonePlacement.TRADITIONAL) != text:
            mismatched.append((text, keys))
    assert not mismatched

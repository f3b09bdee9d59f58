from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from translate.normalise import clean_input, normalise, normalise_spaced


def test_punctuation_case_and_spacing_do_not_matter() -> None:
    assert normalise("주민등록 등본, 주세요!") == normalise("주민등록등본 주세요")
    assert normalise("Where is the RESTROOM?") == normalise("where is the restroom")
    assert normalise_spaced("Hello,   world!") == "hello world"


def test_marks_of_thai_and_khmer_are_kept() -> None:
    for word in ("ห้องน้ำ", "ខ្ញុំ", "नेपाली"):
        assert normalise(f"{word}?") == normalise(word)
        assert any(unicodedata.category(ch) == "Mn" for ch in normalise(word))


def test_clean_input_drops_controls_and_lone_surrogates() -> None:
    assert clean_input("a\x00b\u200bc") == "abc"
    assert clean_input("bad \udcff byte") == "bad ? byte"
    assert clean_input("  two\n\nlines ") == "two lines"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_clean_input_output_is_encodable(text: str) -> None:
    clean_input(text).encode("utf-8")


def test_uzbek_apostrophes_are_one_however_typed() -> None:
    """An on-screen Uzbek keyboard types ʻ (U+02BB); the book writes '."""
    plain = normalise("To'lov qancha?")
    for mark in ("\u02bb", "\u02bc", "\u2019", "\u2018"):
        assert normalise(f"To{mark}lov qancha?") == plain
        assert normalise_spaced(f"To{mark}lov qancha?") == normalise_spaced("To'lov qancha?")

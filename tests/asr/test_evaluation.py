"""Scoring: Korean number normalisation (property tests) and the context cut (after_match)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asr.evaluation import (
    NATIVE_COUNTERS,
    error_rate,
    native_number,
    normalise_korean,
    sino_number,
)
from asr.whisper import after_match

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
KOREAN_TEXT = st.text(alphabet=st.one_of(HANGUL, st.sampled_from(" ,.")), max_size=40)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("3시간", "세시간"),
        ("15년이나", "십오년이나"),
        ("10,000원", "만원"),
        ("2026년 1월 21일", "이천이십육년 일월 이십일일"),
        ("20살", "스무살"),
        ("21명", "스물한명"),
        ("110개", "백십개"),
        ("1.5배", "일점오배"),
        ("재밌다ㅎㅎ 후회ㅋ", "재밌다  후회 "),
    ],
)
def test_numbers_are_written_as_spoken(written, spoken):
    assert normalise_korean(written) == spoken


def test_number_convention_no_longer_counts_as_an_error():
    assert error_rate("세 시간 걸려요", "3시간 걸려요", "ko") > 0
    assert (
        error_rate(normalise_korean("세 시간 걸려요"), normalise_korean("3시간 걸려요"), "ko") == 0
    )


@given(st.integers(min_value=0, max_value=10**15))
def test_sino_numbers_are_hangul_only(value):
    words = sino_number(value)
    assert words and all(0xAC00 <= ord(ch) <= 0xD7A3 for ch in words)
    assert not words.startswith("일십") and not words.startswith("일백")


@given(st.integers(min_value=1, max_value=99), st.sampled_from(NATIVE_COUNTERS))
def test_native_numbers_before_counters(value, counter):
    assert normalise_korean(f"{value}{counter}") == native_number(value) + counter


@given(st.text(max_size=60))
def test_normalisation_is_idempotent_and_leaves_no_digits(text):
    once = normalise_korean(text)
    assert normalise_korean(once) == once
    assert not any("0" <= ch <= "9" for ch in once)


@given(KOREAN_TEXT, KOREAN_TEXT)
def test_after_match_keeps_exactly_the_new_words(before, new):
    if not any(ch.isalnum() for ch in before):
        return
    kept = after_match(f"{before} {new}", before)
    assert kept == new.strip().lstrip(" ,.").strip()


def test_after_match_survives_misheard_letters_and_spacing():
    said = (
        "너무나도 감동적이고, 교훈적인 영화 몇 번에도 다시 돌려보고 싶다. 애들 데리고 간만의 영화"
    )
    assert after_match(
        said, "너무나도 감동적이고 교훈적인 영화. 몇번이라도 다시 돌려보고 싶다."
    ) == ("애들 데리고 간만의 영화")


def test_after_match_refuses_a_text_that_does_not_start_with_the_context():
    assert after_match("완전히 다른 문장입니다", "너무나도 감동적이고 교훈적인 영화") is None

"""Hangul composition for the writing pad's 2-beolsik keyboard: table cases and properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.ui.hangul import (
    COMPOUND_VOWELS,
    DOUBLE_FINALS,
    DUBEOLSIK,
    DUBEOLSIK_SHIFT,
    FINALS,
    INITIALS,
    MEDIALS,
    SYLLABLE_BASE,
    HangulComposer,
    compose,
)

_VOWEL_KEYS = {v: "".join(pair) for pair, v in COMPOUND_VOWELS.items()}
_FINAL_KEYS = {f: "".join(pair) for pair, f in DOUBLE_FINALS.items()}


def keys_of(text: str) -> str:
    """The keys a person types on a 2-beolsik keyboard for `text` (compound jamo as two keys)."""
    keys = []
    for ch in text:
        code = ord(ch) - SYLLABLE_BASE
        if 0 <= code < 11172:
            initial, rest = divmod(code, 21 * 28)
            medial, final = divmod(rest, 28)
            keys.append(INITIALS[initial])
            keys.append(_VOWEL_KEYS.get(MEDIALS[medial], MEDIALS[medial]))
            if final:
                keys.append(_FINAL_KEYS.get(FINALS[final - 1], FINALS[final - 1]))
        else:
            keys.append(_VOWEL_KEYS.get(ch, _FINAL_KEYS.get(ch, ch)))
    return "".join(keys)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("ㅎㅏㄴㄱㅡㄹ", "한글"),
        ("ㄱㅏㅂㅏ", "가바"),  # the final moves on to the next syllable
        ("ㄱㅏㅂㅅㅏ", "갑사"),  # a double final splits: its second half moves on
        ("ㄱㅏㅂㅅ", "값"),
        ("ㄷㅏㄹㄱ", "닭"),
        ("ㅇㅏㄴㅈㅏ", "안자"),
        ("ㅇㅏㄴㅎ", "않"),
        ("ㅇㅣㄹㄱㅇㅓ", "읽어"),
        ("ㄱㅗㅏ", "과"),  # compound vowels from two keys
        ("ㅇㅡㅣㅅㅏ", "의사"),
        ("ㄷㅗㅐㅆㅓ", "돼써"),
        ("ㅁㅜㅓ", "뭐"),
        ("ㄸㅏ", "따"),
        ("ㄱㅏㄸㅏ", "가따"),  # ㄸ is never a final: it starts the next syllable
        ("ㅇㅣㅆㅇㅓㅇㅛ", "있어요"),
        ("ㅂㅏㄲㅇㅔ", "밖에"),
        ("ㅇㅖ", "예"),
        ("ㄱ", "ㄱ"),
        ("ㅏ", "ㅏ"),
        ("ㄱㄴ", "ㄱㄴ"),  # consonants alone stay apart
        ("ㅏㅏ", "ㅏㅏ"),
        ("ㅗㅏ", "ㅘ"),
        ("ㅈㅜㅁㅣㄴㄷㅡㅇㄹㅗㄱ ㄷㅡㅇㅂㅗㄴ", "주민등록 등본"),
        ("ㅇㅕㄱㅜㅓㄴ 2ㅈㅏㅇ?", "여권 2장?"),
        ("ㄱㅏ\bㅗㅏ", "과"),  # backspace takes back one jamo: 가 → ㄱ, then 과
        ("ㄱㅗㅏ\b", "고"),
        ("ㄱㅏㅂㅅ\b", "갑"),
        ("ㄱㅏㅂㅏ\b", "가ㅂ"),
        ("ㄱㅏㅂㅏ\b\b", "가"),
        ("ㄱㅏㅂㅏ\b\b\b", ""),  # then whole committed syllables
        ("\b\b", ""),
    ],
)
def test_table(keys: str, expected: str) -> None:
    assert compose(keys) == expected


def test_committed_and_composing() -> None:
    composer = HangulComposer()
    for key in "ㅎㅏㄴ":
        composer.press(key)
    assert (composer.committed, composer.composing) == ("", "한")
    composer.press("ㄱ")  # ㄴ and ㄱ make no double final: 한 is done
    assert (composer.committed, composer.composing) == ("한", "ㄱ")
    composer.press("ㅡ")
    assert (composer.committed, composer.composing) == ("한", "그")
    assert composer.take_committed() == "한"
    assert (composer.committed, composer.composing, composer.text) == ("", "그", "그")
    composer.press(" ")
    assert (composer.committed, composer.composing) == ("그 ", "")
    assert composer.backspace() and composer.backspace()
    assert not composer.backspace()  # nothing left: the text field deletes its own text


def test_layout_covers_every_basic_jamo() -> None:
    typed = set(DUBEOLSIK.values()) | set(DUBEOLSIK_SHIFT.values())
    assert set(INITIALS) <= typed
    assert {v for v in MEDIALS if v not in _VOWEL_KEYS} <= typed


# -- properties --------------------------------------------------------------------------------

syllables = st.integers(min_value=SYLLABLE_BASE, max_value=SYLLABLE_BASE + 11171).map(chr)
other = st.sampled_from(list(" .,?!0123456789abcXYZ"))
jamo_keys = st.sampled_from(sorted(set(DUBEOLSIK.values()) | set(DUBEOLSIK_SHIFT.values())))


@given(st.lists(st.one_of(syllables, other), max_size=30))
def test_typed_syllables_come_back(chars: list[str]) -> None:
    """Any text of whole syllables, typed key by key, is composed back exactly."""
    text = "".join(chars)
    assert compose(keys_of(text)) == text


@given(st.lists(st.one_of(jamo_keys, other), max_size=40))
def test_no_key_is_lost_or_invented(keys: list[str]) -> None:
    """Whatever is typed, the text holds exactly the jamo typed, in order, and nothing else."""
    text = compose(keys)
    assert keys_of(text) == "".join(keys)
    assert unicodedata.is_normalized("NFC", text)


@given(st.lists(st.one_of(jamo_keys, other), min_size=1, max_size=40))
def test_backspace_takes_back_one_jamo_of_the_syllable(keys: list[str]) -> None:
    composer = HangulComposer()
    for key in keys:
        composer.press(key)
    while composer.composing:
        before = keys_of(composer.text)
        assert composer.backspace()
        assert keys_of(composer.text) == before[:-1]
    while composer.text:  # then committed characters go one by one
        before = composer.text
        assert composer.backspace()
        assert composer.text == before[:-1]
    assert not composer.backspace()

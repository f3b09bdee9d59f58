"""Word boundaries per language (translate.words)."""

from __future__ import annotations

import pytest

from translate.words import split


@pytest.mark.parametrize(
    ("text", "lang", "stem", "found"),
    [
        ("ติดต่อเจ้าหน้าที่", "th", "ต่อ", False),
        ("ต่ออายุวีซ่า", "th", "ต่อ", True),
        ("我要办手续", "zh", "续", False),
        ("我想续签", "zh", "续", True),
        (" снова ", "ru", "нов", False),
        (" новую ", "ru", "нов", True),
        (" зарегистрировать ", "ru", "регистр", True),
        (" mendaftarkan ", "id", "daftar", True),
        (" 3개월 ", "ko", "개", False),
        (" 출생신고를 ", "ko", "신고", True),
        (" scar ", "en", "car", False),
    ],
)
def test_a_stem_must_start_a_word(text: str, lang: str, stem: str, found: bool) -> None:
    assert split(text, lang).occurs(stem) is found


def test_a_whole_stem_must_also_end_a_word() -> None:
    assert split(" cars ", "en").occurs("car") and not split(" cars ", "en").occurs("car", True)
    assert split(" car s ", "en").occurs("car", True)


def test_offsets_are_python_string_offsets() -> None:
    text = "😀我想续签"
    assert text.index("续") in split(text, "zh").starts

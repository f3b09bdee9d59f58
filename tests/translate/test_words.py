"""Word boundaries per language (translate.words)."""

from __future__ import annotations

import pytest

from translate.words import ZWSP, line_breaks, split


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


def test_line_breaks_mark_where_khmer_and_thai_may_wrap() -> None:
    """Qt wraps Khmer nowhere by itself: a zero-width space at each ICU word boundary inside
    Khmer or Thai, nothing elsewhere, nothing lost."""
    khmer = "ខ្ញុំចង់ប្តូរអាសយដ្ឋាននៅលើប័ណ្ណស្នាក់នៅ។"
    marked = line_breaks(khmer)
    assert marked.count(ZWSP) >= 4 and marked.replace(ZWSP, "") == khmer
    assert "ខ្ញុំ" + ZWSP in marked  # a word, then a break: never inside a cluster
    thai = line_breaks("ฉันต้องการทำบัตร ID ใหม่")
    assert thai.split(ZWSP)[:3] == ["ฉัน", "ต้องการ", "ทำ"]
    for text in ("Hello world", "주민등록등본", "我要办理外国人登录证"):
        assert line_breaks(text) == text

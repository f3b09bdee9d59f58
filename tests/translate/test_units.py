"""Units of time named in an utterance: durations, never calendar dates or everyday syllables."""

from __future__ import annotations

import pytest

from translate.units import units


@pytest.mark.parametrize(
    ("text", "lang", "named"),
    [
        ("It takes about two weeks.", "en", {"week"}),
        ("About 10 minutes.", "en", {"minute"}),
        ("Today is fine.", "en", set()),  # "day" inside "today" is no unit
        ("2주 정도 걸려요", "ko", {"week"}),
        ("일주일 걸립니다", "ko", {"week"}),
        ("3개월 이내에 발급된 서류", "ko", {"month"}),
        ("5월 7일에 오세요", "ko", set()),  # a date, not a span of days or months
        ("주민등록증 주세요", "ko", set()),  # 주 of 주세요 is no week
        ("스티커는 크기마다 가격이 달라요", "ko", set()),  # 이 달라요: differs, no month
        ("한 달 정도 걸려요", "ko", {"month"}),
        ("大概两周", "zh", {"week"}),
        ("5月7日来", "zh", set()),
        ("3日かかります", "ja", {"day"}),
        ("Mất khoảng 2 tuần", "vi", {"week"}),
        ("Quay lại vào ngày 7 tháng 5", "vi", set()),
        ("Это займёт две недели", "ru", {"week"}),
        ("ใช้เวลาประมาณ 2 สัปดาห์", "th", {"week"}),
        ("Ikki hafta kerak", "uz", {"week"}),
        ("Butuh dua minggu", "id", {"week"}),
    ],
)
def test_units_named(text: str, lang: str, named: set[str]) -> None:
    assert units(text, lang) == named

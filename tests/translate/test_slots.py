from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translate import languages, slots
from translate.errors import SlotError


def name(key: str, lang: str) -> str:
    return f"<{key}:{lang}>"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ko", "12,500"), ("en", "12,500"), ("vi", "12.500"), ("id", "12.500"), ("ru", "12\u00a0500")],
)
def test_amounts_are_grouped_per_language(lang: str, expected: str) -> None:
    assert slots.format_number(12500, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ko", "3월 8일"),
        ("en", "March 8"),
        ("zh", "3月8日"),
        ("ja", "3月8日"),
        ("vi", "ngày 8 tháng 3"),
        ("th", "8 มีนาคม"),
        ("ru", "8 марта"),
        ("uz", "8-mart"),
        ("id", "8 Maret"),
        ("tl", "Marso 8"),
        ("mn", "3-р сарын 8"),
        ("km", "ថ្ងៃទី8 ខែមីនា"),
        ("ne", "मार्च 8"),
    ],
)
def test_dates_are_written_per_language(lang: str, expected: str) -> None:
    assert slots.format_date(dt.date(2025, 3, 8), lang) == expected


@pytest.mark.parametrize(
    ("days", "en", "ru"),
    [
        (1, "1 day", "1 дня"),
        (2, "2 days", "2 дней"),
        (21, "21 days", "21 дня"),
        (11, "11 days", "11 дней"),
    ],
)
def test_plural_forms(days: int, en: str, ru: str) -> None:
    assert slots.render("{days} {days:day|days}", "en", {"days": days}, name) == en
    assert slots.render("{days} {days:дня|дней|дней}", "ru", {"days": days}, name) == ru


def test_render_fills_documents_and_basement_floors() -> None:
    assert (
        slots.render("{document} / {floor}", "en", {"document": "passport", "floor": -1}, name)
        == "<passport:en> / B1"
    )


def test_missing_or_wrong_values_are_messages() -> None:
    with pytest.raises(SlotError, match="needs a value for"):
        slots.render("{amount}", "ko", {}, name)
    with pytest.raises(SlotError, match="whole number"):
        slots.render("{amount}", "ko", {"amount": "many"}, name)
    with pytest.raises(SlotError, match=r"날짜를 알아보지 못했습니다.*다음 주 화요일"):
        slots.parse_value("date", "언젠가")  # a date in words it cannot read: the forms, in Korean
    with pytest.raises(SlotError, match="unknown slot"):
        slots.parse_value("colour", "red")


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("수수료는 3,000원입니다", ["amount"], {"amount": 3000}),
        ("삼천오백 원이에요", ["amount"], {"amount": 3500}),
        ("1만 2천원", ["amount"], {"amount": 12000}),
        ("The fee is 12,500 won", ["amount"], {"amount": 12500}),
        ("Lệ phí là 12.500 won", ["amount"], {"amount": 12500}),
        ("처리하는 데 14일 걸려요", ["days"], {"days": 14}),
        ("지하 1층으로 가세요", ["floor"], {"floor": -1}),
        ("3번 창구로 가세요", ["counter"], {"counter": 3}),
        # a number said with another slot's unit is not this slot's value
        ("3층으로 올라가셔서 민원여권과로 가세요", ["counter"], {}),
        ("3층으로 올라가셔서 민원여권과로 가세요", ["floor"], {"floor": 3}),
        ("수수료는 3만 원이에요", ["days"], {}),
        ("Please go to window 3", ["counter"], {"counter": 3}),
        ("no number here", ["amount"], {}),
    ],
)
def test_values_are_read_from_utterances(
    text: str, names: list[str], expected: dict[str, int]
) -> None:
    assert slots.extract(text, names) == expected


def test_dates_are_read_in_several_writings() -> None:
    today = dt.date(2025, 1, 10)
    for text in (
        "5월 7일에 오세요",
        "come back on May 7",
        "приходите 7 мая",
        "2025-05-07",
        "5月7日",
        "5/7",
    ):
        assert slots.extract(text, ["date"], today=today) == {"date": dt.date(2025, 5, 7)}, text
    assert slots.find_date("1월 3일", today=today) == dt.date(2026, 1, 3)  # the next such date
    assert slots.find_date("2월 30일", today=today) is None


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(languages.codes()))
def test_formatted_amounts_read_back(amount: int, lang: str) -> None:
    text = f"{slots.format_number(amount, lang)} won"
    assert slots.extract(text, ["amount"])["amount"] == amount


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_iso_dates_parse(date: dt.date) -> None:
    assert slots.parse_value("date", date.isoformat()) == date


@given(st.text(max_size=200))
def test_extract_never_crashes(text: str) -> None:
    slots.extract(text, slots.SLOT_NAMES, find_document=lambda _: None)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("오늘", dt.date(2026, 12, 7)),
        ("내일", dt.date(2026, 12, 8)),
        ("모레", dt.date(2026, 12, 9)),
        ("다음 주 화요일", dt.date(2026, 12, 15)),
        ("이번 주 금요일", dt.date(2026, 12, 11)),
        ("화요일", dt.date(2026, 12, 8)),  # the next one to come
        ("월요일", dt.date(2026, 12, 14)),  # today is Monday: the next one, not today
        ("3일 후", dt.date(2026, 12, 10)),
        ("2주 뒤", dt.date(2026, 12, 21)),
        ("1개월 후", dt.date(2027, 1, 7)),
        ("다음 달 5일", dt.date(2027, 1, 5)),
        ("tomorrow", dt.date(2026, 12, 8)),
        ("next Tuesday", dt.date(2026, 12, 15)),
        ("in 3 days", dt.date(2026, 12, 10)),
        ("12월 24일", dt.date(2026, 12, 24)),
        ("2027-01-04", dt.date(2027, 1, 4)),
    ],
)
def test_staff_may_type_a_date_in_words(typed: str, expected: dt.date) -> None:
    monday = dt.date(2026, 12, 7)
    assert slots.parse_value("date", typed, today=monday) == expected


def test_dates_said_in_words_are_found_in_speech() -> None:
    today = dt.date(2026, 12, 7)  # a Monday
    said = {
        "다음 주 월요일에 찾으러 오시면 돼요.": dt.date(2026, 12, 14),
        "이번 주 금요일까지 내세요": dt.date(2026, 12, 11),
        "수요일에 오세요": dt.date(2026, 12, 9),
        "내일 다시 오세요": dt.date(2026, 12, 8),
        "내일 모레 오세요": dt.date(2026, 12, 9),
        "3일 후에 오세요": dt.date(2026, 12, 10),
        "2주 뒤에 찾으러 오세요": dt.date(2026, 12, 21),
        "다음 달 5일에 오세요": dt.date(2027, 1, 5),
        "Please come back next Tuesday.": dt.date(2026, 12, 15),
        "Can I come on Friday?": dt.date(2026, 12, 11),
        "It will be ready in 3 days.": dt.date(2026, 12, 10),
        "come back tomorrow": dt.date(2026, 12, 8),
    }
    for text, date in said.items():
        assert slots.extract(text, ["date"], today=today) == {"date": date}, text
    for text in (
        "지난주 월요일에 왔는데요",
        "I came last Friday",
        "저번 주 금요일",
        "3일 걸려요",
        "매주 월요일은 쉬어요",
        "closed every Monday",
    ):
        assert slots.find_spoken_date(text, today=today) is None, text
    assert slots.find_spoken_date("아이디를 모르겠어요", today=today) is None
    assert slots.find_spoken_date("일요일", today=today) == (dt.date(2026, 12, 13), "일요일")


def test_a_spoken_date_is_written_as_the_book_writes_dates() -> None:
    today = dt.date(2026, 12, 7)
    assert (
        slots.dates_in_figures("다음 주 월요일에 오세요", "ko", today=today) == "12월 14일에 오세요"
    )
    assert slots.dates_in_figures("내일 오세요", "ko", today=today) == "내일 오세요"
    assert slots.days_named("Please come back tomorrow.") == {1}
    assert slots.days_named("내일 모레 오세요") == {2}
    assert slots.days_named("오늘 받으실 수 있어요") == {0}
    assert slots.days_named("5월 7일에 오세요") == frozenset()
    assert slots.numbers_in(slots.without_dates("3일 후에 5번 창구로 오세요")) == {5}

"""Typed slots in phrase templates: reading values from speech, writing them per language.

A template holds `{name}` fields, and `{name:form1|form2|...}` plural forms chosen by the value
of the slot (English: one|other; Russian: one|few|many). Slot types:

| slot       | value                | example rendering (ko / en / vi / ru)          |
|------------|----------------------|------------------------------------------------|
| `amount`   | int (won)            | 3,000 / 3,000 / 3.000 / 3 000                   |
| `days`     | int                  | 14                                             |
| `minutes`, `hours`, `weeks`, `months` | int | 10 (durations: "about {minutes} minutes")   |
| `date`     | datetime.date        | 5월 3일 / May 3 / ngày 3 tháng 5 / 3 мая        |
| `floor`    | int (< 0: basement)  | 2, B1                                          |
| `counter`  | int                  | 3                                              |
| `document` | glossary term key    | 주민등록등본 / certificate of resident registration |
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from translate.errors import SlotError

SlotValue = int | dt.date | str
Slots = Mapping[str, SlotValue]

NUMBER_SLOTS: Final = ("amount", "days", "minutes", "hours", "weeks", "months", "floor", "counter")
SLOT_NAMES: Final = (*NUMBER_SLOTS, "date", "document")

#: Values used to show a template as a sentence (embedding, listings) when no real value is known.
EXAMPLE_VALUES: Final[dict[str, SlotValue]] = {
    "amount": 3000,
    "days": 3,
    "minutes": 10,
    "hours": 2,
    "weeks": 2,
    "months": 3,
    "date": dt.date(2025, 5, 7),
    "floor": 2,
    "counter": 3,
    "document": "resident_registration_copy",
}

FIELD = re.compile(r"\{(\w+)(?::([^{}]*))?\}")

DocumentNamer = Callable[[str, str], str]
"""(term key, language) -> the glossary's rendering of a document name."""


def slot_names(template: str) -> frozenset[str]:
    return frozenset(match.group(1) for match in FIELD.finditer(template))


def render(template: str, lang: str, slots: Slots, document_name: DocumentNamer) -> str:
    """Fill a template's fields with values formatted for `lang`; raises SlotError if one is
    missing."""

    def fill(match: re.Match[str]) -> str:
        name, forms = match.group(1), match.group(2)
        if name not in slots:
            raise SlotError(f"the phrase needs a value for {{{name}}}; give it (e.g. {name}=3)")
        value = slots[name]
        if forms is not None:
            return _plural(forms.split("|"), _as_int(name, value), lang)
        return format_value(name, value, lang, document_name)

    return FIELD.sub(fill, template)


def format_value(name: str, value: SlotValue, lang: str, document_name: DocumentNamer) -> str:
    if name == "date":
        if not isinstance(value, dt.date):
            raise SlotError(f"{{date}} needs a date such as 2025-05-07, not {value!r}")
        return format_date(value, lang)
    if name == "document":
        return document_name(str(value), lang)
    number = _as_int(name, value)
    if name == "floor" and number < 0:
        return f"B{-number}"
    if name == "amount":
        return format_number(number, lang)
    return str(number)


def parse_value(name: str, raw: str, *, today: dt.date | None = None) -> SlotValue:
    """Read a slot value typed by staff (CLI, quick-reply dialog): '3000', '3,000', 'B1'; a date
    as '2025-05-07', '5월 7일', 'May 7', or in Korean or English words ('내일', '다음 주 화요일',
    'next Tuesday', 'in 3 days': `read_date`)."""
    raw = raw.strip()
    if name not in SLOT_NAMES:
        raise SlotError(f"unknown slot {name!r}; slots are {', '.join(SLOT_NAMES)}")
    if name == "document":
        if not raw:
            raise SlotError("{document} needs a glossary term key, e.g. resident_registration_copy")
        return raw
    if name == "date":
        date = read_date(raw, today=today)
        if date is None:
            raise SlotError(
                f"날짜를 알아보지 못했습니다: {raw!r}. 이렇게 써 주세요: 2026-12-15, "
                "12월 15일, 내일, 모레, 다음 주 화요일, 3일 후 (the date could not be read; "
                "write it as above, or 'tomorrow', 'next Tuesday', 'in 3 days')"
            )
        return date
    if name == "floor" and re.fullmatch(r"[Bb]\d+", raw):
        return -int(raw[1:])
    digits = re.sub(r"[,.\s_]", "", raw)
    if not digits.isdigit():
        raise SlotError(f"{{{name}}} needs a whole number, not {raw!r}")
    return int(digits)


# --- formatting ----------------------------------------------------------------------------------

_GROUP_SEPARATOR: Final = {
    "vi": ".",
    "id": ".",
    "km": ".",
    "ru": "\u00a0",
    "uz": "\u00a0",
    "mn": "\u00a0",
}


def format_number(number: int, lang: str) -> str:
    """Digit grouping the way the language writes money: 3,000 / 3.000 / 3 000."""
    grouped = f"{abs(number):,}".replace(",", _GROUP_SEPARATOR.get(lang, ","))
    return f"-{grouped}" if number < 0 else grouped


_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "th": (
        "มกราคม",
        "กุมภาพันธ์",
        "มีนาคม",
        "เมษายน",
        "พฤษภาคม",
        "มิถุนายน",
        "กรกฎาคม",
        "สิงหาคม",
        "กันยายน",
        "ตุลาคม",
        "พฤศจิกายน",
        "ธันวาคม",
    ),
    "uz": (
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "may",
        "iyun",
        "iyul",
        "avgust",
        "sentabr",
        "oktabr",
        "noyabr",
        "dekabr",
    ),
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "ne": (
        "जनवरी",
        "फेब्रुअरी",
        "मार्च",
        "अप्रिल",
        "मे",
        "जुन",
        "जुलाई",
        "अगस्ट",
        "सेप्टेम्बर",
        "अक्टोबर",
        "नोभेम्बर",
        "डिसेम्बर",
    ),
    "km": (
        "មករា",
        "កុម្ភៈ",
        "មីនា",
        "មេសា",
        "ឧសភា",
        "មិថុនា",
        "កក្កដា",
        "សីហា",
        "កញ្ញា",
        "តុលា",
        "វិច្ឆិកា",
        "ធ្នូ",
    ),
    "tl": (
        "Enero",
        "Pebrero",
        "Marso",
        "Abril",
        "Mayo",
        "Hunyo",
        "Hulyo",
        "Agosto",
        "Setyembre",
        "Oktubre",
        "Nobyembre",
        "Disyembre",
    ),
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
}


def format_date(date: dt.date, lang: str) -> str:
    """A calendar date (month and day) as the language writes it on a counter notice."""
    m, d = date.month, date.day
    if lang == "ko":
        return f"{m}월 {d}일"
    if lang in ("zh", "ja"):
        return f"{m}月{d}日"
    if lang == "vi":
        return f"ngày {d} tháng {m}"
    if lang == "mn":
        return f"{m}-р сарын {d}"
    month = _MONTHS.get(lang, _MONTHS["en"])[m - 1]
    if lang in ("en", "tl"):
        return f"{month} {d}"
    if lang == "uz":
        return f"{d}-{month}"
    if lang == "km":
        return f"ថ្ងៃទី{d} ខែ{month}"
    if lang == "ne":
        return f"{month} {d}"
    return f"{d} {month}"  # th, ru, id


def _plural(forms: list[str], number: int, lang: str) -> str:
    if len(forms) == 1:
        return forms[0]
    n = abs(number)
    if lang in ("ru",) and len(forms) >= 3:
        if n % 10 == 1 and n % 100 != 11:
            return forms[0]
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return forms[1]
        return forms[2]
    return forms[0] if n == 1 else forms[1]


def _as_int(name: str, value: SlotValue) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SlotError(f"{{{name}}} needs a whole number, not {value!r}")
    return value


# --- reading values from utterances --------------------------------------------------------------

_DIGITS = re.compile(r"(?<![\d.,])\d{1,3}(?:([,.\u00a0 ])\d{3})(?:\1\d{3})*(?![\d])|\d+")
_KO_NUMBER = re.compile(r"[\d일이삼사오육칠팔구십백천만 ]*[\d십백천만]")
_KO_DIGIT: Final = {
    **dict(zip("일이삼사오육칠팔구", range(1, 10), strict=True)),
    **dict(zip("한두세네", range(1, 5), strict=True)),  # native numbers: 한 시간, 두 달, 세 주
}
_KO_UNIT: Final = {"십": 10, "백": 100, "천": 1000}
_ISO_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
_CJK_DATE = re.compile(r"(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日号號]?")
_SLASH_DATE = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})(?!\d)")
_UNIT_PATTERNS: Final = {
    "amount": re.compile(
        r"([\d일이삼사오육칠팔구십백천만][\d,.일이삼사오육칠팔구십백천만 ]*)\s*원"
    ),
    "days": re.compile(r"([\d일이삼사오육칠팔구십]+)\s*일(?![본])"),
    "minutes": re.compile(r"([\d일이삼사오육칠팔구십]+)\s*분"),
    "hours": re.compile(r"([\d일이삼사오육칠팔구십한두세네]+)\s*시간"),
    "weeks": re.compile(
        r"(\d+|[일이삼사오육칠팔구십]+|한|두|세|네)\s*(?:주일|주간|주(?=\s*(?:정도|후|뒤|이내|안|걸|동안)|[^가-힣]|$))"
    ),
    "months": re.compile(r"([\d일이삼사오육칠팔구십]+)\s*개월|([\d]+|한|두|세|네)\s*달"),
    "floor": re.compile(r"(지하\s*)?([\d일이삼사오육칠팔구십]+)\s*층"),
    "counter": re.compile(r"([\d일이삼사오육칠팔구십]+)\s*번"),
}


def extract(
    text: str,
    names: Iterable[str],
    *,
    find_document: Callable[[str], str | None] | None = None,
    today: dt.date | None = None,
) -> dict[str, SlotValue]:
    """Read the values of the named slots from an utterance; slots it cannot find are left out."""
    wanted = list(names)
    found: dict[str, SlotValue] = {}
    rest = text
    if "date" in wanted:
        date = said_date(text, today=today)
        if date is not None:
            found["date"] = date
            rest = without_dates(rest)
    if "document" in wanted and find_document is not None:
        key = find_document(text)
        if key is not None:
            found["document"] = key
    numeric = [name for name in wanted if name in NUMBER_SLOTS]
    for name in numeric:  # Korean unit words first: "3천 원", "14일", "지하 1층", "3번"
        match = _UNIT_PATTERNS[name].search(rest)
        if match is None:
            continue
        raw = match.group(match.lastindex or 1)
        number = korean_number(raw)
        if number is not None:
            if name == "floor" and match.group(1):
                number = -number
            found[name] = number
            rest = rest[: match.start()] + " " + rest[match.end() :]
    for name in NUMBER_SLOTS:  # "3층" is no counter, "3만 원" no number of days
        if name not in wanted:
            rest = _UNIT_PATTERNS[name].sub(" ", rest)
    numbers = [_parse_digits(m.group(0)) for m in _DIGITS.finditer(rest)]
    for name in numeric:
        if name not in found and numbers:
            found[name] = numbers.pop(0)
    return found


def numbers_in(text: str) -> frozenset[int]:
    """The numbers written in digits in `text` ("3,000" is one number); digits that a number
    word multiplies ("3천", "2万") are part of a number read with it, and left out."""
    return frozenset(
        _parse_digits(m.group(0))
        for m in _DIGITS.finditer(text)
        if not re.match(r"\s*[천만백십억千万萬百億]", text[m.end() :])
    )


def korean_number(raw: str) -> int | None:
    """'3,000' / '3천' / '삼천오백' / '1만 2천' / '만' -> int; None if it is not a number."""
    raw = raw.replace(" ", "").replace(",", "")
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    total, section, current = 0, 0, 0
    for ch in raw:
        if ch.isdigit():
            current = current * 10 + int(ch)
        elif ch in _KO_DIGIT:
            current = _KO_DIGIT[ch]
        elif ch in _KO_UNIT:
            section += (current or 1) * _KO_UNIT[ch]
            current = 0
        elif ch == "만":
            total += (section + current or 1) * 10_000
            section, current = 0, 0
        else:
            return None
    return total + section + current


def find_date(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """A date written as 2025-05-07, 5월 7일, 5月7日, 5/7, 'May 7', '7 мая' (year: the next such
    date)."""
    today = today or dt.date.today()
    match = _ISO_DATE.search(text)
    if match:
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for pattern in (_CJK_DATE, _SLASH_DATE):
        match = pattern.search(text)
        if match:
            return _next_date(int(match.group(1)), int(match.group(2)), today)
    lowered = text.casefold()
    for months in _MONTHS.values():
        for index, month in enumerate(months):
            name = re.escape(month.casefold())
            match = re.search(rf"(?:\b{name}\s+(\d{{1,2}})\b|\b(\d{{1,2}})\s+{name})", lowered)
            if match and len(month) > 2:
                day = int(match.group(1) or match.group(2))
                return _next_date(index + 1, day, today)
    return None


_KO_WEEKDAYS: Final = ("월", "화", "수", "목", "금", "토", "일")
_EN_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: days from today a word names
_DAY_WORDS: Final = {
    "오늘": 0,
    "today": 0,
    "내일": 1,
    "tomorrow": 1,
    "모레": 2,
    "내일모레": 2,
    "내일 모레": 2,
    "the day after tomorrow": 2,
    "글피": 3,
}


def read_date(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """A date staff typed, in figures (`find_date`) or in Korean or English words: 오늘/today,
    내일/tomorrow, 모레, 글피, "3일 후"/"in 3 days", "2주 뒤"/"in 2 weeks", "(다음 주|이번 주)
    화요일", "next/this Tuesday", a weekday alone (its next coming, today not counted), "다음 달
    5일". None when it reads no date."""
    today = today or dt.date.today()
    raw = " ".join(text.strip().casefold().split())
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    if raw in _DAY_WORDS:
        return today + dt.timedelta(days=_DAY_WORDS[raw])
    match = re.fullmatch(r"(\d{1,3})\s*(일|주|개월|달)\s*(후|뒤)(에)?", raw) or re.fullmatch(
        r"in (\d{1,3}) (day|days|week|weeks)", raw
    )
    if match:
        count, unit = int(match.group(1)), match.group(2)
        if unit in ("개월", "달"):
            months = today.month - 1 + count
            return _safe_date(today.year + months // 12, months % 12 + 1, min(today.day, 28))
        return today + dt.timedelta(days=count * (7 if unit in ("주", "week", "weeks") else 1))
    month_day = re.fullmatch(r"다음\s*달\s*(\d{1,2})\s*일(에)?", raw)
    if month_day:
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _safe_date(year, month, int(month_day.group(1)))
    weekday = _weekday(raw)
    if weekday is not None:
        which, day = weekday
        monday = today - dt.timedelta(days=today.weekday())
        if which == "next":
            return monday + dt.timedelta(days=7 + day)
        if which == "this":
            return monday + dt.timedelta(days=day)
        ahead = (day - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    return find_date(text, today=today)


#: a date said in words inside running speech (Korean or English): what `read_date` reads, found
#: in a longer utterance ("다음 주 월요일에 찾으러 오세요", "come back next Tuesday")
_SPOKEN_DATE = re.compile(
    r"(?<![가-힣])(?:(?:다음\s*주|이번\s*주|담주)\s*)?[월화수목금토일]요일"
    r"|(?<![가-힣])(?:내일\s*모레|모레|내일|글피|오늘)"
    r"|(?<![\d가-힣])\d{1,3}\s*(?:일|주)\s*(?:후|뒤)"
    r"|(?<![가-힣])다음\s*달\s*\d{1,2}\s*일"
    r"|\b(?:the day after tomorrow|tomorrow|today)\b"
    r"|\b(?:(?:next|this|on)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\bin\s+\d{1,3}\s+(?:days?|weeks?)\b",
    re.IGNORECASE,
)


def find_spoken_date(text: str, *, today: dt.date | None = None) -> tuple[dt.date, str] | None:
    """A date said in Korean or English words inside an utterance (내일, 모레, 다음 주 월요일,
    3일 후, "next Tuesday", "in 3 days"), with the words that said it; None when there is none.
    Staff say dates this way far more often than as figures."""
    for match in _SPOKEN_DATE.finditer(text):
        if _NOT_ONE_DAY.search(text[: match.start()]):
            continue  # "지난주 월요일", "last Monday", "매주 월요일": not one day to come
        words = match.group(0)
        date = read_date(words, today=today)
        if date is not None:
            return date, words
    return None


_NOT_ONE_DAY = re.compile(r"(?:지난|저번|매)\s*(?:주|달)?\s*$|\b(?:last|every)\s+$", re.IGNORECASE)


def dates_in_figures(text: str, lang: str, *, today: dt.date | None = None) -> str:
    """`text` with a weekday or a count of days said in words ("다음 주 월요일", "3일 후", "next
    Tuesday") written as the calendar date it names, the way the book's `{date}` phrases are
    embedded ("12월 14일"). 오늘, 내일, 모레, today and tomorrow stay: the book has phrases of
    their own for them."""
    spoken = find_spoken_date(text, today=today)
    if spoken is None or _DAY_WORD_ONLY.fullmatch(spoken[1]):
        return text
    date, words = spoken
    return text.replace(words, format_date(date, lang), 1)


#: a day word of `_DAY_WORDS`, longest first ("내일 모레" before "내일")
_DAY_WORD_ONLY = re.compile(
    "|".join(
        re.escape(word).replace(r"\ ", r"\s+") for word in sorted(_DAY_WORDS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)


def days_named(text: str) -> frozenset[int]:
    """The days (counted from today) that `text` names with a day word: 오늘/today 0, 내일/tomorrow
    1, 모레 2, 글피 3 ("Please come back tomorrow" names 1)."""
    return frozenset(
        _DAY_WORDS[" ".join(word.casefold().split())] for word in _DAY_WORD_ONLY.findall(text)
    )


def said_date(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """The date an utterance names, in figures or in words (`find_date`, `find_spoken_date`)."""
    date = find_date(text, today=today)
    if date is None:
        spoken = find_spoken_date(text, today=today)
        date = spoken[0] if spoken is not None else None
    return date


def without_dates(text: str) -> str:
    """`text` with its dates (in figures or in words) taken out: the numbers left are the ones
    a date did not say ("3일 후에 오세요" names no number of its own)."""
    text = _ISO_DATE.sub(" ", _CJK_DATE.sub(" ", _SLASH_DATE.sub(" ", text)))
    return _SPOKEN_DATE.sub(" ", _strip_month_names(text))


def _weekday(raw: str) -> tuple[str, int] | None:
    """("next" | "this" | "", weekday 0-6) of "다음 주 화요일", "this friday", "수요일"."""
    korean = re.fullmatch(r"(다음\s*주|이번\s*주|담주)?\s*([월화수목금토일])요일(에|날)?", raw)
    if korean:
        which = {"다음주": "next", "담주": "next", "이번주": "this"}.get(
            (korean.group(1) or "").replace(" ", ""), ""
        )
        return which, _KO_WEEKDAYS.index(korean.group(2))
    english = re.fullmatch(r"(next |this |on )?([a-z]+)", raw)
    if english:
        name = english.group(2)[:3]
        if name in _EN_WEEKDAYS and english.group(2).startswith(name):
            which = (english.group(1) or "").strip()
            return ("" if which == "on" else which), _EN_WEEKDAYS.index(name)
    return None


def _strip_month_names(text: str) -> str:
    for months in _MONTHS.values():
        for month in months:
            text = re.sub(
                rf"(?i)(\b{re.escape(month)}\s+\d{{1,2}}|\d{{1,2}}\s+{re.escape(month)})", " ", text
            )
    return text


def _next_date(month: int, day: int, today: dt.date) -> dt.date | None:
    date = _safe_date(today.year, month, day)
    if date is not None and date < today:
        date = _safe_date(today.year + 1, month, day)
    return date


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parse_digits(raw: str) -> int:
    return int(re.sub(r"\D", "", raw))

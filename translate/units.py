"""The units of time an utterance or a phrase speaks of: minute, hour, day, week, month, year.

"It takes about two weeks" and "It takes about {minutes} minutes" differ in one word, and the
number alone fills either slot; the unit tells them apart. The matcher verifies a phrase only when
every unit the utterance names is one its wording (with its slots) names too.

Where a unit's word is also an everyday syllable (Korean 일, 주, 분; Chinese and Japanese 分, 日,
月) it counts only right after a number (3일, 两周, 10分); calendar dates (5월 7일, 5月7日) are not
durations and are skipped. Elsewhere the unit's word counts wherever a word starts with it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from translate.words import split

Unit = str  # "minute" | "hour" | "day" | "week" | "month" | "year"

_KO_NUMBER = r"(?:\d+|[일이삼사오육칠팔구십백한두세네다섯여섯일곱여덟아홉열몇며칠]+)\s*"
_CJK_NUMBER = r"(?:\d+|[一二三四五六七八九十两兩几幾半数數何]+)\s*"
#: Units read right after a number.
_AFTER_NUMBER: Final[dict[str, dict[Unit, str]]] = {
    "ko": {
        "minute": r"분",
        "hour": r"시간",
        "day": r"(?:일(?![본반요])|날)",
        "week": r"(?:주일|주간|주(?![가-힣])|주\s*(?=정도|후|뒤|이내|안|걸|동안))",
        "month": r"(?:개월|달(?![라러리랐랑려]))",  # 달라요: it differs
        "year": r"년(?!\s*\d)",
    },
    "zh": {
        "minute": r"分钟",
        "hour": r"(?:个)?(?:小时|钟头|鐘頭)",
        "day": r"(?:天|日(?!元))",
        "week": r"(?:个)?(?:周|星期|礼拜|禮拜)",
        "month": r"个月|個月",
        "year": r"年",
    },
    "ja": {
        "minute": r"分",
        "hour": r"時間",
        "day": r"日",
        "week": r"週",
        "month": r"(?:か月|ヶ月|カ月|ケ月|ヵ月)",
        "year": r"年",
    },
}
#: Unit words elsewhere (a stem that starts a word).
_WORDS: Final[dict[str, dict[Unit, tuple[str, ...]]]] = {
    "en": {
        "minute": ("minute", "min="),
        "hour": ("hour",),
        "day": ("day=", "days="),
        "week": ("week",),
        "month": ("month",),
        "year": ("year",),
    },
    "vi": {
        "minute": ("phút",),
        "hour": ("giờ", "tiếng="),
        "day": ("ngày",),
        "week": ("tuần",),
        "month": ("tháng",),
        "year": ("năm=",),
    },
    "th": {
        "minute": ("นาที",),
        "hour": ("ชั่วโมง",),
        "day": ("วัน",),
        "week": ("สัปดาห์", "อาทิตย์"),
        "month": ("เดือน",),
        "year": ("ปี",),
    },
    "km": {
        "minute": ("នាទី",),
        "hour": ("ម៉ោង",),
        "day": ("ថ្ងៃ",),
        "week": ("សប្តាហ៍", "អាទិត្យ"),
        "month": ("ខែ",),
        "year": ("ឆ្នាំ",),
    },
    "ru": {
        "minute": ("минут",),
        "hour": ("час=", "часа=", "часов=", "часик"),
        "day": ("дн", "день=", "сут"),
        "week": ("недел",),
        "month": ("месяц",),
        "year": ("год", "лет="),
    },
    "uz": {
        "minute": ("daqiqa", "minut"),
        "hour": ("soat",),
        "day": ("kun",),
        "week": ("hafta",),
        "month": ("oy=", "oyda", "oyga", "oydan", "oylik"),
        "year": ("yil",),
    },
    "mn": {
        "minute": ("минут",),
        "hour": ("цаг",),
        "day": ("өдөр", "хоног"),
        "week": ("долоо хоног", "7 хоног"),
        "month": ("сар",),
        "year": ("жил",),
    },
    "ne": {
        "minute": ("मिनेट",),
        "hour": ("घण्टा", "घन्टा"),
        "day": ("दिन",),
        "week": ("हप्ता",),
        "month": ("महिना",),
        "year": ("वर्ष", "साल"),
    },
    "tl": {
        "minute": ("minuto",),
        "hour": ("oras=",),
        "day": ("araw",),
        "week": ("linggo",),
        "month": ("buwan",),
        "year": ("taon",),
    },
    "id": {
        "minute": ("menit",),
        "hour": ("jam=",),
        "day": ("hari",),
        "week": ("minggu",),
        "month": ("bulan",),
        "year": ("tahun",),
    },
}
_DATES: Final = re.compile(
    r"\d{1,2}\s*[월月]\s*\d{1,2}\s*[일日号號]?|\d{4}\s*[년年]|\d{4}[-./]\d{1,2}[-./]\d{1,2}"
)
_COMPILED: Final = {
    lang: {unit: re.compile(number + pattern) for unit, pattern in table.items()}
    for lang, table in _AFTER_NUMBER.items()
    for number in [_KO_NUMBER if lang == "ko" else _CJK_NUMBER]
}
#: vi, th, km, ru, mn, uz, ne, tl and id write dates with the month word too ("ngày 7 tháng 5",
#: "7 мая" has none): a month word right after "ngày N" or before a number is a date, not a span.
_DATE_WORDS: Final = re.compile(
    r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}|tháng\s*\d{1,2}(?!\s*(?:tháng|tuần|ngày))"
)


def units(text: str, lang: str) -> frozenset[Unit]:
    """The units of time `text` (in `lang`, or in Korean or English words) speaks of."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = (
        _DATE_WORDS.sub(" ", _DATES.sub(" ", folded)) if lang != "en" else _DATES.sub(" ", folded)
    )
    found: set[Unit] = set()
    for code in dict.fromkeys((lang, "ko", "en")):
        found |= _units_in(folded, code)
    return frozenset(found)


def _units_in(folded: str, lang: str) -> set[Unit]:
    compiled = _COMPILED.get(lang)
    if compiled is not None:
        return {unit for unit, pattern in compiled.items() if pattern.search(folded)}
    table = _WORDS.get(lang)
    if table is None:
        return set()
    words = split(folded, lang)
    return {
        unit
        for unit, stems in table.items()
        if any(words.occurs(stem.rstrip("="), whole=stem.endswith("=")) for stem in stems)
    }

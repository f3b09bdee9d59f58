"""Interface text from assets/ui_strings.toml, by screen and language, with English as fallback."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from kiosk.core.session import KO_CAPTIONS, KSL

KOREAN = "ko"
KOREAN_READERS = (KOREAN, KSL, KO_CAPTIONS)  # visitors who read the screens in Korean


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, dict[str, str]]]:
    raw = resources.files("assets").joinpath("ui_strings.toml").read_text("utf-8")
    data: dict[str, dict[str, dict[str, str]]] = tomllib.loads(raw)
    return data


def reading_lang(lang: str | None) -> str:
    """The language a visitor reads and writes: Korean for one who signs or reads captions (and
    before anyone has chosen)."""
    return KOREAN if lang is None or lang in KOREAN_READERS else lang


def visitor(lang: str | None, key: str) -> str:
    table = _table()["visitor"]
    return table.get(lang or "en", table["en"]).get(key) or table["en"][key]


def staff(key: str, lang: str = "ko", **values: object) -> str:
    table = _table()["staff"]
    text = table.get(lang, table["en"]).get(key) or table["en"][key]
    return text.format(**values) if values else text


def visitor_languages() -> tuple[str, ...]:
    return tuple(_table()["visitor"])

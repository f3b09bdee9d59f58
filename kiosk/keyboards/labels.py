"""The command keys' words in the visitor's language (`assets/keyboards/labels.toml`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

from kiosk.keyboards.layout import LayoutError

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Labels:
    shift: str
    space: str
    send: str
    delete: str
    close: str
    switch: str  # the layout switch's accessible name; the key shows the next layout's label


def labels_for(lang: str) -> Labels:
    """The labels in `lang`, English for a language that has none."""
    table = _table()
    return table.get(lang) or table[FALLBACK_LANGUAGE]


def languages() -> tuple[str, ...]:
    return tuple(_table())


@cache
def _table() -> dict[str, Labels]:
    text = resources.files("assets").joinpath("keyboards", "labels.toml").read_text("utf-8")
    names = [f.name for f in fields(Labels)]
    table: dict[str, Labels] = {}
    for lang, raw in tomllib.loads(text).get("labels", {}).items():
        missing = [name for name in names if not str(raw.get(name, "")).strip()]
        if missing:
            raise LayoutError(f"assets/keyboards/labels.toml: {lang} lacks {', '.join(missing)}")
        table[str(lang)] = Labels(*(str(raw[name]) for name in names))
    if FALLBACK_LANGUAGE not in table:
        raise LayoutError(f"assets/keyboards/labels.toml must have [labels.{FALLBACK_LANGUAGE}]")
    return table

"""Fonts per language, sized by physical character height (mm), not by points.

The visitor screen's default is 12 mm tall characters (the kiosk rule for large screens), measured
on the glyphs of the language's own script, at the screen's physical resolution.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtGui import QFont, QFontMetricsF

from kiosk.ui.theme import mm_to_px

# A tall, typical letter of each script, to measure character height on.
SAMPLE_GLYPH = {
    "Kore": "한",
    "Hans": "国",
    "Jpan": "日",
    "Thai": "ก",
    "Khmr": "ក",
    "Deva": "क",
    "Cyrl": "Д",
    "Latn": "H",
}


@lru_cache(maxsize=32)
def _language(lang: str) -> tuple[str, str]:
    from translate import languages

    try:
        language = languages.get(lang)
        return language.font, language.script
    except Exception:
        return "Noto Sans", "Latn"


def family(lang: str) -> str:
    return _language(lang)[0]


def sample_glyph(lang: str) -> str:
    return SAMPLE_GLYPH.get(_language(lang)[1], "H")


@lru_cache(maxsize=128)
def font_for(lang: str, height_mm: float, dpi: float, bold: bool = False) -> QFont:
    """A font for `lang` whose sample glyph is `height_mm` tall on a screen of `dpi`.

    Cached: caption updates ask for the same few fonts many times a second (`setFont` copies).
    """
    target = mm_to_px(height_mm, dpi)
    font = QFont(family(lang))
    font.setPixelSize(100)
    font.setBold(bold)
    glyph = sample_glyph(lang)
    measured = QFontMetricsF(font).tightBoundingRect(glyph).height() or 70.0
    size = max(8, math.floor(100 * target / measured))
    font.setPixelSize(size)
    for _ in range(4):  # glyphs land on whole pixels: step up until the glyph is tall enough
        if QFontMetricsF(font).tightBoundingRect(glyph).height() >= target:
            break
        size += 1
        font.setPixelSize(size)
    return font


def glyph_height_mm(font: QFont, lang: str, dpi: float) -> float:
    """How tall the language's sample glyph is, in mm, with this font on this screen."""
    px = QFontMetricsF(font).tightBoundingRect(sample_glyph(lang)).height()
    return px / dpi * 25.4


def missing_glyphs(text: str, font: QFont) -> str:
    """Characters of `text` this font cannot draw (they would show as empty boxes)."""
    metrics = QFontMetricsF(font)
    return "".join(
        sorted({ch for ch in text if not ch.isspace() and not metrics.inFontUcs4(ord(ch))})
    )

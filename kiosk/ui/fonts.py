"""Fonts per language, sized by physical character height (mm), not by points.

The visitor screen's default is 12 mm tall characters (the kiosk rule for large screens), measured
on the glyphs of the language's own script, at the screen's physical resolution.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout, QTextOption

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
    return _glyph_sized(family(lang), sample_glyph(lang), mm_to_px(height_mm, dpi), bold)


# What carries each script's apparent size, and how tall it is beside a Latin capital "H" when
# the Noto families (drawn to look the same size together) are set at the same size: Latin and
# Cyrillic capitals (Н, not Д, whose tails hang below the line), the bodies of Thai, Khmer and
# Devanagari letters, the face of a Hangul syllable or an ideograph. Measured on Noto Sans, Noto
# Sans Thai/Khmer/Devanagari and Noto Sans CJK at 100 px, bold.
OPTICAL_BODY = {
    "Latn": ("H", 1.0),
    "Cyrl": ("Н", 1.0),
    "Grek": ("Η", 1.0),
    "Thai": ("ก", 0.79),
    "Khmr": ("ក", 0.82),
    "Deva": ("क", 0.875),
    "Kore": ("한", 1.28),
    "Hans": ("国", 1.25),
    "Jpan": ("日", 1.21),
}


@lru_cache(maxsize=128)
def optical_font(lang: str, cap_mm: float, dpi: float, bold: bool = False) -> QFont:
    """A font for `lang` that looks as large as Latin capitals `cap_mm` tall, whatever its script.

    `font_for` makes each script's sample glyph equally tall, which sets an ideograph, a Hangul
    syllable or a Д as tall as an H: they then look smaller than Latin text, and Thai or Khmer
    larger. Here each script's body glyph is measured in the font actually used and scaled to
    its proportion of the Latin capital (`OPTICAL_BODY`), so labels in different scripts side by
    side (the language chooser, the pad's keys) read as one size.
    """
    glyph, ratio = OPTICAL_BODY.get(_language(lang)[1], OPTICAL_BODY["Latn"])
    return _glyph_sized(family(lang), glyph, mm_to_px(cap_mm, dpi) * ratio, bold)


def _glyph_sized(font_family: str, glyph: str, target: float, bold: bool) -> QFont:
    """A font of `font_family` whose `glyph` is at least `target` pixels tall (the smallest)."""
    font = QFont(font_family)
    font.setPixelSize(100)
    font.setBold(bold)
    measured = QFontMetricsF(font).tightBoundingRect(glyph).height() or 70.0
    size = max(8, math.floor(100 * target / measured))
    font.setPixelSize(size)
    for _ in range(4):  # glyphs land on whole pixels: step up until the glyph is tall enough
        if QFontMetricsF(font).tightBoundingRect(glyph).height() >= target:
            break
        size += 1
        font.setPixelSize(size)
    return font


def fitted(font: QFont, text: str, width: float, least: float = 0.6) -> QFont:
    """`font`, made smaller if `text` is wider than `width` pixels in it (never below `least`
    of its size)."""
    need = QFontMetricsF(font).horizontalAdvance(text)
    if need <= width or need <= 0:
        return font
    smaller = QFont(font)
    floor = round(font.pixelSize() * least)
    smaller.setPixelSize(max(floor, int(font.pixelSize() * width / need)))
    return smaller


def jamo_font(latin: QFont) -> QFont:
    """A bold Korean font in which a lone jamo (ㅁ) stands as tall as a capital H in `latin`. A
    jamo is drawn smaller than a syllable in its em, so the Korean font at the Latin one's size
    would make it look small beside a Latin key."""
    cap = QFontMetricsF(latin).tightBoundingRect("H").height()
    font = QFont(family("ko"))
    font.setBold(True)
    font.setPixelSize(100)
    jamo_height = QFontMetricsF(font).tightBoundingRect("ㅁ").height() or 63.0
    font.setPixelSize(max(8, round(100 * cap / jamo_height)))
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


def widest_line(text: str, font: QFont, width: float) -> float:
    """The widest line of `text` laid out in `font` at `width` pixels as a word-wrapping label
    lays it out: wider than `width` when a word cannot break (a long compound, a Korean eojeol)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    widest = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        widest = max(widest, line.naturalTextWidth())
    layout.endLayout()
    return widest

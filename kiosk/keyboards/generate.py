"""Write the keyboard layouts the kiosk ships: `python -m kiosk.keyboards.generate [FOLDER]`.

Each script's layout is copied from xkeyboard-config (the layouts Linux desktops use, read from
/usr/share/X11/xkb/symbols), so the keys sit where a visitor's own keyboard has them. A few keys
are added where a language writes characters its xkb layout lacks (Uzbek oʻ gʻ as one key, Russian
guillemets, Chinese full-width punctuation); the Japanese kana grid and the Korean 2-beolsik keys
have no xkb source that suits a touch screen and are built here. The output is committed, so the
kiosk never needs xkb: rerun this after changing it or upgrading xkb-data, and review the diff.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.keyboards.layout import ComposerKind, Key
from kiosk.keyboards.xkb import ROWS, SYMBOLS, keysym_table, read_layout

OUTPUT = Path(__file__).resolve().parents[2] / "assets" / "keyboards"
COMPOSE = Path("/usr/share/X11/locale/en_US.UTF-8/Compose")
XKB_LICENCE = "MIT/X11-style (xkeyboard-config); see README.md"
OWN_LICENCE = "Apache-2.0 (Changgu)"

# The visitor languages and their layouts, their own script first.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "ko": ("hangul", "latin"),
    "en": ("latin",),
    "zh": ("pinyin", "latin"),
    "vi": ("vietnamese", "latin"),
    "th": ("thai", "latin"),
    "uz": ("uzbek-latin", "uzbek-cyrillic", "latin"),
    "ru": ("russian", "latin"),
    "mn": ("mongolian", "latin"),
    "ne": ("nepali", "latin"),
    "km": ("khmer", "latin"),
    "tl": ("latin",),
    "id": ("latin",),
    "ja": ("kana", "latin"),
}


@dataclass(frozen=True)
class XkbSource:
    """A layout copied from an xkb symbols file, with keys added in a last row if any."""

    name: str
    title: str
    script: str
    file: str
    section: str | None
    switch_label: str
    composer: ComposerKind = ComposerKind.NONE
    added: tuple[Key, ...] = field(default_factory=tuple)
    added_why: str = ""


def _added(*keys: tuple[str, str]) -> tuple[Key, ...]:
    return tuple(Key(f"EX{i:02}", base, shift) for i, (base, shift) in enumerate(keys, start=1))


XKB_LAYOUTS = (
    XkbSource("latin", "Latin (US QWERTY)", "Latn", "us", "basic", "ABC"),
    XkbSource(
        "vietnamese",
        "Vietnamese (Telex on US QWERTY)",
        "Latn",
        "us",
        "basic",
        "VI",
        ComposerKind.TELEX,
    ),
    XkbSource(
        "pinyin",
        "Chinese (pinyin on US QWERTY)",
        "Hans",
        "us",
        "basic",
        "拼",
        ComposerKind.PINYIN,
        _added(*((mark, "") for mark in "，。？！：；、“”（）《》×")),
        "full-width punctuation, as Chinese text writes it",
    ),
    XkbSource("thai", "Thai (Kedmanee)", "Thai", "th", "basic", "กขค"),
    XkbSource("khmer", "Khmer (NiDA)", "Khmr", "kh", "basic", "កខគ"),
    XkbSource("nepali", "Nepali (Devanagari)", "Deva", "np", "basic", "कखग"),
    XkbSource(
        "russian",
        "Russian (ЙЦУКЕН)",
        "Cyrl",
        "ru",
        "winkeys",
        "АБВ",
        added=_added(("«", "»"), ("—", "–")),
        added_why="guillemets and dashes, as Russian text writes them",
    ),
    XkbSource("mongolian", "Mongolian (Cyrillic)", "Cyrl", "mn", "basic", "АБВ"),
    XkbSource(
        "uzbek-latin",
        "Uzbek (Latin)",
        "Latn",
        "uz",
        "latin",
        "Oʻz",
        added=_added(("oʻ", "Oʻ"), ("gʻ", "Gʻ"), ("ʼ", "ʻ")),
        added_why="oʻ and gʻ as one key each, and the tutuq belgisi ʼ (U+02BC)",
    ),
    XkbSource("uzbek-cyrillic", "Uzbek (Cyrillic)", "Cyrl", "uz", "cyrillic", "Ўз"),
)


def main(argv: Sequence[str] = ()) -> int:
    folder = Path(argv[0]) if argv else OUTPUT
    folder.mkdir(parents=True, exist_ok=True)
    names = keysym_table()
    composed = _compose_sequences()
    version = _xkb_version()
    for source in XKB_LAYOUTS:
        rows = _xkb_rows(source, names, composed)
        where = f"xkeyboard-config {version}, symbols/{source.file}({source.section or 'default'})"
        if source.added:
            where += f"; the last row is added: {source.added_why}"
        _write(
            folder,
            source.name,
            source.title,
            source.script,
            source.composer,
            source.switch_label,
            rows,
            where,
            XKB_LICENCE,
        )
    _write(
        folder,
        "kana",
        "Japanese (kana grid)",
        "Jpan",
        ComposerKind.KANA,
        "かな",
        _kana_rows(),
        "built by kiosk/keyboards/generate.py (the gojūon table)",
        OWN_LICENCE,
    )
    _write(
        folder,
        "hangul",
        "Korean (2-beolsik)",
        "Kore",
        ComposerKind.HANGUL,
        "한글",
        _hangul_rows(names),
        f"kiosk/ui/hangul.py (2-beolsik) on the US QWERTY keys of xkeyboard-config {version}",
        OWN_LICENCE,
    )
    lines = [
        "# Which layouts each visitor language offers, its own script first.",
        "# Written by `python -m kiosk.keyboards.generate`.",
        "",
        "[languages]",
    ]
    lines += [f"{lang} = {_array(layouts)}" for lang, layouts in LANGUAGES.items()]
    (folder / "languages.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


# -- rows ------------------------------------------------------------------------------------


def _xkb_rows(
    source: XkbSource, names: Mapping[str, str], composed: Mapping[str, str]
) -> list[list[Key]]:
    keys = read_layout(source.file, source.section, SYMBOLS, names)
    rows: list[list[Key]] = []
    for positions in ROWS:
        row = []
        for position in positions:
            if position not in keys:
                continue
            levels = [composed.get(c, c) for c in keys[position].levels]
            levels = [c if _typable(c) else "" for c in levels]
            if any(levels):
                row.append(Key(position, *levels))
        rows.append(row)
    if source.added:
        rows.append(list(source.added))
    return rows


def _typable(text: str) -> bool:
    """Text a visitor can mean to type: not a space, control or unassigned code point."""
    return bool(text) and all(unicodedata.category(c) not in ("Cc", "Cn", "Zs") for c in text)


def _compose_sequences() -> dict[str, str]:
    """Code points a layout uses as stand-ins for several characters (Khmer ាំ ោះ …), as
    X11's Compose table spells them out."""
    table: dict[str, str] = {}
    if COMPOSE.is_file():
        for line in COMPOSE.read_text(encoding="utf-8").splitlines():
            match = re.fullmatch(r'<U([0-9a-fA-F]{4,6})>\s*:\s*"([^"]+)".*', line.strip())
            if match:
                table[chr(int(match.group(1), 16))] = match.group(2)
    return table


# The gojūon table: columns are consonants (a ka sa … wa), rows are vowels; the gaps hold ん, を,
# the long-vowel mark and brackets. Shift types katakana. The last row holds the marks the kana
# composer applies to the kana before them (voiced ゛, semi-voiced ゜, small 小) and punctuation.
_KANA_GRID = (
    "あかさたなはまやらわ",
    "いきしちにひみ「りを",
    "うくすつぬふむゆるん",
    "えけせてねへめ」れー",
    "おこそとのほもよろ・",
)
KANA_MARKS = ("゛", "゜", "小")
_KANA_PUNCTUATION = "、。？！×"


def _kana_rows() -> list[list[Key]]:
    rows = []
    for r, kana in enumerate(_KANA_GRID):
        rows.append([Key(f"KG{r}{c}", k, _katakana(k)) for c, k in enumerate(kana)])
    last = [*KANA_MARKS, *_KANA_PUNCTUATION]
    rows.append([Key(f"KG5{c}", mark) for c, mark in enumerate(last)])
    return rows


def _katakana(kana: str) -> str:
    code = ord(kana)
    return chr(code + 0x60) if 0x3041 <= code <= 0x3096 else ""


def _hangul_rows(names: Mapping[str, str]) -> list[list[Key]]:
    from kiosk.ui.hangul import DUBEOLSIK, DUBEOLSIK_SHIFT  # Qt-free: the pad's own tables

    us = read_layout("us", "basic", SYMBOLS, names)
    rows: list[list[Key]] = []
    for positions in ROWS:
        row = []
        for position in positions:
            if position not in us:
                continue
            base, shift, _ = us[position].levels
            if base in DUBEOLSIK:
                row.append(Key(position, DUBEOLSIK[base], DUBEOLSIK_SHIFT.get(base, "")))
            else:
                row.append(Key(position, base, shift))
        rows.append(row)
    return rows


# -- writing ---------------------------------------------------------------------------------


def _write(
    folder: Path,
    name: str,
    title: str,
    script: str,
    composer: ComposerKind,
    switch_label: str,
    rows: list[list[Key]],
    source: str,
    licence: str,
) -> None:
    lines = [
        f"# Keyboard layout {title}. Written by `python -m kiosk.keyboards.generate`;",
        "# edit the generator, not this file.",
        f"name = {_string(name)}",
        f"title = {_string(title)}",
        f"script = {_string(script)}",
        f"composer = {_string(composer.value)}",
        f"switch_label = {_string(switch_label)}",
        f"source = {_string(source)}",
        f"licence = {_string(licence)}",
    ]
    for row in rows:
        if not row:
            continue
        lines += ["", "[[row]]", "keys = ["]
        for key in row:
            fields = [f"position = {_string(key.position)}", f"base = {_string(key.base)}"]
            fields += [
                f"{level} = {_string(text)}"
                for level, text in (("shift", key.shift), ("alt", key.alt))
                if text
            ]
            lines.append("  { " + ", ".join(fields) + " },")
        lines.append("]")
    (folder / f"{name}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _string(text: str) -> str:
    """A TOML basic string; invisible characters (ZWJ, ZWNJ) written as escapes."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(
        f"\\u{ord(c):04X}" if unicodedata.category(c) in ("Cf", "Zs") and c != " " else c
        for c in quoted
    )


def _array(items: Sequence[str]) -> str:
    return "[" + ", ".join(_string(item) for item in items) + "]"


def _xkb_version() -> str:
    """The installed xkb-data's version, named in each file's source line."""
    try:
        found = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "xkb-data"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        found = ""
    return found or "(version unknown)"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

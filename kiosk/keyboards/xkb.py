"""Reading xkeyboard-config symbol files: which characters each key of a layout types.

Only what an on-screen keyboard needs is read: the alphanumeric keys (the digit row, the three
letter rows, the key beside Enter and the extra key of ISO keyboards), levels 1 to 3 (plain, Shift,
AltGr), with `include` statements followed. Keysym names become characters through X11's
`keysymdef.h`, whose comments give each keysym's Unicode code point.

Used by `kiosk.keyboards.generate` only: the kiosk reads the generated TOML files, not xkb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SYMBOLS = Path("/usr/share/X11/xkb/symbols")
KEYSYMDEF = Path("/usr/include/X11/keysymdef.h")

#: The keys of a keyboard's typing area, row by row, in xkb's names.
ROWS: tuple[tuple[str, ...], ...] = (
    ("TLDE", *(f"AE{i:02}" for i in range(1, 13))),
    (*(f"AD{i:02}" for i in range(1, 13)), "BKSL"),
    tuple(f"AC{i:02}" for i in range(1, 12)),
    ("LSGT", *(f"AB{i:02}" for i in range(1, 11))),
)
LEVELS = 3

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_SECTION = re.compile(r'xkb_symbols\s+"([^"]+)"\s*\{')
_KEY = re.compile(r"key\s*<(\w+)>\s*\{([^}]*)\}")
_INCLUDE = re.compile(r'include\s+"([^"]+)"')
_LEVEL_LIST = re.compile(r"\[([^\[\]]*)\]\s*\}?\s*$|\[([^\[\]]*)\]")
_KEYSYM_DEFINE = re.compile(r"#define XK_(\w+)\s+0x([0-9a-fA-F]+)\s*/\*\(?\s*U\+([0-9A-Fa-f]+)")


class XkbError(Exception):
    """A symbols file or section that is not there or cannot be read."""


@dataclass(frozen=True, slots=True)
class XkbKey:
    """One key: its xkb position and the characters of levels 1..3 ("" where none)."""

    position: str
    levels: tuple[str, ...]


def read_layout(
    file: str,
    section: str | None = None,
    symbols: Path = SYMBOLS,
    keysyms: Mapping[str, str] | None = None,
) -> dict[str, XkbKey]:
    """The keys of `file(section)` (the file's default section when None), includes followed."""
    names = keysyms if keysyms is not None else keysym_table()
    keys: dict[str, list[str]] = {}
    _read_section(file, section, symbols, names, keys, depth=0)
    return {
        position: XkbKey(position, tuple(levels))
        for position, levels in keys.items()
        if any(levels)
    }


def keysym_table(path: Path = KEYSYMDEF) -> dict[str, str]:
    """Keysym name → character, from keysymdef.h's Unicode comments."""
    if not path.is_file():
        raise XkbError(f"{path} is missing: install x11proto-dev (Debian) to generate layouts")
    table: dict[str, str] = {}
    for match in _KEYSYM_DEFINE.finditer(path.read_text(encoding="latin-1")):
        table.setdefault(match.group(1), chr(int(match.group(3), 16)))
    return table


def character(keysym: str, names: Mapping[str, str]) -> str:
    """The character a keysym types; "" for none (NoSymbol, dead keys, modifiers)."""
    if keysym.startswith("0x"):
        value = int(keysym, 16)
        return chr(value - 0x1000000) if value >= 0x1000000 else chr(value)
    if re.fullmatch(r"U[0-9A-Fa-f]{4,6}", keysym):
        return chr(int(keysym[1:], 16))
    return names.get(keysym, "")


def _read_section(
    file: str,
    section: str | None,
    symbols: Path,
    names: Mapping[str, str],
    keys: dict[str, list[str]],
    depth: int,
) -> None:
    if depth > 8:
        raise XkbError(f"includes nest too deep at {file}({section})")
    body = _section_body(file, section, symbols)
    for statement in _statements(body):
        include = _INCLUDE.match(statement)
        if include:
            for part in include.group(1).split("+"):
                name, _, sub = part.partition("(")
                if (symbols / name).is_file():
                    _read_section(name, sub.rstrip(")") or None, symbols, names, keys, depth + 1)
            continue
        key = _KEY.match(statement)
        if key is None:
            continue
        levels = _levels(key.group(2), names)
        current = keys.setdefault(key.group(1), [""] * LEVELS)
        for i, char in enumerate(levels[:LEVELS]):
            current[i] = char  # a later definition replaces what an include gave


def _section_body(file: str, section: str | None, symbols: Path) -> str:
    path = symbols / file
    if not path.is_file():
        raise XkbError(f"no xkb symbols file {path}")
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    for match in _SECTION.finditer(text):
        header = text[max(0, match.start() - 80) : match.start()]
        is_default = "default" in header.splitlines()[-1] if header else False
        if match.group(1) == section or (section is None and is_default):
            return _braced(text, match.end())
    if section is None:  # no section marked default: the first one is
        first = _SECTION.search(text)
        if first:
            return _braced(text, first.end())
    raise XkbError(f"{path} has no section {section!r}")


def _braced(text: str, start: int) -> str:
    """The text from `start` to the brace closing the one opened just before it."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
    raise XkbError("unbalanced braces in an xkb symbols file")


def _statements(body: str) -> list[str]:
    """The section's statements, split on the semicolons outside a key's braces."""
    statements: list[str] = []
    depth = 0
    current: list[str] = []
    for char in body:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char == ";" and depth == 0:
            statements.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return statements


def _levels(definition: str, names: Mapping[str, str]) -> list[str]:
    """The characters of a key definition's first group (`[ a, A ]` or `symbols[Group1]=[...]`)."""
    cleaned = re.sub(r"\w+\[\s*Group\d\s*\]\s*=", "", definition, flags=re.IGNORECASE)
    cleaned = re.sub(r'type(\[\s*\w+\s*\])?\s*=\s*"[^"]*"\s*,?', "", cleaned)
    lists = re.findall(r"\[([^\[\]]*)\]", cleaned)
    if not lists:
        return []
    return [character(symbol.strip(), names) for symbol in lists[0].split(",")]

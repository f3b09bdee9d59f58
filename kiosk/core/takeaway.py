"""The take-away note: staff's answers of a visit, for the visitor's phone or printer.

`build_note(turns, visitor_lang)` collects staff's final answers in the visitor's language with the
Korean beside each line; `note.text()` is that note as plain text, and `note.payloads()` splits it
into QR code payloads ("1/3", "2/3", …) that each fit one code a phone reads off a screen. A phone's
camera shows the text with no network and no app. Nothing here touches the disk: the note lives as
long as the visit and goes with it.

No Qt: `kiosk/ui/note.py` shows and prints the note.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

import segno
from segno import consts

from asr.events import Side
from kiosk.core import strings
from kiosk.core.session import Turn, TurnKind

# A phone reads a code off the counter screen (glare, moiré) or off paper: error correction M
# (15% of the code may be unreadable) and codes no larger than version 20 (97×97 modules, 666
# bytes: about three answers in Thai and Korean). Shown 15 cm tall on the visitor screen, a module
# is 1.5 mm wide; printed 7 cm wide, 0.7 mm. Weaker decoders miss larger versions more often.
ERROR_LEVEL = "m"
MAX_VERSION = 20
KOREAN = "ko"  # visitors who read Korean (`strings.reading_lang`) get a note in Korean only


@dataclass(frozen=True, slots=True)
class NoteLine:
    """One answer of staff: in the visitor's language (empty when not translated) and in Korean."""

    text: str
    korean: str
    machine: bool = False  # a machine translation: the note says it may be wrong


@dataclass(frozen=True, slots=True)
class Note:
    visitor_lang: str
    lines: tuple[NoteLine, ...]
    day: date

    @property
    def bilingual(self) -> bool:
        return strings.reading_lang(self.visitor_lang) != KOREAN

    @property
    def empty(self) -> bool:
        return not self.lines

    def title(self) -> str:
        """The note's title in the visitor's language, with the Korean beside it."""
        own = strings.visitor(self._label_lang, "note_title")
        korean = strings.visitor(KOREAN, "note_title")
        return own if own == korean else f"{own} / {korean}"

    def header(self) -> str:
        return f"창구 Changgu {self.day.isoformat()}\n{self.title()}"

    def items(self) -> list[str]:
        """Each answer as a numbered item: the visitor's language, then the Korean beneath."""
        items = []
        for number, line in enumerate(self.lines, 1):
            rows = []
            if self.bilingual and line.text:
                rows.append(line.text + (" *" if line.machine else ""))
            rows.append(line.korean)
            items.append(f"{number}. " + "\n   ".join(rows))
        return items

    def footer(self) -> str:
        """The machine-translation mark explained, when some line carries it."""
        if not any(line.machine for line in self.lines) or not self.bilingual:
            return ""
        return "* " + strings.visitor(self._label_lang, "machine")

    def text(self) -> str:
        """The whole note as plain text."""
        parts = [self.header(), *self.items()]
        if self.footer():
            parts.append(self.footer())
        return "\n".join(parts) + "\n"

    def payloads(self, max_version: int = MAX_VERSION) -> list[str]:
        """The note split into QR payloads, "n/total" first in each when there are several."""
        return split_payloads(self.header(), self.items(), self.footer(), max_version)

    def codes(self, max_version: int = MAX_VERSION) -> list[segno.QRCode]:
        return [qr_code(payload) for payload in self.payloads(max_version)]

    @property
    def _label_lang(self) -> str:
        return strings.reading_lang(self.visitor_lang)


def build_note(turns: Iterable[Turn], visitor_lang: str, day: date | None = None) -> Note:
    """The note of a visit: every final answer of staff, oldest first."""
    lines = []
    for turn in turns:
        if turn.side is not Side.STAFF or not turn.final:
            continue
        kind = turn.kind
        if kind in (TurnKind.PENDING, TurnKind.CONFIRM) or not turn.text.strip():  # never shown
            continue
        shown = kind in (TurnKind.VERIFIED, TurnKind.MACHINE)
        translated = turn.translated_text.strip() if shown else ""
        if turn.translated_lang == KOREAN:
            translated = ""  # captions for a Korean reader: the Korean is the text
        machine = kind is TurnKind.MACHINE and bool(translated)
        lines.append(NoteLine(translated, turn.text.strip(), machine=machine))
    return Note(visitor_lang, tuple(lines), day or date.today())


def split_payloads(
    header: str, items: list[str], footer: str = "", max_version: int = MAX_VERSION
) -> list[str]:
    """Pack the header, the items and the footer into as few codes as fit, in order.

    Items stay whole in one code whenever they fit one; a longer item is cut between words.
    Several codes each start with "n/total", so a phone shows where each part belongs.
    """
    limit = _byte_capacity(max_version) - len("99/99\n")  # the part mark
    pieces = [header]
    for item in items:
        pieces.extend(_cut(item, limit))
    if footer:
        pieces.append(footer)
    chunks: list[str] = []
    for piece in pieces:
        if chunks and _size(chunks[-1] + "\n" + piece) <= limit:
            chunks[-1] += "\n" + piece
        else:
            chunks.append(piece)
    if len(chunks) == 1:
        return chunks
    return [f"{n}/{len(chunks)}\n{chunk}" for n, chunk in enumerate(chunks, 1)]


def qr_code(payload: str) -> segno.QRCode:
    """A QR code of `payload` as UTF-8 bytes (phones read it; no ECI header, which some misread)."""
    return segno.make(
        payload, error=ERROR_LEVEL, mode="byte", encoding="utf-8", micro=False, boost_error=False
    )


# -- helpers -----------------------------------------------------------------------------------


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _byte_capacity(version: int) -> int:
    """Bytes of UTF-8 a code of this version holds at the note's error level (byte mode)."""
    table = cast(dict[int, dict[int, int]], consts.SYMBOL_CAPACITY)
    bits = table[version][consts.ERROR_MAPPING[ERROR_LEVEL.upper()]]
    header_bits = 4 + (8 if version < 10 else 16)  # mode indicator + character count
    return (bits - header_bits) // 8


def _cut(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` bytes, cut after a space where possible, never inside a
    character's combining marks (Thai vowels and tones, Vietnamese accents)."""
    parts = []
    while _size(text) > limit:
        end = 0
        size = 0
        for i, ch in enumerate(text):
            size += _size(ch)
            if size > limit:
                break
            end = i + 1
        space = text.rfind(" ", 0, end)
        if space > 0:
            end = space + 1
        while end > 1 and _is_mark(text[end]):
            end -= 1
        parts.append(text[:end].rstrip())
        text = text[end:]
    parts.append(text)
    return parts


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")

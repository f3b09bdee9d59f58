"""A visit at the counter: who is there, in which languages, and what each side said.

Pure Python (no Qt): the conversation core (`kiosk.core.conversation`) adds to it, the screens
show it. Everything lives in memory only. `new_visit()` wipes it; nothing reaches the disk unless
staff explicitly export a transcript (`export_text`, which the UI confirms first).

Turn ids are unique for the kiosk's lifetime, not only within a visit: a result that arrives for a
turn of an earlier visit (a translation, a confirmation) finds no turn, and is dropped.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from asr.events import Side
from translate import Candidate

KSL = "ksl"  # the visitor signs Korean Sign Language
KO_CAPTIONS = "ko-captions"  # the visitor reads Korean captions (hears little, does not sign)


class TurnKind(StrEnum):
    """How a turn's text reached the other side."""

    PENDING = "pending"  # heard or typed; its translation is on the way
    VERIFIED = "verified"  # a phrasebook phrase (checked, or a draft when not `reviewed`)
    MACHINE = "machine"  # machine translation
    NONE = "none"  # no trustworthy translation
    ORIGINAL = "original"  # no translation needed (same language)
    SIGN = "sign"  # a recognised sign, in Korean
    CONFIRM = "confirm"  # a phrase that nearly matches: "Did you mean …?" is being asked
    SIGN_UNSURE = "sign-unsure"  # a sign the recogniser is unsure of: staff are asked


@dataclass(frozen=True, slots=True)
class Turn:
    """One thing said at the counter, with its translation for the other side."""

    turn_id: int
    side: Side
    lang: str
    text: str
    translated_lang: str
    translated_text: str
    kind: TurnKind
    phrase_id: str | None = None
    final: bool = True
    at: float = 0.0  # time.time() when it was said
    reviewed: bool = False  # a phrase whose wording in `translated_lang` was reviewed
    candidates: tuple[Candidate, ...] = ()  # with CONFIRM: the phrases it may mean (best first)
    written: bool = False  # typed (staff's keyboard, the visitor's pad), not spoken or signed
    declined: bool = False  # asked "Did you mean …?", and the answer was No

    @property
    def awaiting_staff(self) -> bool:
        """Staff's words that matched no phrase, with the nearest phrases offered to staff: the
        visitor sees nothing of the turn until staff pick one."""
        return self.side is Side.STAFF and self.kind is TurnKind.NONE and bool(self.candidates)


@dataclass
class Session:
    """The visit in memory: the visitor's language and the turns. The rules are in
    `kiosk.core.conversation`."""

    staff_lang: str = "ko"
    visitor_lang: str | None = None  # None until the visitor chooses (or is recognised)
    idle_timeout_s: float = 300.0
    clock: Callable[[], float] = time.time
    turns: list[Turn] = field(default_factory=list)
    started_at: float = 0.0
    last_activity: float = 0.0
    _next_id: int = 1

    def __post_init__(self) -> None:
        self.started_at = self.last_activity = self.clock()

    # -- the visit --

    def new_visit(self) -> None:
        """Forget everything about the previous visitor (turn ids go on counting)."""
        self.turns.clear()
        self.visitor_lang = None
        self.started_at = self.last_activity = self.clock()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle(self) -> bool:
        """A visit (a turn, or only a language chosen) with nothing for `idle_timeout_s`."""
        started = bool(self.turns) or self.visitor_lang is not None
        return started and self.clock() - self.last_activity >= self.idle_timeout_s

    # -- turns --

    def open(
        self,
        side: Side,
        lang: str,
        text: str,
        translated_lang: str,
        kind: TurnKind = TurnKind.PENDING,
        translated_text: str = "",
        *,
        phrase_id: str | None = None,
        final: bool = True,
        reviewed: bool = False,
        written: bool = False,
    ) -> Turn:
        """A new turn, with an id no other turn of this kiosk had."""
        turn = Turn(
            self._next_id,
            side,
            lang,
            text,
            translated_lang,
            translated_text,
            kind,
            phrase_id=phrase_id,
            final=final,
            at=self.clock(),
            reviewed=reviewed,
            written=written,
        )
        self._next_id += 1
        self.turns.append(turn)
        self.touch()
        return turn

    def put(self, turn: Turn) -> Turn:
        """Store `turn` in place of the turn with its id (a partial grown, a translation in)."""
        for i, existing in enumerate(self.turns):
            if existing.turn_id == turn.turn_id:
                self.turns[i] = turn
                self.touch()
                return turn
        raise KeyError(f"turn {turn.turn_id} is not in this visit")

    def get(self, turn_id: int | None) -> Turn | None:
        return next((t for t in self.turns if t.turn_id == turn_id), None)

    def latest(self, side: Side | None = None) -> Turn | None:
        for turn in reversed(self.turns):
            if side is None or turn.side is side:
                return turn
        return None

    # -- export (explicit staff action only) --

    def transcript(self) -> str:
        lines = [f"Changgu visit transcript ({self.staff_lang} / {self.visitor_lang or '-'})"]
        for t in self.turns:
            if not t.final:
                continue
            stamp = time.strftime("%H:%M:%S", time.localtime(t.at))
            lines.append(f"[{stamp}] {t.side.value} ({t.lang}): {t.text}")
            if t.kind is not TurnKind.ORIGINAL:
                lines.append(f"    → ({t.translated_lang}, {t.kind}): {t.translated_text}")
        return "\n".join(lines) + "\n"

    def export_text(self, path: Path) -> Path:
        """Write the transcript to `path` (a file, or a folder to write it into). Written beside
        the target and then renamed: a failed export (a full disk) leaves an old file whole."""
        if path.is_dir():
            path = path / time.strftime("changgu-visit-%Y%m%d-%H%M%S.txt")
        if path.exists() and not path.is_file():
            raise OSError(errno.EINVAL, "not a regular file: choose a file name", str(path))
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.transcript())
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
        return path

"""A visit at the counter: who is there, in which languages, and what each side said.

Pure Python (no Qt): the conversation core (`kiosk.core.conversation`) adds to it, the screens show it.
Everything lives in memory only. `new_visit()` wipes it; nothing reaches the disk unless staff
explicitly export a transcript (`export_text`, which the UI confirms first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from asr.events import Side

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
    candidates: tuple[Any, ...] = ()  # with CONFIRM: the phrases it may mean (best first)
    written: bool = False  # typed (staff's keyboard, the visitor's pad), not spoken or signed


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
        """Forget everything about the previous visitor."""
        self.turns.clear()
        self.visitor_lang = None
        self._next_id = 1
        self.started_at = self.last_activity = self.clock()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle(self) -> bool:
        """A visit (a turn, or only a language chosen) with nothing for `idle_timeout_s`."""
        started = bool(self.turns) or self.visitor_lang is not None
        return started and self.clock() - self.last_activity >= self.idle_timeout_s

    # -- turns --

    def add(self, turn_id: int | None, **fields: object) -> Turn:
        """Add a turn, or update the one with `turn_id` (a partial growing into a final)."""
        self.touch()
        if turn_id is not None:
            for i, existing in enumerate(self.turns):
                if existing.turn_id == turn_id:
                    self.turns[i] = replace(existing, **fields)  # type: ignore[arg-type]
                    return self.turns[i]
        turn = Turn(turn_id=self._next_id, at=self.clock(), **fields)  # type: ignore[arg-type]
        self._next_id += 1
        self.turns.append(turn)
        return turn

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
        path.write_text(self.transcript(), encoding="utf-8")
        return path

"""A visit at the counter: who is there, in which languages, and what each side said.

Pure Python (no Qt): the UI shows a `Session`, the pipeline adds to it. Everything lives in memory
only. `new_visit()` wipes it; an idle visit ends by itself (`expire_if_idle`); nothing reaches the
disk unless staff explicitly export a transcript (`export_text`, which the UI confirms first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from asr.events import Side

KSL = "ksl"  # the visitor signs Korean Sign Language


class Mode(StrEnum):
    ONE_MIC = "one-mic"  # one microphone; the side is decided by the language spoken
    TWO_MICS = "two-mics"  # a microphone per side
    DEAF_VISITOR = "deaf-visitor"  # staff speech captioned; the visitor signs or types


@dataclass(frozen=True, slots=True)
class Turn:
    """One thing said at the counter, with its translation for the other side."""

    turn_id: int
    side: Side
    lang: str
    text: str
    translated_lang: str
    translated_text: str
    kind: str  # "verified" | "machine" | "none" | "original" (no translation needed)
    phrase_id: str | None = None
    final: bool = True
    at: float = 0.0  # time.time() when it was said


@dataclass
class Session:
    staff_lang: str = "ko"
    visitor_lang: str | None = None  # None until the visitor chooses (or is recognised)
    mode: Mode = Mode.ONE_MIC
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

    def choose_language(self, lang: str) -> None:
        self.visitor_lang = lang
        self.mode = Mode.DEAF_VISITOR if lang == KSL else self.mode
        self.touch()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def expire_if_idle(self) -> bool:
        """End the visit if nothing happened for `idle_timeout_s`; True if it was ended."""
        if self.turns and self.clock() - self.last_activity >= self.idle_timeout_s:
            self.new_visit()
            return True
        return False

    @property
    def languages(self) -> tuple[str, ...]:
        """The spoken languages at this counter now (staff first)."""
        if self.visitor_lang in (None, KSL, self.staff_lang):
            return (self.staff_lang,)
        assert self.visitor_lang is not None
        return (self.staff_lang, self.visitor_lang)

    def other_lang(self, side: Side) -> str:
        if side is Side.STAFF:
            return self.visitor_lang if self.visitor_lang not in (None, KSL) else self.staff_lang
        return self.staff_lang

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
            if t.kind != "original":
                lines.append(f"    → ({t.translated_lang}, {t.kind}): {t.translated_text}")
        return "\n".join(lines) + "\n"

    def export_text(self, path: Path) -> Path:
        path.write_text(self.transcript(), encoding="utf-8")
        return path

"""The contract of the neural MT tier: what `Translator` asks of it and what it returns.

Both the facade (which uses the tier) and `translate.mt` (which implements it) import this module,
so neither imports the other's module for its types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MachineResult:
    text: str
    confidence: float
    method: str  # e.g. "mt:nllb-200-distilled-600m" or "mt:opus-ko-en+opus-en-vi via en"
    notes: tuple[str, ...] = ()


class MachineTranslation(Protocol):
    """A neural MT tier (see `translate.mt.MachineTranslator`)."""

    def supports(self, source_lang: str, target_lang: str) -> bool: ...

    def translate(self, text: str, source_lang: str, target_lang: str) -> MachineResult: ...

    def forget(self) -> None:
        """Drop every cached translation (visit text)."""

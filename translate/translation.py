"""What the translation engine hands to the kiosk: a `Translation` that says which tier made it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from translate.slots import SlotValue


class TranslationKind(StrEnum):
    VERIFIED = "verified"  # a phrasebook entry, matched from what was said
    MACHINE = "machine"  # neural machine translation from an installed pack
    CONFIRM = "confirm"  # a phrase is plausible but below the verified bar: ask "Did you mean …?"
    NONE = "none"  # no trustworthy translation: say so, offer quick phrases or typing


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase the speaker may have meant, for "Did you mean: …?" and its alternatives."""

    phrase_id: str
    source_text: str  # the phrase's wording in the utterance's language (slots filled)
    text: str  # its wording in the target language (slots filled)
    score: float
    reviewed: bool  # the target wording has been reviewed (else a draft)
    #: slots the utterance did not give a value for: ask staff before sending (the texts show
    #: them as "…")
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Translation:
    """One translated utterance.

    `confidence` is in [0, 1]: 1.0 for an exact phrasebook match; for semantic matches it grows with
    the calibrated margin over the runner-up phrase; for MT it is the model's mean token
    probability.
    `reviewed` is True only when the phrase's wording in `target_lang` has been reviewed (the
    phrasebook's drafts are not). `method` says how: exact, fuzzy, semantic, same-language, or
    mt:<pack> (with "via en" for pivots). `notes` carries checks that failed (numbers, terms).

    `CONFIRM`: the best phrase is plausible but not verified; `phrase_id` and `text` are that
    candidate (rendered in `target_lang`) and `candidates` holds it first, then up to 3 others.
    `candidates` may also be filled for NONE and MACHINE results when some phrase is plausible;
    for staff speech that matches nothing they are the nearest staff phrases (`nearest` True),
    offered to staff to send with one tap and shown to nobody else.
    `machine_text` is the MT output when a pack translated the utterance too (for CONFIRM, what to
    show if the speaker says No).
    """

    source_text: str
    source_lang: str
    target_lang: str
    text: str
    kind: TranslationKind
    confidence: float
    phrase_id: str | None = None
    reviewed: bool = False
    slots: Mapping[str, SlotValue] = field(default_factory=lambda: MappingProxyType({}))
    method: str = ""
    notes: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    machine_text: str = ""
    #: the candidates are the nearest staff phrases to staff speech that matched nothing
    nearest: bool = False

    @property
    def verified(self) -> bool:
        return self.kind is TranslationKind.VERIFIED

    @property
    def found(self) -> bool:
        """A translation to show (a CONFIRM is one only once the speaker says Yes)."""
        return self.kind in (TranslationKind.VERIFIED, TranslationKind.MACHINE)

    @property
    def needs_confirmation(self) -> bool:
        return self.kind is TranslationKind.CONFIRM

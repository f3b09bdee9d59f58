"""Hallucination guards: decide whether a Whisper hypothesis is speech or something it invented.

Whisper, given silence or noise, writes plausible text ("시청해주셔서 감사합니다", "Thank you for
watching"). The first guard is the VAD gate upstream (Whisper only hears what VAD calls speech);
these are the rest: no-speech probability, repetition (compression ratio), low-confidence text
on very little speech, and known phantom phrases per language.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from asr.whisper import Hypothesis


@dataclass(frozen=True, slots=True)
class GuardConfig:
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    min_confidence: float = 0.15  # exp(avg_logprob) below this is noise, whatever no_speech says
    # Never drop valid speech: when voice activity heard at least this much speech, Whisper's own
    # doubt (no-speech probability, low confidence) is not enough to drop the text; a reverberant
    # room or an unusual voice lowers both on real speech. Repetition loops and phantom phrases
    # are still dropped.
    trusted_speech_s: float = 1.5


def rejection_reason(
    hyp: Hypothesis, config: GuardConfig = GuardConfig(), speech_s: float = 0.0
) -> str | None:
    """Why this hypothesis is not real speech, or None if it should be shown.

    `speech_s`: how much speech voice activity detection heard in the audio (0 if unknown).
    """
    if not normalise(hyp.text):
        return "empty"
    doubt_counts = speech_s < config.trusted_speech_s
    if (
        doubt_counts
        and hyp.no_speech_prob > config.no_speech_threshold
        and hyp.avg_logprob < config.logprob_threshold
    ):
        return "no speech"
    if hyp.compression_ratio > config.compression_ratio_threshold or _loops(hyp.text):
        return "repetition"
    if doubt_counts and hyp.confidence < config.min_confidence:
        return "low confidence"
    if is_phantom(hyp.text, hyp.lang):
        return "phantom phrase"
    return None


def _loops(text: str) -> bool:
    """A short pattern said over and over ("2 3 2 3 2 3 …"), too short for compression ratio."""
    words = text.split()
    if len(words) >= 6 and len(set(words)) / len(words) < 0.35:
        return True
    if len(words) > 2:
        return False
    letters = normalise(text)  # unspaced scripts: "네네네네네…", "对对对对对…"
    return len(letters) >= 12 and len(set(letters)) / len(letters) < 0.2


def is_phantom(text: str, lang: str) -> bool:
    key = normalise(text)
    return bool(key) and key in _phantoms().get(lang, frozenset())


def normalise(text: str) -> str:
    """Lower case, without spaces or punctuation (NFKC first)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


@lru_cache(maxsize=1)
def _phantoms() -> dict[str, frozenset[str]]:
    raw = resources.files("asr").joinpath("data/phantom_phrases.toml").read_text("utf-8")
    table = tomllib.loads(raw)["phrases"]
    return {lang: frozenset(normalise(p) for p in phrases) for lang, phrases in table.items()}

"""`--langs ko,vi`: language codes given on the command line, checked against what Whisper knows."""

from __future__ import annotations

from faster_whisper.tokenizer import _LANGUAGE_CODES

from kiosk.errors import ChangguError

# The languages Whisper knows, from faster-whisper's own tokenizer.
WHISPER_CODES = frozenset(_LANGUAGE_CODES)


def parse_langs(spec: str) -> tuple[str, ...]:
    """'ko,vi' -> ('ko', 'vi'), with a clear message for unknown or empty codes."""
    codes = tuple(dict.fromkeys(c.strip().lower() for c in spec.split(",") if c.strip()))
    if not codes:
        raise ChangguError("give at least one language, e.g. --langs ko,vi")
    unknown = [c for c in codes if c not in WHISPER_CODES]
    if unknown:
        raise ChangguError(
            f"unknown language code(s): {', '.join(unknown)}. Use two-letter codes such as "
            "ko, en, zh, vi, th, uz, ru, mn, ne, km, tl, id, ja."
        )
    return codes

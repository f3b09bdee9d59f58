"""Language codes given on the command line or in settings, checked against what Whisper knows."""

from __future__ import annotations

from kiosk.errors import ChangguError

# Whisper's language codes (ISO 639-1 where one exists), the subset a counter might meet.
WHISPER_CODES = frozenset(
    [
        "ko",
        "en",
        "zh",
        "ja",
        "vi",
        "th",
        "uz",
        "ru",
        "mn",
        "ne",
        "km",
        "tl",
        "id",
        "ms",
        "hi",
        "bn",
        "ur",
        "ar",
        "fa",
        "tr",
        "de",
        "fr",
        "es",
        "pt",
        "it",
        "pl",
        "uk",
        "kk",
        "ky",
        "my",
        "lo",
        "si",
        "ta",
        "te",
        "ne",
    ]
)


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

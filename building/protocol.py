"""The wire protocols a building server speaks, shared by `changgu serve` and the kiosk's client.

Speech: OpenAI's `POST /v1/audio/transcriptions` (multipart form: `file`, `model`, `language`,
`prompt`, `response_format=json|verbose_json`). `verbose_json` carries what the kiosk's guards need
(`language`, and per segment `avg_logprob`, `no_speech_prob`, `compression_ratio`). Two optional
form fields are this server's own and are ignored by others: `languages` (a comma-separated list
the spoken language is chosen from, e.g. "ko,th") and, in the answer, `language_probability`.

Translation: LibreTranslate's `POST /translate` (`q`, `source`, `target`; answer
`{"translatedText": ...}`) and `GET /languages`.

Nothing here touches the network: it only shapes and reads the messages.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from asr.audio import SAMPLE_RATE
from asr.whisper import Hypothesis, compression_ratio

TRANSCRIPTIONS = "/v1/audio/transcriptions"
TRANSLATE = "/translate"
LANGUAGES = "/languages"
HEALTH = "/healthz"
METRICS = "/metrics"

MAX_AUDIO_BYTES = 16 * 1024 * 1024  # ~4 minutes of 16 kHz float mono: far past any utterance
MAX_TEXT_CHARS = 5000  # one translation request

# Whisper's language names (OpenAI answers "korean", not "ko"); the codes this product offers
# and a few neighbours, so an answer from another OpenAI-compatible server is understood.
LANGUAGE_NAMES = {
    "ko": "korean",
    "en": "english",
    "zh": "chinese",
    "ja": "japanese",
    "vi": "vietnamese",
    "th": "thai",
    "km": "khmer",
    "mn": "mongolian",
    "ne": "nepali",
    "uz": "uzbek",
    "ru": "russian",
    "tl": "tagalog",
    "id": "indonesian",
}
_CODES = {name: code for code, name in LANGUAGE_NAMES.items()}


class ProtocolError(ValueError):
    """A message that does not follow the protocol (from either side)."""


def wav_bytes(audio: npt.NDArray[np.float32]) -> bytes:
    """16 kHz mono samples as a 32-bit float WAV file (IEEE float, format 3), in memory, never on
    disk. Float, not 16-bit: the server then hears exactly the samples the counter would decode
    (rounding to 16 bits can change a beam search's punctuation or a word)."""
    data = np.asarray(audio, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, SAMPLE_RATE, SAMPLE_RATE * 4, 4, 32)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def float_wav_samples(data: bytes) -> npt.NDArray[np.float32] | None:
    """The samples of a `wav_bytes` file (16 kHz mono 32-bit float), exactly; None for any other
    file (the server then decodes it with PyAV, which rounds to 16 bits). ProtocolError for a
    float WAV whose samples are not all numbers."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, fmt_ok = 12, False
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if tag == b"fmt " and len(body) >= 16:
            form, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            fmt_ok = (form, channels, rate, bits) == (3, 1, SAMPLE_RATE, 32)
        elif tag == b"data":
            if not fmt_ok or len(body) != size or size % 4:
                return None
            samples = np.frombuffer(body, dtype="<f4").astype(np.float32)
            if not np.isfinite(samples).all():
                raise ProtocolError("the audio holds samples that are not numbers")
            return samples
        pos += 8 + size + (size & 1)
    return None


def language_code(value: str) -> str:
    """ "ko", "korean" or "Korean" → "ko"; an unknown name is returned lower-cased."""
    value = value.strip().lower()
    return _CODES.get(value, value)


def parse_languages(value: str | None) -> tuple[str, ...]:
    """The `languages` form field: "ko, th" → ("ko", "th"). Empty → ()."""
    if not value:
        return ()
    codes = tuple(language_code(v) for v in value.split(",") if v.strip())
    if len(codes) > 8 or any(not c.isalpha() or len(c) > 3 for c in codes):
        raise ProtocolError("languages: at most 8 comma-separated language codes")
    return codes


def verbose_json(hyp: Hypothesis, duration_s: float) -> dict[str, Any]:
    """OpenAI's verbose_json for one utterance decoded as one segment."""
    return {
        "task": "transcribe",
        "language": hyp.lang,
        "language_probability": round(hyp.lang_prob, 4),
        "duration": round(duration_s, 3),
        "text": hyp.text,
        "segments": [
            {
                "id": 0,
                "seek": 0,
                "start": 0.0,
                "end": round(duration_s, 3),
                "text": hyp.text,
                "tokens": [],
                "temperature": hyp.temperature,
                "avg_logprob": hyp.avg_logprob,
                "compression_ratio": hyp.compression_ratio,
                "no_speech_prob": hyp.no_speech_prob,
            }
        ],
    }


@dataclass(frozen=True, slots=True)
class RemoteTranscript:
    """What a server said about one utterance, as the kiosk's guards need it."""

    hypothesis: Hypothesis
    server_language_known: bool  # the answer named its language (verbose_json)


def read_transcription(body: Any, asked_language: str | None) -> RemoteTranscript:
    """A transcription answer (json or verbose_json, from this server or another) → Hypothesis.

    Raises ProtocolError for anything that is not a transcription: garbage must never become a
    caption. Missing scores (plain json) count as a confident decode of one segment."""
    if not isinstance(body, Mapping) or not isinstance(body.get("text"), str):
        raise ProtocolError("the answer has no transcription text")
    text = body["text"].strip()
    if len(text) > 2000:
        raise ProtocolError("the answer's text is implausibly long for one utterance")
    named = body.get("language")
    lang = language_code(named) if isinstance(named, str) and named else (asked_language or "")
    segments = body.get("segments")
    logprob, no_speech, ratio = 0.0, 0.0, compression_ratio(text)
    if isinstance(segments, list) and segments:
        weights = []
        try:
            for seg in segments:
                length = max(1.0, float(seg.get("end", 1.0)) - float(seg.get("start", 0.0)))
                weights.append(
                    (
                        length,
                        float(seg["avg_logprob"]),
                        float(seg.get("no_speech_prob", 0.0)),
                        float(seg.get("compression_ratio", ratio)),
                    )
                )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"a segment of the answer is malformed ({exc})") from exc
        total = sum(w[0] for w in weights)
        logprob = sum(w[0] * w[1] for w in weights) / total
        no_speech = max(w[2] for w in weights)
        ratio = max(w[3] for w in weights)
        if not all(math.isfinite(v) for v in (logprob, no_speech, ratio)):
            raise ProtocolError("the answer's scores are not numbers")
    probability = body.get("language_probability", 1.0)
    if not isinstance(probability, int | float) or not 0.0 <= probability <= 1.0:
        probability = 1.0
    hyp = Hypothesis(
        text=text,
        lang=lang,
        lang_prob=float(probability),
        avg_logprob=logprob,
        no_speech_prob=no_speech,
        compression_ratio=ratio,
        n_tokens=len(text.split()),
    )
    return RemoteTranscript(hyp, isinstance(named, str) and bool(named))


def read_translation(body: Any) -> str:
    """LibreTranslate's answer → the translated text; ProtocolError for anything else."""
    if not isinstance(body, Mapping) or not isinstance(body.get("translatedText"), str):
        raise ProtocolError("the answer has no translatedText")
    text: str = body["translatedText"].strip()
    if not text or len(text) > 4 * MAX_TEXT_CHARS:
        raise ProtocolError("the answer's translatedText is empty or implausibly long")
    return text


def read_languages(body: Any) -> dict[str, frozenset[str]]:
    """LibreTranslate's `/languages` → {source: targets}."""
    if not isinstance(body, list):
        raise ProtocolError("/languages did not answer a list")
    out: dict[str, frozenset[str]] = {}
    for item in body:
        if not isinstance(item, Mapping) or not isinstance(item.get("code"), str):
            raise ProtocolError("/languages has an entry without a code")
        targets = item.get("targets", [])
        if not isinstance(targets, list):
            raise ProtocolError("/languages has an entry whose targets are not a list")
        out[item["code"]] = frozenset(t for t in targets if isinstance(t, str))
    return out

"""Whisper recognition of one utterance (already cut by VAD) with faster-whisper / CTranslate2.

One call encodes the audio once, picks the language among the session's languages from Whisper's
own language probabilities (so a short Korean phrase is never labelled Thai), then decodes greedily.
The encoder window is sized to the utterance (at least `min_window_s`) instead of Whisper's fixed
30 s: on this class of CPU it cuts encoding time by ~6x for short utterances at almost no cost in
accuracy (measured by `bench/asr.py`, which can also run with `window="full"`).
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from asr.audio import SAMPLE_RATE
from asr.errors import ModelLoadError

log = logging.getLogger(__name__)

MAX_WINDOW_S = 30
# Whisper writes Chinese in traditional or simplified characters at random; a simplified-Chinese
# prompt keeps it to the simplified script used in mainland China (where most visitors come from).
LANGUAGE_PROMPTS = {"zh": "以下是普通话的句子。"}


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    beam_size: int = 1
    window: Literal["adaptive", "full"] = "adaptive"
    min_window_s: int = 10
    window_margin_s: float = 2.0
    initial_prompt: str | None = None  # domain words (civil-service vocabulary) as a hint
    prompt_lang: str | None = None  # the hint's language: used only when that language is spoken
    tokens_per_second: float = 15.0  # generation budget: guards against runaway repetition
    min_tokens: int = 24


@dataclass(frozen=True, slots=True)
class Hypothesis:
    text: str
    lang: str
    lang_prob: float  # among the allowed languages
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    n_tokens: int

    @property
    def confidence(self) -> float:
        return float(math.exp(min(0.0, self.avg_logprob)))


class WhisperEngine:
    """A loaded Whisper model. Thread-compatible: use it from one worker thread at a time."""

    def __init__(self, model_dir: Path, cpu_threads: int = 2, compute_type: str = "int8") -> None:
        from faster_whisper import WhisperModel

        required = ("model.bin", "config.json", "tokenizer.json")
        missing = [name for name in required if not (model_dir / name).is_file()]
        if missing:
            raise ModelLoadError(
                f"the speech model in {model_dir} is incomplete (missing {', '.join(missing)}). "
                "Run `changgu models install` to repair it."
            )
        try:
            self._model = WhisperModel(
                str(model_dir),
                device="cpu",
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelLoadError(
                f"the speech model in {model_dir} could not be loaded ({exc}). It may be damaged: "
                "run `changgu models verify`, then `changgu models install` to repair it."
            ) from exc
        self._ct2: Any = self._model.model
        self._tokenizers: dict[str, Any] = {}
        self.languages: frozenset[str] = frozenset(self._model.supported_languages)

    def recognise(
        self,
        audio: npt.NDArray[np.float32],
        langs: Sequence[str],
        options: DecodeOptions = DecodeOptions(),
        language: str | None = None,
    ) -> Hypothesis:
        """Text of one utterance. `language` forces the language; otherwise the best of `langs`."""
        from faster_whisper.transcribe import get_ctranslate2_storage

        duration = len(audio) / SAMPLE_RATE
        window = _window_seconds(duration, options)
        audio = audio[: window * SAMPLE_RATE]
        features = self._model.feature_extractor(audio, chunk_length=window)
        frames = window * 100
        features = features[:, :frames]
        if features.shape[1] < frames:
            features = np.pad(features, ((0, 0), (0, frames - features.shape[1])))
        encoded = self._ct2.encode(get_ctranslate2_storage(features[None]), to_cpu=False)

        lang, lang_prob = self._choose_language(encoded, langs, language)
        tokenizer = self._tokenizer(lang)
        hint = options.initial_prompt if options.prompt_lang in (None, lang) else None
        prompt = self._prompt(tokenizer, _join(LANGUAGE_PROMPTS.get(lang), hint))
        budget = max(options.min_tokens, int(duration * options.tokens_per_second))
        result = self._ct2.generate(
            encoded,
            [prompt],
            beam_size=options.beam_size,
            max_length=min(448, len(prompt) + budget),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=list(self._suppressed(tokenizer)),
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        # a partial decode can end inside a multi-byte character; never show the broken bytes
        text = tokenizer.decode(tokens).replace("\ufffd", "").strip()
        return Hypothesis(
            text=text,
            lang=lang,
            lang_prob=lang_prob,
            avg_logprob=float(result.scores[0]) if result.scores else -10.0,
            no_speech_prob=float(result.no_speech_prob),
            compression_ratio=compression_ratio(text),
            n_tokens=len(tokens),
        )

    def _choose_language(
        self, encoded: Any, langs: Sequence[str], forced: str | None
    ) -> tuple[str, float]:
        if forced:
            return forced, 1.0
        allowed = [code for code in langs if code in self.languages]
        if len(allowed) == 1:
            return allowed[0], 1.0
        probs = {tok[2:-2]: p for tok, p in self._ct2.detect_language(encoded)[0]}
        candidates = allowed or sorted(self.languages)
        scored = {code: probs.get(code, 0.0) for code in candidates}
        best = max(scored, key=lambda code: scored[code])
        total = sum(scored.values()) or 1.0
        return best, scored[best] / total

    def _tokenizer(self, lang: str) -> Any:
        if lang not in self._tokenizers:
            from faster_whisper.tokenizer import Tokenizer

            self._tokenizers[lang] = Tokenizer(
                self._model.hf_tokenizer, True, task="transcribe", language=lang
            )
        return self._tokenizers[lang]

    @staticmethod
    def _prompt(tokenizer: Any, hint: str | None) -> list[int]:
        sequence: list[int] = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        if hint and hint.strip():
            hint_tokens = tokenizer.encode(" " + hint.strip())[-100:]
            sequence = [tokenizer.sot_prev, *hint_tokens, *sequence]
        return sequence

    @staticmethod
    def _suppressed(tokenizer: Any) -> tuple[int, ...]:
        from faster_whisper.transcribe import get_suppressed_tokens

        return tuple(get_suppressed_tokens(tokenizer, [-1]) or ())


def _window_seconds(duration: float, options: DecodeOptions) -> int:
    if options.window == "full":
        return MAX_WINDOW_S
    wanted = math.ceil(duration + options.window_margin_s)
    return int(min(MAX_WINDOW_S, max(options.min_window_s, wanted)))


def _join(*hints: str | None) -> str | None:
    parts = [h.strip() for h in hints if h and h.strip()]
    return " ".join(parts) or None


def compression_ratio(text: str) -> float:
    """How repetitive a text is (Whisper's own measure; > 2.4 means a repetition loop)."""
    if not text:
        return 0.0
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data))

"""Whisper recognition of one utterance (already cut by VAD) with faster-whisper / CTranslate2.

One call encodes the audio once, picks the language among the session's languages from Whisper's
own language probabilities (so a short Korean phrase is never labelled Thai), then decodes.

Two kinds of decode share this code. Partials (while someone speaks) use an encoder window sized to
the utterance (`window="adaptive"`, at least `min_window_s`) and greedy search: on this class of CPU
that is ~6x cheaper than Whisper's fixed 30 s window. Finals use the full 30 s window Whisper was
trained on and beam search, optionally with `Context`: the audio of what was said just before goes
in front of the new audio, and its text is forced as the decoder's prefix, so the model hears the
speaker and the room for longer but only the new words are generated. A decode that fails
(repetition, very low log-probability) is retried with sampling at rising temperatures, as Whisper
itself does. `bench/asr.py` measures each of these.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Protocol

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
    final: bool = False  # the one careful decode of a whole utterance (may go to a building server)
    beam_size: int = 1
    window: Literal["adaptive", "full"] = "adaptive"
    min_window_s: int = 10
    window_margin_s: float = 2.0
    initial_prompt: str | None = None  # domain words (civil-service vocabulary) as a hint
    prompt_lang: str | None = None  # the hint's language: used only when that language is spoken
    tokens_per_second: float = 15.0  # generation budget: guards against runaway repetition
    min_tokens: int = 24
    # Temperature fallback (Whisper's own recipe): a decode whose text repeats itself or whose
    # average log-probability is below `fallback_logprob` is tried again by sampling `best_of`
    # candidates at each temperature in turn; the best of all tries is kept. () = no fallback.
    fallback_temperatures: tuple[float, ...] = ()
    fallback_best_of: int = 5
    fallback_logprob: float = -1.0
    fallback_compression_ratio: float = 2.4
    fallback_no_speech: float = 0.6  # ...unless the model is this sure there is no speech at all
    # How a Context's words are kept out of the result: "prefix" forces them as the decoder's
    # prefix; "aligned" lets the model transcribe the context again and cuts its text where it
    # best matches the context's text.
    context_mode: Literal["prefix", "aligned"] = "prefix"


@dataclass(frozen=True, slots=True)
class Context:
    """What the same speaker said just before: audio (16 kHz float32), its final text, language."""

    audio: npt.NDArray[np.float32]
    text: str
    lang: str

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One utterance of a batch (`WhisperEngine.recognise_batch`)."""

    audio: npt.NDArray[np.float32]
    langs: tuple[str, ...] = ()  # allowed languages; () = any Whisper knows
    language: str | None = None  # forced
    hint: str | None = None  # the initial prompt for this utterance
    hint_lang: str | None = None  # the hint's language: used only when that language is spoken


@dataclass(frozen=True, slots=True)
class Hypothesis:
    text: str
    lang: str
    lang_prob: float  # among the allowed languages
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    n_tokens: int
    temperature: float = 0.0  # > 0: the text comes from the fallback
    with_context: bool = False  # decoded after the previous utterance's audio and text

    @property
    def confidence(self) -> float:
        return float(math.exp(min(0.0, self.avg_logprob)))


class SpeechEngine(Protocol):
    """What the streaming recogniser needs of an engine: `WhisperEngine`, or one that sends finals
    to a building server (`building.tiers.TieredSpeech`)."""

    def recognise(
        self,
        audio: npt.NDArray[np.float32],
        langs: Sequence[str],
        options: DecodeOptions = ...,
        language: str | None = None,
        context: Context | None = None,
    ) -> Hypothesis: ...

    def detect_language(
        self, audio: npt.NDArray[np.float32], langs: Sequence[str]
    ) -> tuple[str, float]: ...


class WhisperEngine:
    """A loaded Whisper model. Thread-compatible: use it from one worker thread at a time."""

    def __init__(self, model_dir: Path, cpu_threads: int = 2, compute_type: str = "int8") -> None:
        from faster_whisper import WhisperModel

        self.model_dir = model_dir
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

    @property
    def model(self) -> Any:
        """The underlying faster_whisper.WhisperModel (for comparisons with the plain library)."""
        return self._model

    def recognise(
        self,
        audio: npt.NDArray[np.float32],
        langs: Sequence[str],
        options: DecodeOptions = DecodeOptions(),
        language: str | None = None,
        context: Context | None = None,
    ) -> Hypothesis:
        """Text of one utterance. `language` forces the language; otherwise the best of `langs`.

        `context` is used only when the language is known beforehand (forced, or the only one
        allowed) and is the context's language, and when both fit in the encoder window.
        """
        duration = len(audio) / SAMPLE_RATE
        allowed = [code for code in langs if code in self.languages]
        known = language or (allowed[0] if len(allowed) == 1 else None)
        if context is not None and (
            context.lang != known
            or not context.text.strip()
            or duration + context.duration_s > MAX_WINDOW_S - 1
        ):
            context = None
        heard = np.concatenate([context.audio, audio]) if context is not None else audio
        encoded = self._encode(heard, _window_seconds(len(heard) / SAMPLE_RATE, options))

        lang, lang_prob = self._choose_language(encoded, langs, language)
        tokenizer = self._tokenizer(lang)
        hint = options.initial_prompt if options.prompt_lang in (None, lang) else None
        prompt = self._prompt(tokenizer, _join(LANGUAGE_PROMPTS.get(lang), hint))

        aligned = context is not None and options.context_mode == "aligned"
        prefix: list[int] = []
        if context is not None and not aligned:
            prefix = tokenizer.encode(" " + context.text.strip())[-200:]
        spoken = duration + (context.duration_s if aligned and context else 0.0)
        budget = max(options.min_tokens, int(spoken * options.tokens_per_second))
        best: Hypothesis | None = None
        for temperature in (0.0, *options.fallback_temperatures):
            hyp = self._generate(
                encoded, tokenizer, [*prompt, *prefix], len(prefix), budget, options, temperature
            )
            if aligned and context is not None:
                new_words = after_match(hyp.text, context.text)
                if new_words is None:  # the context was not heard as before: decode without it
                    return self.recognise(audio, langs, options, language)
                hyp = replace(hyp, text=new_words, compression_ratio=compression_ratio(new_words))
            hyp = replace(hyp, lang=lang, lang_prob=lang_prob, with_context=context is not None)
            if best is None or _better(hyp, best, options):
                best = hyp
            if not _needs_fallback(hyp, options):
                break
        assert best is not None
        if hint and echoes_hint(best.text, hint):
            # the decoder recited the hint ("수수료기간 연장, 수수료기간 연장, …") instead of
            # hearing the speech: decode the same audio without it
            log.info("a decode repeated the hint's words; decoded again without the hint")
            return self.recognise(
                audio, langs, replace(options, initial_prompt=None), language, context
            )
        return best

    def detect_language(
        self, audio: npt.NDArray[np.float32], langs: Sequence[str]
    ) -> tuple[str, float]:
        """The most likely of `langs` (and its share of their probability), from a short window."""
        allowed = [code for code in langs if code in self.languages]
        if len(allowed) == 1:
            return allowed[0], 1.0
        window = _window_seconds(len(audio) / SAMPLE_RATE, DecodeOptions())
        return self._choose_language(self._encode(audio, window), langs, None)

    def _encode(self, audio: npt.NDArray[np.float32], window: int) -> Any:
        """Whisper's encoder output for `audio` in a window of `window` seconds (zero-padded)."""
        from faster_whisper.transcribe import get_ctranslate2_storage

        features = self._model.feature_extractor(audio[: window * SAMPLE_RATE], chunk_length=window)
        frames = window * 100
        features = features[:, :frames]
        if features.shape[1] < frames:
            features = np.pad(features, ((0, 0), (0, frames - features.shape[1])))
        return self._ct2.encode(get_ctranslate2_storage(features[None]), to_cpu=False)

    def recognise_batch(
        self, requests: Sequence[BatchRequest], options: DecodeOptions
    ) -> list[Hypothesis]:
        """Several utterances (from several counters) in one encoder and one beam search: what a
        shared server does with the requests that arrive together. Each result is the one
        `recognise` would give, except that all share one encoder window (the full window for
        finals). A result that needs the temperature fallback, or recites its hint, is decoded
        again alone, as `recognise` would."""
        if len(requests) <= 1:
            return [self._recognise_one(r, options) for r in requests]
        longest = max(len(r.audio) for r in requests) / SAMPLE_RATE
        window = _window_seconds(min(longest, MAX_WINDOW_S), options)
        encoded = self._encode_many([r.audio for r in requests], window)
        detected: list[Any] | None = None
        if any(r.language is None and len(self._allowed(r.langs)) != 1 for r in requests):
            detected = self._ct2.detect_language(encoded)
        tokenizers: list[Any] = []
        prompts: list[list[int]] = []
        langs: list[tuple[str, float]] = []
        budgets: list[int] = []
        for i, r in enumerate(requests):
            chosen = self._pick_language(detected[i] if detected else None, r.langs, r.language)
            tokenizer = self._tokenizer(chosen[0])
            tokenizers.append(tokenizer)
            langs.append(chosen)
            hint = r.hint if r.hint_lang in (None, chosen[0]) else None
            prompts.append(self._prompt(tokenizer, _join(LANGUAGE_PROMPTS.get(chosen[0]), hint)))
            duration = len(r.audio) / SAMPLE_RATE
            budgets.append(
                len(prompts[-1])
                + max(options.min_tokens, int(duration * options.tokens_per_second))
            )
        # CTranslate2 needs <|startoftranscript|> at one position in a batch: one beam search
        # per length of the hint before it (counters send the same hint, so mostly one)
        groups: dict[int, list[int]] = {}
        for i, (prompt, tokenizer) in enumerate(zip(prompts, tokenizers, strict=True)):
            groups.setdefault(prompt.index(tokenizer.sot), []).append(i)
        results: list[Any] = [None] * len(requests)
        for members in groups.values():
            part = encoded if len(members) == len(requests) else _rows(encoded, members)
            found = self._ct2.generate(
                part,
                [prompts[i] for i in members],
                max_length=min(448, max(budgets[i] for i in members)),
                return_scores=True,
                return_no_speech_prob=True,
                suppress_blank=True,
                suppress_tokens=list(self._suppressed(tokenizers[members[0]])),
                beam_size=options.beam_size,
            )
            for i, result in zip(members, found, strict=True):
                results[i] = result
        out: list[Hypothesis] = []
        for r, result, tokenizer, (lang, prob) in zip(
            requests, results, tokenizers, langs, strict=True
        ):
            hyp = replace(self._hypothesis(result, tokenizer, 0, 0.0), lang=lang, lang_prob=prob)
            hinted = r.hint if r.hint_lang in (None, lang) else None
            if _needs_fallback(hyp, options) or (hinted and echoes_hint(hyp.text, hinted)):
                hyp = self._recognise_one(replace(r, language=lang), options)
                hyp = replace(hyp, lang_prob=prob)
            out.append(hyp)
        return out

    def _recognise_one(self, r: BatchRequest, options: DecodeOptions) -> Hypothesis:
        options = replace(options, initial_prompt=r.hint, prompt_lang=r.hint_lang)
        return self.recognise(r.audio, r.langs, options, r.language)

    def _encode_many(self, audios: Sequence[npt.NDArray[np.float32]], window: int) -> Any:
        from faster_whisper.transcribe import get_ctranslate2_storage

        frames = window * 100
        batch = []
        for audio in audios:
            features = self._model.feature_extractor(
                audio[: window * SAMPLE_RATE], chunk_length=window
            )[:, :frames]
            if features.shape[1] < frames:
                features = np.pad(features, ((0, 0), (0, frames - features.shape[1])))
            batch.append(features)
        return self._ct2.encode(get_ctranslate2_storage(np.stack(batch)), to_cpu=False)

    def _generate(
        self,
        encoded: Any,
        tokenizer: Any,
        prompt: list[int],
        n_prefix: int,
        budget: int,
        options: DecodeOptions,
        temperature: float,
    ) -> Hypothesis:
        if temperature > 0:
            search: dict[str, Any] = {
                "beam_size": 1,
                "num_hypotheses": options.fallback_best_of,
                "sampling_topk": 0,
                "sampling_temperature": temperature,
            }
        else:
            search = {"beam_size": options.beam_size}
        result = self._ct2.generate(
            encoded,
            [prompt],
            max_length=min(448, len(prompt) + budget),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=list(self._suppressed(tokenizer)),
            **search,
        )[0]
        return self._hypothesis(result, tokenizer, n_prefix, temperature)

    @staticmethod
    def _hypothesis(result: Any, tokenizer: Any, n_prefix: int, temperature: float) -> Hypothesis:
        # sampling returns several candidates: keep the most probable one
        best = max(range(len(result.sequences_ids)), key=lambda i: result.scores[i])
        # the result repeats the forced prefix (the previous utterance's words): drop them
        tokens = [t for t in result.sequences_ids[best][n_prefix:] if t < tokenizer.eot]
        # a partial decode can end inside a multi-byte character; never show the broken bytes
        text = tokenizer.decode(tokens).replace("\ufffd", "").strip()
        return Hypothesis(
            text=text,
            lang="",
            lang_prob=0.0,
            avg_logprob=float(result.scores[best]) if result.scores else -10.0,
            no_speech_prob=float(result.no_speech_prob),
            compression_ratio=compression_ratio(text),
            n_tokens=len(tokens),
            temperature=temperature,
        )

    def _choose_language(
        self, encoded: Any, langs: Sequence[str], forced: str | None
    ) -> tuple[str, float]:
        if forced or len(self._allowed(langs)) == 1:
            return self._pick_language(None, langs, forced)
        return self._pick_language(self._ct2.detect_language(encoded)[0], langs, forced)

    def _allowed(self, langs: Sequence[str]) -> list[str]:
        return [code for code in langs if code in self.languages]

    def _pick_language(
        self, detected: Any, langs: Sequence[str], forced: str | None
    ) -> tuple[str, float]:
        """The forced language, the only allowed one, or the most likely allowed one of
        `detected` (CTranslate2's [(token, probability)] for one utterance) with its share."""
        if forced:
            return forced, 1.0
        allowed = self._allowed(langs)
        if len(allowed) == 1:
            return allowed[0], 1.0
        probs = {tok[2:-2]: p for tok, p in detected}
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


def echoes_hint(text: str, hint: str, share: float = 0.7) -> bool:
    """The text recites the hint instead of what was said: at least `share` of its letters lie in
    runs of three found in the hint, and one such run comes back. A sentence that uses a few of the
    hint's words ("체류기간 연장하러 왔어요") is not an echo."""
    said = "".join(ch for ch in text if ch.isalnum())
    hinted = "".join(ch for ch in hint if ch.isalnum())
    grams = {hinted[i : i + 3] for i in range(len(hinted) - 2)}
    covered = [False] * len(said)
    seen: set[str] = set()
    repeated = False
    for i in range(len(said) - 2):
        gram = said[i : i + 3]
        if gram in grams:
            covered[i : i + 3] = [True] * 3
            repeated = repeated or gram in seen
            seen.add(gram)
    return bool(said) and repeated and sum(covered) >= share * len(said)


def _needs_fallback(hyp: Hypothesis, options: DecodeOptions) -> bool:
    if hyp.compression_ratio > options.fallback_compression_ratio:
        return True
    silence = hyp.no_speech_prob > options.fallback_no_speech and not hyp.with_context
    return hyp.avg_logprob < options.fallback_logprob and not silence


def _better(new: Hypothesis, old: Hypothesis, options: DecodeOptions) -> bool:
    """Whisper's choice among failed tries: not repetitive first, then the most probable."""
    new_ok = new.compression_ratio <= options.fallback_compression_ratio
    old_ok = old.compression_ratio <= options.fallback_compression_ratio
    if new_ok != old_ok:
        return new_ok
    return new.avg_logprob > old.avg_logprob


def after_match(text: str, context: str, max_mismatch: float = 0.5) -> str | None:
    """What follows, in `text`, the part that best matches `context` (a transcript of the audio
    before): a semi-global alignment over letters and digits, so spacing and punctuation differ
    freely and a few misheard letters do not move the cut. None when even the best match differs
    in more than `max_mismatch` of the context's letters (the text does not start with it)."""
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    letters = [text[i] for i in positions]
    wanted = [ch for ch in context if ch.isalnum()]
    if not wanted:
        return text.strip()
    # row[j]: edit distance between the context so far and the first j letters of text
    row = list(range(len(letters) + 1))
    for ch in wanted:
        new = [row[0] + 1]
        for j, have in enumerate(letters, start=1):
            new.append(min(row[j] + 1, new[j - 1] + 1, row[j - 1] + (ch != have)))
        row = new
    cut = min(range(len(row)), key=lambda j: (row[j], j))
    if row[cut] > max_mismatch * len(wanted):
        return None
    if cut == 0:
        return text.strip()
    rest = text[positions[cut - 1] + 1 :]
    return rest.lstrip(" ,.?!;:、。，").strip()


def _rows(encoded: Any, rows: Sequence[int]) -> Any:
    """Some rows of a batch's encoder output (a CTranslate2 StorageView on the CPU)."""
    import ctranslate2

    return ctranslate2.StorageView.from_array(np.ascontiguousarray(np.asarray(encoded)[list(rows)]))


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

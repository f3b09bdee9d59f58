"""One installed MT pack running on CTranslate2: framing of each model family, batching, scores."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate import languages
from translate.errors import PackError
from translate.mt.pack import Family, PackInfo
from translate.mt.tokenizer import SubwordTokenizer, load_tokenizer

log = logging.getLogger(__name__)

#: Longest input, in subword tokens, given to a model in one piece (longer sentences are cut).
MAX_SOURCE_TOKENS = 256


@dataclass(frozen=True, slots=True)
class Hypothesis:
    text: str
    log_prob: float  # mean log-probability per target token


class CT2Pack:
    """One pack; loads on first use, so start-up stays fast and a broken pack fails clearly."""

    def __init__(self, info: PackInfo, *, threads: int = 2, beam_size: int = 2) -> None:
        self.info = info
        self._threads = threads
        self._beam_size = beam_size
        self._lock = threading.Lock()
        self._translator: Any = None
        self._source_tok: SubwordTokenizer | None = None
        self._target_tok: SubwordTokenizer | None = None

    @property
    def name(self) -> str:
        return self.info.name

    def serves(self, source_lang: str, target_lang: str) -> bool:
        return self.info.serves(source_lang, target_lang)

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str
    ) -> list[Hypothesis]:
        if not texts:
            return []
        translator, source_tok, target_tok = self._load()
        sources = [
            self._frame_source(source_tok.encode(t), source_lang, target_lang) for t in texts
        ]
        prefix = self._target_prefix(target_lang)
        longest = max(len(source) for source in sources)
        try:
            results = translator.translate_batch(
                sources,
                target_prefix=[prefix] * len(sources) if prefix else None,
                beam_size=self._beam_size,
                max_decoding_length=min(2 * MAX_SOURCE_TOKENS, 2 * longest + 8),
                return_scores=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise PackError(f"pack {self.name} failed to translate ({exc}); reinstall it") from None
        hypotheses = []
        for result in results:
            tokens = list(result.hypotheses[0])
            if prefix and tokens[: len(prefix)] == prefix:
                tokens = tokens[len(prefix) :]
            tokens = [t for t in tokens if t not in _SPECIALS]
            hypotheses.append(
                Hypothesis(target_tok.decode(tokens).strip(), float(result.scores[0]))
            )
        return hypotheses

    def _load(self) -> tuple[Any, SubwordTokenizer, SubwordTokenizer]:
        with self._lock:
            if self._translator is None:
                import ctranslate2

                source_file, target_file = self.info.tokenizer_files()
                self._source_tok = load_tokenizer(source_file)
                self._target_tok = (
                    self._source_tok if target_file == source_file else load_tokenizer(target_file)
                )
                try:
                    self._translator = ctranslate2.Translator(
                        str(self.info.path),
                        device="cpu",
                        compute_type=self.info.compute_type,
                        inter_threads=1,
                        intra_threads=self._threads,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise PackError(
                        f"pack {self.name} cannot be loaded ({exc}); reinstall it with "
                        "`changgu models install`"
                    ) from None
                log.info("loaded MT pack %s", self.name)
            assert self._source_tok is not None and self._target_tok is not None
            return self._translator, self._source_tok, self._target_tok

    def _frame_source(self, tokens: list[str], source_lang: str, target_lang: str) -> list[str]:
        tokens = tokens[:MAX_SOURCE_TOKENS]
        family = self.info.family
        if family is Family.NLLB:
            return [languages.get(source_lang).nllb, *tokens, "</s>"]
        if family is Family.M2M100:
            return [f"__{languages.get(source_lang).m2m100}__", *tokens, "</s>"]
        if self.info.target_token:
            return [self.info.target_token, *tokens, "</s>"]
        return [*tokens, "</s>"]

    def _target_prefix(self, target_lang: str) -> list[str]:
        family = self.info.family
        if family is Family.NLLB:
            return [languages.get(target_lang).nllb]
        if family is Family.M2M100:
            return [f"__{languages.get(target_lang).m2m100}__"]
        return []


_SPECIALS = frozenset({"</s>", "<s>", "<pad>", "<unk>"})


def probability(log_prob: float) -> float:
    return max(0.0, min(1.0, math.exp(log_prob)))

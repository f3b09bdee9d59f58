"""The neural MT tier: routes a request to installed packs (directly or through English), protects
glossary terms and names, checks numbers, splits long text into sentences, batches, and caches."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from translate.errors import PackError, TranslateError
from translate.glossary import Glossary
from translate.machine import MachineResult
from translate.mt import protect as guard
from translate.mt.backend import CT2Pack, probability
from translate.mt.pack import PackInfo, find_packs

log = logging.getLogger(__name__)

PIVOT = "en"
_SENTENCE_END = re.compile(r"(?<=[.!?。！？।។])\s+|\n+")
MAX_SEGMENT_CHARS = 400


@dataclass(frozen=True, slots=True)
class Hop:
    pack: CT2Pack
    source: str
    target: str


class MachineTranslator:
    def __init__(self, packs: Sequence[CT2Pack], glossary: Glossary, cache_size: int = 512) -> None:
        self.packs = list(packs)
        self.glossary = glossary
        self.problems: list[str] = []  # packs found but not usable, as messages for staff
        self._cache: OrderedDict[tuple[str, str, str], MachineResult] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.cache_hits = 0
        self.cache_misses = 0

    @classmethod
    def from_folder(cls, mt_dir: Path, glossary: Glossary) -> MachineTranslator:
        """Every valid pack under `mt_dir`; broken ones are listed in `problems`, not raised."""
        infos, problems = find_packs(mt_dir)
        engine = cls([CT2Pack(info) for info in infos], glossary)
        engine.problems = problems
        for problem in problems:
            log.warning("MT pack skipped: %s", problem)
        return engine

    @classmethod
    def from_packs(cls, infos: Sequence[PackInfo], glossary: Glossary) -> MachineTranslator:
        return cls([CT2Pack(info) for info in infos], glossary)

    def supports(self, source_lang: str, target_lang: str) -> bool:
        return self.route(source_lang, target_lang) is not None

    def route(self, source_lang: str, target_lang: str) -> list[Hop] | None:
        """A direct pack, else two hops through English; None when no installed pack can do it."""
        direct = self._pack_for(source_lang, target_lang)
        if direct is not None:
            return [Hop(direct, source_lang, target_lang)]
        if PIVOT in (source_lang, target_lang):
            return None
        first, second = self._pack_for(source_lang, PIVOT), self._pack_for(PIVOT, target_lang)
        if first is None or second is None:
            return None
        return [Hop(first, source_lang, PIVOT), Hop(second, PIVOT, target_lang)]

    def _pack_for(self, source_lang: str, target_lang: str) -> CT2Pack | None:
        """The first pack serving the direction; one-direction (Marian) packs come before
        multilingual ones, as they are usually better at their one pair."""
        serving = [pack for pack in self.packs if pack.serves(source_lang, target_lang)]
        serving.sort(key=lambda pack: pack.info.source is None)
        return serving[0] if serving else None

    def forget(self) -> None:
        """Drop every cached translation (they hold a visit's text): New visit calls this."""
        with self._lock:
            self._cache.clear()
            self.cache_hits = 0
            self.cache_misses = 0

    def translate(self, text: str, source_lang: str, target_lang: str) -> MachineResult:
        return self.translate_batch([text], source_lang, target_lang)[0]

    def translate_batch(
        self, texts: Sequence[str], source_lang: str, target_lang: str
    ) -> list[MachineResult]:
        route = self.route(source_lang, target_lang)
        if route is None:
            raise TranslateError(
                f"no machine translation pack for {source_lang}->{target_lang}; install one with "
                "`changgu models install --from PATH`"
            )
        results: dict[int, MachineResult] = {}
        todo: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                cached = self._cache.get((text, source_lang, target_lang))
                if cached is not None:
                    self._cache.move_to_end((text, source_lang, target_lang))
                    self.cache_hits += 1
                    results[i] = cached
                else:
                    self.cache_misses += 1
                    todo.append(i)
        if todo:
            fresh = self._translate_uncached([texts[i] for i in todo], route, target_lang)
            with self._lock:
                for i, result in zip(todo, fresh, strict=True):
                    results[i] = result
                    self._cache[(texts[i], source_lang, target_lang)] = result
                    while len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return [results[i] for i in range(len(texts))]

    def _translate_uncached(
        self, texts: Sequence[str], route: list[Hop], target_lang: str
    ) -> list[MachineResult]:
        source_lang = route[0].source
        protected = [guard.protect(text, source_lang, self.glossary) for text in texts]
        segments: list[str] = []
        owners: list[int] = []
        for owner, item in enumerate(protected):
            for segment in split_sentences(item.text):
                segments.append(segment)
                owners.append(owner)
        log_probs = [0.0] * len(segments)
        current = segments
        for hop in route:
            if not current:
                break
            try:
                hypotheses = hop.pack.translate_batch(current, hop.source, hop.target)
            except PackError:
                raise
            except Exception as exc:  # tokenizer or runtime failure inside a pack
                raise PackError(
                    f"pack {hop.pack.name} failed ({type(exc).__name__}); reinstall it"
                ) from None
            current = [h.text for h in hypotheses]
            log_probs = [lp + h.log_prob for lp, h in zip(log_probs, hypotheses, strict=True)]
        method = "mt:" + "+".join(hop.pack.name for hop in route)
        if len(route) > 1:
            method += f" via {PIVOT}"
        results = []
        for owner, (text, item) in enumerate(zip(texts, protected, strict=True)):
            parts = [current[i] for i, o in enumerate(owners) if o == owner]
            scores = [log_probs[i] for i, o in enumerate(owners) if o == owner]
            joined = join_segments(parts, target_lang)
            restored = guard.restore(joined, item, target_lang, self.glossary)
            notes: list[str] = []
            confidence = probability(sum(scores) / len(scores)) if scores else 0.0
            if restored.lost:
                notes.append(f"terms or names lost in translation: {len(restored.lost)}")
                confidence *= 0.5
            changed = guard.numbers_changed(text, restored.text)
            if changed:
                notes.append("numbers differ from the original: " + ", ".join(changed))
                confidence *= 0.5
            results.append(MachineResult(restored.text, confidence, method, tuple(notes)))
        return results


def split_sentences(text: str) -> list[str]:
    """Sentences of at most MAX_SEGMENT_CHARS characters (long ones are cut at spaces)."""
    segments: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > MAX_SEGMENT_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SEGMENT_CHARS)
            cut = cut if cut > MAX_SEGMENT_CHARS // 2 else MAX_SEGMENT_CHARS
            segments.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            segments.append(sentence)
    return segments


def join_segments(parts: Sequence[str], lang: str) -> str:
    separator = "" if lang in ("zh", "ja", "th") else " "
    return separator.join(part for part in parts if part)

"""Find the phrasebook entry a person meant: exact, then fuzzy (same language), then semantic.

- **exact**: the normalised utterance equals a wording (slot templates match any value in place);
- **fuzzy**: rapidfuzz similarity to a wording in the utterance's language, for typos and ASR slips;
- **semantic**: multilingual-e5 vectors, compared with every wording in every language. A phrase's
  score is the mean of its `top_k` best languages. The best phrase is accepted only when its score
  and its margin over the second-best phrase clear the calibrated `MatchRule` (scores of e5 are
  compressed, 0.83–0.95, so the margin carries most of the signal). Below it: no match.

Slot values ({amount}, {date}, ...) are read from the utterance; a slot phrase whose values
cannot be read is not accepted (a verified "The fee is … won" without the amount is a guess).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from translate import languages, slots
from translate.embedding import Embedder, PhraseIndex, Vectors
from translate.glossary import Glossary
from translate.normalise import MAX_MATCH_CHARS, clean_input, normalise, normalise_spaced
from translate.phrasebook import Phrase, Phrasebook, Side


class MatchMethod(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    SEMANTIC = "semantic"


@dataclass(frozen=True, slots=True)
class MatchRule:
    """When a semantic best guess counts as a match. Calibrated by `translate.calibration`.

    A phrase's score is the mean of its `top_k` best languages' cosine similarities, plus
    `lexical_weight` x its best rapidfuzz token-set similarity (0..1) to a wording in the
    utterance's own language (e5-small blurs near-synonymous phrases; shared words separate
    "interpreter" from "sign language interpreter"), plus `reviewed_bonus` for phrases with
    reviewed wording — drafts need a little more evidence before they are shown as verified.
    """

    min_score: float
    min_margin: float
    top_k: int = 1
    fuzzy_min: float = 92.0
    lexical_weight: float = 0.1
    reviewed_bonus: float = 0.01


#: Calibrated on ../shared/eval/phrase_match_dev.tsv with 6-fold cross-validation
#: (`changgu eval phrases --calibrate`; numbers in bench/translate.py's report).
DEFAULT_RULE = MatchRule(min_score=0.94, min_margin=0.01, top_k=3)


@dataclass(frozen=True, slots=True)
class Candidate:
    phrase_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    phrase: Phrase
    method: MatchMethod
    score: float
    margin: float
    confidence: float
    slots: Mapping[str, slots.SlotValue] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class SemanticRanking:
    """Best and runner-up phrase for an utterance (what the rule decides on; used in
    calibration)."""

    best: str
    score: float
    second: str
    second_score: float

    @property
    def margin(self) -> float:
        return self.score - self.second_score


class PhraseMatcher:
    def __init__(
        self,
        phrasebook: Phrasebook,
        glossary: Glossary,
        index: PhraseIndex | None = None,
        embedder: Embedder | None = None,
        rule: MatchRule = DEFAULT_RULE,
    ) -> None:
        self.phrasebook = phrasebook
        self.glossary = glossary
        self.rule = rule
        self._exact: dict[tuple[str, str], str] = {}
        self._exact_any: dict[str, str] = {}
        self._templates: list[tuple[str, re.Pattern[str], Phrase]] = []
        self._fuzzy: dict[str, tuple[list[str], list[str]]] = {}
        self._build_text_tables()
        self._embedder = embedder if index is not None else None
        self._semantic = _SemanticTable(index, phrasebook) if index is not None else None
        ids = self._semantic.phrase_ids if self._semantic is not None else []
        self._reviewed = np.array([bool(phrasebook.get(pid).reviewed) for pid in ids], np.float32)
        self._lexical = self._build_lexical_tables(ids)

    @property
    def semantic(self) -> bool:
        """Whether cross-lingual matching is available (else only exact and fuzzy)."""
        return self._semantic is not None

    def match(self, text: str, lang: str, side: Side | None = None) -> Match | None:
        """The phrase meant by `text` (in `lang`), or None. `side` restricts the candidates to the
        phrases that side says (e.g. Side.VISITOR); by default every phrase is a candidate."""
        text = clean_input(text)
        if not text or len(text) > MAX_MATCH_CHARS or not normalise(text):
            return None
        speaker = side or speaker_side(lang)
        return (
            self._match_exact(text, lang)
            or self._match_fuzzy(text, lang, speaker)
            or self._match_semantic(text, lang, speaker)
        )

    def rank(self, text: str, lang: str, side: Side | None = None) -> SemanticRanking | None:
        """Semantic best and runner-up, without applying the rule (None without an index)."""
        found = self.rankings(text, lang, (self.rule.top_k,), side or speaker_side(lang))
        return found.get(self.rule.top_k)

    def search(self, text: str, lang: str, limit: int = 5) -> list[Candidate]:
        """Closest phrases, best first (for staff search): semantic if available, else fuzzy."""
        text = clean_input(text)[:MAX_MATCH_CHARS]
        if not normalise(text):
            return []
        if self._semantic is not None and self._embedder is not None:
            vector = self._embedder.embed_query(text)
            scores = self._semantic.phrase_scores(vector, self.rule.top_k, Side.BOTH)
            order = np.argsort(-scores)[:limit]
            return [Candidate(self._semantic.phrase_ids[i], float(scores[i])) for i in order]
        query = normalise_spaced(text)
        choices = [
            (p.id, normalise_spaced(w))
            for p in self.phrasebook
            for code in languages.codes()
            for w in p.wordings(code)
        ]
        best: dict[str, float] = {}
        for phrase_id, wording in choices:
            score = fuzz.WRatio(query, wording) / 100.0
            best[phrase_id] = max(best.get(phrase_id, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
        return [Candidate(pid, score) for pid, score in ranked]

    # --- tiers ------------------------------------------------------------------------------

    def _match_exact(self, text: str, lang: str) -> Match | None:
        key = normalise(text)
        phrase_id = self._exact.get((lang, key)) or self._exact_any.get(key)
        if phrase_id is not None:
            return Match(self.phrasebook.get(phrase_id), MatchMethod.EXACT, 1.0, 1.0, 1.0)
        spaced = normalise_spaced(text)
        for code, pattern, phrase in self._templates:
            found = pattern.fullmatch(spaced)
            if found is None:
                continue
            values = self._read_slots(" ".join(found.groups()), code, phrase)
            if values is not None:
                return Match(phrase, MatchMethod.EXACT, 1.0, 1.0, 1.0, MappingProxyType(values))
        return None

    def _match_fuzzy(self, text: str, lang: str, speaker: Side) -> Match | None:
        table = self._fuzzy.get(lang)
        if table is None:
            return None
        keys, ids = table
        query = _fuzzy_key(text)
        if len(query) < 8:  # short strings: one changed letter is a different word
            return None
        hits = process.extract(query, keys, scorer=fuzz.ratio, limit=8)
        if not hits or hits[0][1] < self.rule.fuzzy_min:
            return None
        hits = [h for h in hits if self.phrasebook.get(ids[h[2]]).said_by(speaker)]
        if not hits or hits[0][1] < self.rule.fuzzy_min:
            return None
        best_id = ids[hits[0][2]]
        runner_up = next((h[1] for h in hits if ids[h[2]] != best_id), 0.0)
        if hits[0][1] - runner_up < 5.0:  # two phrases equally close: not sure enough
            return None
        phrase = self.phrasebook.get(best_id)
        values = self._read_slots(text, lang, phrase)
        if values is None:
            return None
        score = hits[0][1] / 100.0
        margin = (hits[0][1] - runner_up) / 100.0
        return Match(phrase, MatchMethod.FUZZY, score, margin, score, MappingProxyType(values))

    def match_text_only(self, text: str, lang: str, side: Side | None = None) -> Match | None:
        """The exact and fuzzy tiers alone (used by calibration, which varies the semantic rule)."""
        text = clean_input(text)
        if not text or len(text) > MAX_MATCH_CHARS or not normalise(text):
            return None
        speaker = side or speaker_side(lang)
        return self._match_exact(text, lang) or self._match_fuzzy(text, lang, speaker)

    def rankings(
        self, text: str, lang: str, top_ks: Sequence[int], side: Side = Side.BOTH
    ) -> dict[int, SemanticRanking]:
        """Rankings under several `top_k` aggregations (embedding the text once)."""
        if self._semantic is None or self._embedder is None:
            return {}
        text = clean_input(text)[:MAX_MATCH_CHARS]
        if not normalise(text):
            return {}
        query = self._embedder.embed_query(text)
        extra = self.rule.lexical_weight * self._lexical_scores(text, lang)
        extra += self.rule.reviewed_bonus * self._reviewed
        out: dict[int, SemanticRanking] = {}
        for k in top_ks:
            scores = self._semantic.phrase_scores(query, k, side) + extra
            order = np.argsort(-scores)[:2]
            ids = self._semantic.phrase_ids
            out[k] = SemanticRanking(
                ids[order[0]], float(scores[order[0]]), ids[order[1]], float(scores[order[1]])
            )
        return out

    def decide(
        self, ranking: SemanticRanking, text: str, lang: str, rule: MatchRule
    ) -> Match | None:
        """Apply a rule to a semantic ranking: a match only above both thresholds and with slots."""
        if ranking.score < rule.min_score or ranking.margin < rule.min_margin:
            return None
        phrase = self.phrasebook.get(ranking.best)
        values = self._read_slots(text, lang, phrase)
        if values is None:
            return None
        confidence = min(0.99, 0.6 + 0.4 * min(1.0, (ranking.margin - rule.min_margin) / 0.05))
        return Match(
            phrase,
            MatchMethod.SEMANTIC,
            ranking.score,
            ranking.margin,
            confidence,
            MappingProxyType(values),
        )

    def _match_semantic(self, text: str, lang: str, speaker: Side) -> Match | None:
        ranking = self.rank(text, lang, speaker)
        if ranking is None:
            return None
        return self.decide(ranking, text, lang, self.rule)

    # --- helpers ----------------------------------------------------------------------------

    def _read_slots(
        self, text: str, lang: str, phrase: Phrase
    ) -> dict[str, slots.SlotValue] | None:
        needed = phrase.slots
        if not needed:
            return {}
        values = slots.extract(
            text, needed, find_document=lambda t: self.glossary.first_document(t, lang)
        )
        return values if set(values) >= needed else None

    def _lexical_scores(self, text: str, lang: str) -> Vectors:
        """Per phrase: best token-set similarity (0..1) of `text` to a wording in `lang`."""
        table = self._lexical.get(lang)
        if table is None:
            return np.zeros(len(self._reviewed), dtype=np.float32)
        choices, owners = table
        scores = process.cdist([normalise_spaced(text)], choices, scorer=fuzz.token_set_ratio)[0]
        best = np.zeros(len(self._reviewed), dtype=np.float32)
        np.maximum.at(best, owners, np.asarray(scores, dtype=np.float32) / 100.0)
        return best

    def _build_lexical_tables(
        self, phrase_ids: Sequence[str]
    ) -> dict[str, tuple[list[str], NDArray[np.intp]]]:
        position = {pid: i for i, pid in enumerate(phrase_ids)}
        tables: dict[str, tuple[list[str], NDArray[np.intp]]] = {}
        for code in languages.codes():
            choices: list[str] = []
            owners: list[int] = []
            for pid in phrase_ids:
                for wording in self.phrasebook.get(pid).wordings(code):
                    choices.append(normalise_spaced(_blank_slots(wording)))
                    owners.append(position[pid])
            tables[code] = (choices, np.array(owners, dtype=np.intp))
        return tables

    def _build_text_tables(self) -> None:
        fuzzy: dict[str, tuple[list[str], list[str]]] = {}
        for phrase in self.phrasebook:
            for code in languages.codes():
                for wording in phrase.wordings(code):
                    if phrase.slots:
                        self._templates.append((code, _template_pattern(wording), phrase))
                    else:
                        self._exact.setdefault((code, normalise(wording)), phrase.id)
                        self._exact_any.setdefault(normalise(wording), phrase.id)
                    keys, ids = fuzzy.setdefault(code, ([], []))
                    keys.append(_fuzzy_key(_blank_slots(wording)))
                    ids.append(phrase.id)
        self._fuzzy = fuzzy


class _SemanticTable:
    """Index vectors plus the bookkeeping to turn row scores into per-phrase scores quickly."""

    def __init__(self, index: PhraseIndex, phrasebook: Phrasebook) -> None:
        rows = index.rows
        codes = {code: i for i, code in enumerate(languages.codes())}
        self.phrase_ids: list[str] = sorted({row.phrase_id for row in rows})
        position = {pid: i for i, pid in enumerate(self.phrase_ids)}
        groups = np.array([position[r.phrase_id] * len(codes) + codes[r.lang] for r in rows])
        order = np.argsort(groups, kind="stable")
        self._vectors = np.ascontiguousarray(index.vectors[order])
        sorted_groups = groups[order]
        self._starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
        self._group_ids = sorted_groups[self._starts]
        self._shape = (len(self.phrase_ids), len(codes))
        self._allowed = {
            side: np.array([phrasebook.get(pid).said_by(side) for pid in self.phrase_ids])
            for side in Side
        }

    def phrase_scores(self, query: Vectors, top_k: int, side: Side = Side.BOTH) -> Vectors:
        row_scores = self._vectors @ query
        per_group = np.maximum.reduceat(row_scores, self._starts)
        table = np.full(self._shape[0] * self._shape[1], -1.0, dtype=np.float32)
        table[self._group_ids] = per_group
        table = table.reshape(self._shape)
        k = max(1, min(top_k, self._shape[1]))
        best = np.partition(table, -k, axis=1)[:, -k:]
        scores = np.asarray(best.mean(axis=1), dtype=np.float32)
        scores[~self._allowed[side]] = -1.0  # phrases this speaker does not say
        return scores


def speaker_side(lang: str) -> Side:
    """Whose phrases an utterance is matched against when the caller does not say. Every side's:
    visitors ask with staff phrases too ("Can I pay by card?" is fee.card_ok), so restricting by
    the speaker's language lost more right answers than wrong ones on the dev set."""
    del lang
    return Side.BOTH


def _template_pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for found in slots.FIELD.finditer(template):
        literal = normalise_spaced(template[last : found.start()])
        parts.append(re.escape(literal).replace(r"\ ", r"\s*"))
        parts.append(r"\s*(.+?)\s*" if found.group(2) is None else r"\s*\S*\s*")
        last = found.end()
    parts.append(re.escape(normalise_spaced(template[last:])).replace(r"\ ", r"\s*"))
    return re.compile("".join(parts))


def _blank_slots(template: str) -> str:
    return slots.FIELD.sub(lambda m: "0" if m.group(1) != "document" else "", template)


def _fuzzy_key(text: str) -> str:
    """Normalised text with digits masked and Hangul split into jamo: a mistyped or misheard
    syllable then costs one or two letters of similarity, not a whole syllable."""
    return unicodedata.normalize("NFD", re.sub(r"\d+", "0", normalise(text)))

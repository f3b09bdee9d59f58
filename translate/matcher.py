"""Find the phrasebook entry a person meant: exact, then fuzzy (same language), then semantic.

- **exact**: the normalised utterance equals a wording (slot templates match any value in place);
- **fuzzy**: rapidfuzz similarity to a wording in the utterance's language, for typos and ASR slips;
- **semantic**: multilingual-e5 vectors, compared with every wording in every language. A phrase's
  score is the mean of its `top_k` best languages plus `lexical_weight` x its token-set
  similarity to its own wording in the utterance's language.

**Key concepts** decide what a phrase may be: a phrase lists the concepts that make it that phrase
("car", "register"), lexicalised in every language (`translate.concepts`), and a candidate whose
concepts the utterance does not all express is passed over. Embeddings blur near misses ("register
my bicycle" sits next to "register a car"); the concepts do not. The best remaining candidate is
verified when its score and its margin over the next remaining candidate clear the calibrated
`MatchRule`: one pair of thresholds for phrases with concepts (the concepts already vouch for the
topic) and a stricter pair for phrases without (greetings, "How much is it?"). A candidate that
falls short but scores at least `confirm_min_score` is *plausible*: the kiosk asks "Did you mean
…?" instead of showing it as checked.

Slot values ({amount}, {date}, ...) are read from the utterance; a slot phrase whose values
cannot be read is not accepted (a verified "The fee is … won" without the amount is a guess).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from translate import clauses, languages, slots
from translate.concepts import ConceptLexicon, flat, members
from translate.embedding import Embedder, PhraseIndex, Vectors
from translate.glossary import Glossary
from translate.mood import Mood, agrees, asked_for, utterance_mood, utterance_moods
from translate.normalise import MAX_MATCH_CHARS, clean_input, normalise, normalise_spaced
from translate.phrasebook import Phrase, Phrasebook, SaidBy
from translate.units import Unit, units


class MatchMethod(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    SEMANTIC = "semantic"


@dataclass(frozen=True, slots=True)
class MatchRule:
    """When a semantic best guess counts as a match. Calibrated by `translate.calibration`.

    A phrase's score is the mean of its `top_k` best languages' cosine similarities, plus
    `lexical_weight` x its best rapidfuzz token-set similarity (0..1) to a wording in the
    utterance's own language. `min_score`/`min_margin` apply to phrases without key concepts,
    `concept_min_score`/`concept_min_margin` to phrases whose concepts the utterance expresses.
    Below them, a best candidate scoring at least `confirm_bar` is asked about:
    `confirm_min_score`, or for a phrase with key concepts, all expressed,
    `concept_confirm_min_score` (`staff_concept_confirm_min_score` for staff's words).
    """

    min_score: float
    min_margin: float
    top_k: int = 1
    fuzzy_min: float = 92.0
    lexical_weight: float = 0.1
    concept_min_score: float = 1.0
    concept_min_margin: float = 1.0
    confirm_min_score: float = 0.9
    #: the ask bar for a candidate whose key concepts the utterance all expresses (its own words
    #: say it is about that phrase's subject, so a lower similarity is still worth asking about)
    concept_confirm_min_score: float = 0.88
    #: the same for staff, whose Korean meets the book's own Korean wordings: same-language
    #: similarities run higher, so the bar is higher
    staff_concept_confirm_min_score: float = 0.92
    #: how much lower either concept bar is for a phrase whose words also carry everything the
    #: utterance says (no concept of it foreign to the phrase)
    clean_confirm_relief: float = 0.01

    def confirm_bar(self, concept_backed: bool, speaker: SaidBy = SaidBy.BOTH) -> float:
        """The least score of a phrase worth asking about."""
        if not concept_backed:
            return self.confirm_min_score
        if speaker is SaidBy.STAFF:
            return self.staff_concept_confirm_min_score
        return self.concept_confirm_min_score

    def thresholds(self, concept_backed: bool) -> tuple[float, float]:
        if concept_backed:
            return self.concept_min_score, self.concept_min_margin
        return self.min_score, self.min_margin


#: Fitted on all 111 rows of ../shared/eval/phrase_match_dev.tsv (`changgu eval phrases
#: --calibrate`); its held-out estimate is the 6-fold cross-validation printed by
#: bench/translate.py, where every threshold, top_k and lexical weight is refitted inside each fold.
DEFAULT_RULE = MatchRule(
    min_score=0.96,
    min_margin=0.035,
    top_k=3,
    lexical_weight=0.1,
    concept_min_score=0.93,
    concept_min_margin=0.003,
    # the ask bars are set on the counter-talk dev rows (tests/translate/data/counter_talk.tsv,
    # splits dev, dev2 and dev3: in-sample), where words the book has no phrase for are common
    confirm_min_score=0.95,
    concept_confirm_min_score=0.88,
    staff_concept_confirm_min_score=0.92,
    clean_confirm_relief=0.01,
)

#: How far down the semantic ranking to look for a candidate whose concepts are present.
RERANK_DEPTH = 12
#: Most candidates offered for "Did you mean …?" (the best and 3 alternatives).
MAX_CANDIDATES = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    phrase_id: str
    score: float
    #: slot values read from the utterance (empty for phrases without slots)
    slots: Mapping[str, slots.SlotValue] = field(default_factory=lambda: MappingProxyType({}))
    #: the utterance expresses every key concept of the phrase
    concepts_ok: bool = True
    #: its mood agrees with the whole utterance, not only with one part of it (such a phrase is
    #: asked about after those that agree with the whole)
    whole: bool = True


@dataclass(frozen=True, slots=True)
class Match:
    phrase: Phrase
    method: MatchMethod
    score: float
    margin: float
    confidence: float
    slots: Mapping[str, slots.SlotValue] = field(default_factory=lambda: MappingProxyType({}))
    #: False for a fuzzy match whose key concepts the utterance lacks: nearly the same words, but
    #: the word that matters differs (a typo, or "register a dog" beside "register a marriage")
    concepts_ok: bool = True


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the matcher makes of an utterance: a verified match, or else candidates to ask about.

    `candidates` (best first, at most MAX_CANDIDATES) lists the phrases whose concepts the
    utterance expresses and whose slots it fills, then others, all scoring at least the rule's
    `confirm_min_score`. `plausible` says the best of them may be what was meant (the confirm step).
    """

    match: Match | None
    candidates: tuple[Candidate, ...] = ()
    plausible: bool = False


@dataclass(frozen=True, slots=True)
class SemanticRanking:
    """Best phrase among those whose key concepts the utterance expresses, and its runner-up (what
    the rule decides on; used in calibration). `best` is "" when no candidate qualifies. For a
    best phrase with concepts the runner-up is the next qualified phrase; for one without, the
    next phrase of all, so a concept-less phrase never wins because better ones were passed over."""

    best: str
    score: float
    second: str
    second_score: float
    concept_backed: bool = False  # the best phrase has key concepts (all present)
    others: tuple[Candidate, ...] = ()  # the ranking's top, concepts checked, for candidates
    #: the best phrase's own wording expresses every concept the utterance expresses, and the
    #: utterance says one thing (`translate.clauses`); when it does not ("change the address on
    #: my driver's license" beside "… on my residence card"; "the system is down, could you
    #: wait?"), the best can be asked about, never verified
    verifiable: bool = True

    @property
    def margin(self) -> float:
        return self.score - self.second_score


@dataclass(frozen=True, slots=True)
class Said:
    """What kind of sentence an utterance is, read once per utterance: its mood and the units of
    time it names. A phrase of another mood, or without one of those units, is passed over."""

    moods: frozenset[Mood]
    units: frozenset[Unit]
    #: the days the utterance names, counted from today ("다음 주 월요일", "5월 7일"; "오늘은 안
    #: 되고 내일 오세요" names both 0 and 1); empty when it names none
    days: frozenset[int] = frozenset()

    @classmethod
    def read(cls, text: str, lang: str) -> Said:
        today = dt.date.today()
        date = slots.said_date(text, today=today)
        days = slots.days_named(text)
        if date is not None:
            days |= {(date - today).days}
        return cls(utterance_moods(text, lang), units(text, lang), days)

    def agrees(self, mood: Mood) -> bool:
        """Whether a phrase of `mood` may be what was said (one of its moods agrees)."""
        return any(agrees(said, mood) for said in self.moods)

    def with_parts(self, parts: Sequence[str], lang: str) -> Said | None:
        """The same, with the moods of each part of an utterance that says several things
        ("대형폐기물 스티커는 크기마다 가격이 달라요. 뭐 버리시려고요?" tells, then asks): what a
        phrase that carries one part may be asked about with; None when the parts add no mood."""
        if len(parts) < 2:
            return None
        moods = self.moods.union(utterance_mood(part, lang) for part in parts)
        return replace(self, moods=moods) if moods != self.moods else None


class PhraseMatcher:
    def __init__(
        self,
        phrasebook: Phrasebook,
        glossary: Glossary,
        index: PhraseIndex | None = None,
        embedder: Embedder | None = None,
        rule: MatchRule = DEFAULT_RULE,
        concepts: ConceptLexicon | None = None,
    ) -> None:
        self.phrasebook = phrasebook
        self.glossary = glossary
        self.rule = rule
        self.concepts = concepts if concepts is not None else ConceptLexicon.load()
        for phrase in phrasebook:
            for key in flat(phrase.concepts):
                self.concepts.get(key)  # an unknown concept is a data error, named at load
        self._exact: dict[tuple[str, str], str] = {}
        self._exact_any: dict[str, str] = {}
        self._templates: list[tuple[str, re.Pattern[str], Phrase]] = []
        self._fuzzy: dict[str, tuple[list[str], list[str]]] = {}
        self._build_text_tables()
        self.index = index
        self._embedder = embedder if index is not None else None
        self._semantic = _SemanticTable(index, phrasebook) if index is not None else None
        ids = self._semantic.phrase_ids if self._semantic is not None else []
        self._phrase_count = len(ids)
        #: (row in the semantic table, its key concepts as groups of alternatives)
        self._concept_rows = [
            (row, tuple(members(key) for key in sorted(phrase.concepts)))
            for row, phrase in enumerate(phrasebook.get(pid) for pid in ids)
            if phrase.concepts
        ]
        self._explained: dict[tuple[str, str], frozenset[str]] = {}
        self._worded: dict[tuple[str, str], frozenset[str]] = {}
        self._units: dict[tuple[str, str], frozenset[Unit]] = {}
        self._asked_for: dict[str, frozenset[str]] = {}
        self._numbers: dict[tuple[str, str], frozenset[int]] = {}
        self._days: dict[str, frozenset[int]] = {}
        self._lexical = self._build_lexical_tables(ids)

    @property
    def embedder(self) -> Embedder | None:
        return self._embedder

    @property
    def semantic(self) -> bool:
        """Whether cross-lingual matching is available (else only exact and fuzzy)."""
        return self._semantic is not None

    def match(self, text: str, lang: str, side: SaidBy | None = None) -> Match | None:
        """The phrase meant by `text` (in `lang`), verified, or None. `side` restricts the
        candidates to the phrases that side says (e.g. SaidBy.VISITOR); by default every phrase is
        a candidate."""
        return self.assess(text, lang, side).match

    def assess(self, text: str, lang: str, side: SaidBy | None = None) -> Assessment:
        """A verified match, or the plausible candidates to ask about (see `Assessment`)."""
        text = clean_input(text)
        if not text or len(text) > MAX_MATCH_CHARS or not normalise(text):
            return Assessment(None)
        speaker = side or speaker_side(lang)
        found = self._match_exact(text, lang, speaker) or self._match_fuzzy(text, lang, speaker)
        if found is not None and found.concepts_ok:
            return Assessment(found)
        ranking = self.rank(text, lang, speaker)
        if found is not None:  # near-identical wording, a key word differs: ask, never verify
            near = Candidate(found.phrase.id, found.score, found.slots, concepts_ok=False)
            others = self._candidates(ranking, text, lang, speaker) if ranking is not None else ()
            rest = tuple(c for c in others if c.phrase_id != near.phrase_id)
            return Assessment(None, (near, *rest)[:MAX_CANDIDATES], plausible=True)
        if ranking is None:
            return Assessment(None)
        verified = self.decide(ranking, text, lang, self.rule)
        if verified is not None:
            return Assessment(verified)
        candidates = self._candidates(ranking, text, lang, speaker)
        plausible = bool(candidates) and candidates[0].concepts_ok
        return Assessment(None, candidates, plausible)

    def rank(self, text: str, lang: str, side: SaidBy | None = None) -> SemanticRanking | None:
        """Semantic best and runner-up, without applying the rule (None without an index)."""
        key = (self.rule.top_k, self.rule.lexical_weight)
        return self.rankings(text, lang, (key,), side or speaker_side(lang)).get(key)

    def search(self, text: str, lang: str, limit: int = 5) -> list[Candidate]:
        """Closest phrases, best first (for staff search): semantic if available, else fuzzy."""
        text = clean_input(text)[:MAX_MATCH_CHARS]
        if not normalise(text):
            return []
        if self._semantic is not None and self._embedder is not None:
            vector = self._embedder.embed_query(text)
            scores = self._semantic.phrase_scores(vector, self.rule.top_k, SaidBy.BOTH)
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

    def nearest(self, text: str, lang: str, side: SaidBy, limit: int = 4) -> list[Candidate]:
        """The phrases `side` says that are closest to `text`, best first, whatever their score
        (for staff to pick from when their words matched nothing). Slot values are read from
        `text` where it gives them; a slot it does not give is left out of `Candidate.slots`."""
        text = clean_input(text)[:MAX_MATCH_CHARS]
        if not normalise(text):
            return []
        found: list[tuple[str, float]]
        if self._semantic is not None and self._embedder is not None:
            vector = self._embedder.embed_query(text)
            scores = self._semantic.phrase_scores(vector, self.rule.top_k, side)
            scores = scores + self.rule.lexical_weight * self._lexical_scores(text, lang)
            order = [i for i in np.argsort(-scores)[: limit * 3] if scores[i] > -1.0]
            found = [(self._semantic.phrase_ids[i], float(scores[i])) for i in order]
        else:
            found = [
                (c.phrase_id, c.score)
                for c in self.search(text, lang, limit * 3)
                if self.phrasebook.get(c.phrase_id).said_by(side)
            ]
        out: list[Candidate] = []
        said = Said.read(text, lang)
        for phrase_id, score in found[:limit]:
            phrase = self.phrasebook.get(phrase_id)
            values = slots.extract(
                text, phrase.slots, find_document=lambda t: self.glossary.first_document(t, lang)
            )
            if said.units and not said.units <= self.phrase_units(phrase, lang):
                # "3일에서 5일" gives "about {weeks} weeks" no 3: staff are asked for it
                values = {k: v for k, v in values.items() if k not in _DURATION_SLOTS}
            out.append(Candidate(phrase_id, score, MappingProxyType(values)))
        return out

    # --- tiers ------------------------------------------------------------------------------

    def _match_exact(self, text: str, lang: str, speaker: SaidBy = SaidBy.BOTH) -> Match | None:
        """A phrase's own wording, said by its side in its mood ("Можно оплатить картой?" asked
        by a visitor is not staff's "Можно оплатить картой.": punctuation is normalised away)."""
        found = self._exact_wording(text, lang)
        if found is None or not found.phrase.said_by(speaker):
            return None
        return found if Said.read(text, lang).agrees(found.phrase.mood) else None

    def _exact_wording(self, text: str, lang: str) -> Match | None:
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

    def _match_fuzzy(self, text: str, lang: str, speaker: SaidBy) -> Match | None:
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
        concepts_ok = (
            self._qualifies(
                phrase, text, lang, self.concepts.actions(text, lang), Said.read(text, lang)
            )
            and not self.foreign_concepts(phrase, text, lang)
            and self.numbers_agree(phrase, text, lang, values)
        )
        return Match(
            phrase, MatchMethod.FUZZY, score, margin, score, MappingProxyType(values), concepts_ok
        )

    def match_text_only(self, text: str, lang: str, side: SaidBy | None = None) -> Match | None:
        """The exact and fuzzy tiers alone (used by calibration, which varies the semantic rule).
        A fuzzy match with `concepts_ok` False is a question to ask, not a match."""
        text = clean_input(text)
        if not text or len(text) > MAX_MATCH_CHARS or not normalise(text):
            return None
        speaker = side or speaker_side(lang)
        return self._match_exact(text, lang, speaker) or self._match_fuzzy(text, lang, speaker)

    def rankings(
        self,
        text: str,
        lang: str,
        variants: Sequence[tuple[int, float]],
        side: SaidBy = SaidBy.BOTH,
    ) -> dict[tuple[int, float], SemanticRanking]:
        """Rankings under several (top_k, lexical_weight) scorings, embedding the text once.

        The best is the highest-scoring phrase whose key concepts the utterance expresses; the
        runner-up is the next such phrase (phrases without concepts always qualify).
        """
        if self._semantic is None or self._embedder is None:
            return {}
        text = clean_input(text)[:MAX_MATCH_CHARS]
        if not normalise(text):
            return {}
        # a date said in words is embedded as the book's {date} phrases are: as a date
        figures = slots.dates_in_figures(text, lang)
        query = self._embedder.embed_query(figures)
        lexical = self._lexical_scores(figures, lang)
        ids = self._semantic.phrase_ids
        actions = self.concepts.actions(text, lang)
        said = Said.read(text, lang)
        # several things said in one breath: a phrase may carry one of them, so it is asked about
        said_parts = clauses.parts(text, lang)
        # a phrase of one part's mood may be asked about, never verified: "I moved, where do
        # I change my address?" is not "I moved, so my address has changed."
        said_by_parts = said.with_parts(said_parts, lang)
        present: dict[str, bool] = {}  # phrase id -> it qualifies (cached)
        askable: dict[str, bool] = {}  # phrase id -> it qualifies with a part's mood
        clean: dict[str, bool] = {}  # phrase id -> no concept of the utterance is foreign to it
        out: dict[tuple[int, float], SemanticRanking] = {}
        recalled = self._recalled(text, lang)
        for k, weight in variants:
            scores = self._semantic.phrase_scores(query, k, side) + weight * lexical
            order = list(np.argsort(-scores)[:RERANK_DEPTH])
            # a phrase whose key concepts the utterance all expresses competes however far down
            # the embedding ranks it ("extend my residence card" is for.extend_stay)
            shown = set(order)
            order += [i for i in recalled if i not in shown and scores[i] > -1.0]
            order.sort(key=lambda i: -scores[i])
            top: list[Candidate] = []
            for i in order:
                pid = ids[i]
                if pid not in present:
                    phrase = self.phrasebook.get(pid)
                    present[pid] = self._qualifies(phrase, text, lang, actions, said)
                    askable[pid] = present[pid] or (
                        said_by_parts is not None
                        and self._qualifies(phrase, text, lang, actions, said_by_parts)
                    )
                top.append(
                    Candidate(pid, float(scores[i]), concepts_ok=askable[pid], whole=present[pid])
                )
            qualified = [c for c in top if present[c.phrase_id]]
            best = qualified[0] if qualified else Candidate("", -1.0)
            backed = bool(best.phrase_id) and bool(self.phrasebook.get(best.phrase_id).concepts)
            # A phrase with concepts competes with the other qualified phrases; one without has
            # no evidence of its own, so every other phrase, passed over or not, competes with it.
            rivals = [c for c in (qualified if backed else top) if c.phrase_id != best.phrase_id]
            second = rivals[0] if rivals else Candidate("", -1.0)
            if best.phrase_id and best.phrase_id not in clean:
                phrase = self.phrasebook.get(best.phrase_id)
                clean[best.phrase_id] = (
                    not self.foreign_concepts(phrase, text, lang)
                    and self.asks_alike(phrase, text, lang)
                    and (len(said_parts) < 2 or self.covers(phrase, said_parts, lang))
                )
            out[(k, weight)] = SemanticRanking(
                best.phrase_id,
                best.score,
                second.phrase_id,
                second.score,
                backed,
                tuple(top),
                clean.get(best.phrase_id, True),
            )
        return out

    def _recalled(self, text: str, lang: str) -> list[int]:
        """The rows (in the semantic table) of the phrases with key concepts that `text`
        expresses every one of."""
        if not self._concept_rows:
            return []
        expressed = self.concepts.expressed(text, lang)
        return [
            row
            for row, groups in self._concept_rows
            if all(any(member in expressed for member in group) for group in groups)
        ]

    def decide(
        self, ranking: SemanticRanking, text: str, lang: str, rule: MatchRule
    ) -> Match | None:
        """Apply a rule to a semantic ranking: a match only above both thresholds and with slots."""
        if not ranking.best or not ranking.verifiable:
            return None
        min_score, min_margin = rule.thresholds(ranking.concept_backed)
        if ranking.score < min_score or ranking.margin < min_margin:
            return None
        phrase = self.phrasebook.get(ranking.best)
        values = self._read_slots(text, lang, phrase)
        if values is None or not self.numbers_agree(phrase, text, lang, values):
            return None
        confidence = min(0.99, 0.6 + 0.4 * min(1.0, (ranking.margin - min_margin) / 0.05))
        return Match(
            phrase,
            MatchMethod.SEMANTIC,
            ranking.score,
            ranking.margin,
            confidence,
            MappingProxyType(values),
        )

    def _candidates(
        self, ranking: SemanticRanking, text: str, lang: str, speaker: SaidBy = SaidBy.BOTH
    ) -> tuple[Candidate, ...]:
        """Phrases to offer in "Did you mean …?": above the confirm bar, slots readable and
        agreeing with the numbers said; in the order of `_offer_order`."""
        found: list[Candidate] = []
        lowest = (
            min(self.rule.confirm_bar(backed, speaker) for backed in (False, True))
            - self.rule.clean_confirm_relief
        )  # a phrase below every bar is never offered: skip its slots and concepts
        for candidate in ranking.others:
            if candidate.score < lowest:
                continue
            phrase = self.phrasebook.get(candidate.phrase_id)
            values = self._read_slots(text, lang, phrase)
            if values is None or (values and not self.numbers_agree(phrase, text, lang, values)):
                continue  # "3일에서 5일" is no "{days}일" (a number a slot phrase leaves over)
            # the utterance's own words back it: its key concepts, or the values its slots take
            # ("다음 주 월요일에 다시 오세요" fills "{date}에 다시 와 주세요")
            backed = candidate.concepts_ok and (bool(phrase.concepts) or bool(values))
            bar = self.rule.confirm_bar(backed, speaker)
            # its words carry everything said: "이건 여기서는 처리가 안 되고요,
            # 출입국·외국인청으로 가셔야 돼요" is asked as "That is handled at the immigration
            # office" though it scores a little lower than phrases that leave it unsaid
            if (
                backed
                and bar - self.rule.clean_confirm_relief <= candidate.score < bar
                and self._carries(phrase, text, lang, values)
            ):
                bar -= self.rule.clean_confirm_relief
            if candidate.score < bar:
                continue
            found.append(
                Candidate(
                    candidate.phrase_id,
                    candidate.score,
                    MappingProxyType(values),
                    candidate.concepts_ok,
                    candidate.whole,
                )
            )
        found.sort(key=lambda c: self._offer_order(c, text, lang))
        return tuple(found[:MAX_CANDIDATES])

    # --- helpers ----------------------------------------------------------------------------

    def _offer_order(
        self, candidate: Candidate, text: str, lang: str
    ) -> tuple[bool, bool, bool, bool, float]:
        """Qualified phrases first; among them, those whose words carry everything the utterance
        says (no concept of it foreign to them, a question asking for what it asks for: "I'm here
        to pick up my wife's documents" is not first "I came to pick up the document I applied
        for"); then those whose key concepts the utterance names, or whose slots it fills, before
        the rest (its own words point at them), then by score."""
        phrase = self.phrasebook.get(candidate.phrase_id)
        clean = candidate.concepts_ok and self._carries(phrase, text, lang, candidate.slots)
        backed = candidate.concepts_ok and (bool(phrase.concepts) or bool(candidate.slots))
        return (
            not candidate.concepts_ok,
            not candidate.whole,
            not clean,
            not backed,
            -candidate.score,
        )

    def _carries(
        self,
        phrase: Phrase,
        text: str,
        lang: str,
        values: Mapping[str, slots.SlotValue] = MappingProxyType({}),
    ) -> bool:
        """The phrase's words carry everything the utterance says: no concept of it is foreign
        to them, a question asks for what the utterance asks for, and every number said fills a
        slot or is written in the phrase ("이 서류는 2층에서 발급받으세요" is not all said by
        "This document is free")."""
        return (
            not self.foreign_concepts(phrase, text, lang)
            and self.asks_alike(phrase, text, lang)
            and self.numbers_agree(phrase, text, lang, values)
        )

    def _qualifies(
        self, phrase: Phrase, text: str, lang: str, actions: frozenset[str], said: Said
    ) -> bool:
        """The utterance expresses every key concept of the phrase, and no action that the
        phrase's own wordings (in `lang`, Korean or English) do not express; its mood agrees with
        the phrase's and, when the phrase names units of time, every unit the utterance names is
        one of them (a unit of time said is a duration said: "30 นาที" expresses the "duration"
        concept); a phrase that names a day names one the utterance names."""
        if not said.agrees(phrase.mood):
            return False
        named = self.phrase_units(phrase, lang)
        if said.units and named and not said.units <= named:
            return False
        if said.days:  # "come back next Monday" is not "come back tomorrow"
            days = self.phrase_days(phrase)
            if days and not days & said.days:
                return False
        missing = self.concepts.missing(text, lang, phrase.concepts)
        if said.units:  # "30 นาที" says a duration as "how long" does
            missing = tuple(key for key in missing if "duration" not in members(key))
        if missing:
            return False
        if not actions:
            return True
        actions = self.concepts.actions(text, lang, besides=phrase.concepts)
        key = (phrase.id, lang)
        explained = self._explained.get(key)
        if explained is None:
            explained = flat(phrase.concepts).union(
                *(
                    self.concepts.actions(wording, code)
                    for code in dict.fromkeys((lang, "ko", "en"))
                    for wording in phrase.wordings(code)
                )
            )
            self._explained[key] = explained
        return actions <= explained

    def foreign_concepts(self, phrase: Phrase, text: str, lang: str) -> frozenset[str]:
        """The concepts `text` expresses that neither the phrase's key concepts nor its own
        wording (in `lang`, Korean or English) express: what the utterance says beyond the
        phrase. Not empty: the phrase is at best a near miss, to be asked about."""
        said = self.concepts.expressed(text, lang, besides=phrase.concepts)
        if not said:
            return said
        worded = self._worded_concepts(phrase, lang)
        if "document" in phrase.slots:  # "{document} costs {amount} won" carries the document
            worded = worded | self._document_concepts(text, lang)
        return frozenset(key for key in said - worded if not self.concepts.get(key).modifier)

    def _document_concepts(self, text: str, lang: str) -> frozenset[str]:
        """The concepts of the name of the document `text` names (its Korean and English
        rendering), which a `{document}` slot takes: none when it names no document."""
        key = self.glossary.first_document(text, lang)
        if key is None:
            return frozenset()
        term = self.glossary.get(key)
        return frozenset().union(
            *(self.concepts.expressed(term.render(code), code) for code in ("ko", "en"))
        )

    def covers(self, phrase: Phrase, parts: Sequence[str], lang: str) -> bool:
        """Whether the phrase carries every part of an utterance that says several things: each
        part names at least one concept, and only concepts the phrase's own words name ("I moved
        last week, and I want to report my new address" is one request; "the system is down,
        could you wait a moment?" has a part the phrase about the system does not carry)."""
        worded = self._worded_concepts(phrase, lang)
        for part in parts:
            said = {
                key
                for key in self.concepts.expressed(part, lang)
                if not self.concepts.get(key).modifier
            }
            if not said or not said <= worded:
                return False
        return True

    def _worded_concepts(self, phrase: Phrase, lang: str) -> frozenset[str]:
        """The concepts the phrase's key concepts and its own wordings (in `lang`, Korean or
        English) name."""
        key = (phrase.id, lang)
        worded = self._worded.get(key)
        if worded is None:
            worded = flat(phrase.concepts).union(
                *(
                    self.concepts.expressed(wording, code)
                    for code in dict.fromkeys((lang, "ko", "en"))
                    for wording in phrase.wordings(code)
                )
            )
            self._worded[key] = worded
        return worded

    def asks_alike(self, phrase: Phrase, text: str, lang: str) -> bool:
        """A question phrase asks for what the utterance asks for (`translate.mood.asked_for`):
        "Where do I pay?" is not "What do I have to pay for this?", nor "Can I pay here?" "Where
        can I pay?". Other phrases ask for nothing of the kind."""
        if phrase.mood is not Mood.QUESTION:
            return True
        wanted = self._asked_for.get(phrase.id)
        if wanted is None:
            wanted = frozenset().union(
                *(
                    asked_for(wording, code)
                    for code in ("en", "ko")
                    for wording in phrase.wordings(code)
                )
            )
            self._asked_for[phrase.id] = wanted
        said = asked_for(text, lang)
        return bool(said & wanted) if wanted else not said

    def phrase_days(self, phrase: Phrase) -> frozenset[int]:
        """The days its Korean and English wordings name with a day word (today, tomorrow, …)."""
        days = self._days.get(phrase.id)
        if days is None:
            days = frozenset().union(
                *(
                    slots.days_named(slots.FIELD.sub(" ", wording))
                    for code in ("ko", "en")
                    for wording in phrase.wordings(code)
                )
            )
            self._days[phrase.id] = days
        return days

    def phrase_units(self, phrase: Phrase, lang: str) -> frozenset[Unit]:
        """The units of time a phrase's wordings (in `lang`, Korean or English) name, its duration
        slots included ("{weeks}주" names weeks)."""
        key = (phrase.id, lang)
        found = self._units.get(key)
        if found is None:
            found = frozenset().union(
                *(
                    units(_blank_slots(wording), code)
                    for code in dict.fromkeys((lang, "ko", "en"))
                    for wording in phrase.wordings(code)
                )
            )
            self._units[key] = found
        return found

    def numbers_agree(
        self, phrase: Phrase, text: str, lang: str, values: Mapping[str, slots.SlotValue]
    ) -> bool:
        """Every number written in the utterance fills one of the phrase's slots or is written in
        the phrase itself: "window 5" is not "window {counter}" read as 3, and "14 days" is no
        phrase that says "3 days"."""
        if any(isinstance(value, dt.date) for value in values.values()):
            text = slots.without_dates(text)  # "3일 후에 오세요": the 3 is the date's
        said = slots.numbers_in(text)
        if not said:
            return True
        filled: set[int] = set()
        for value in values.values():
            if isinstance(value, int):
                filled.update((value, abs(value)))
            elif isinstance(value, dt.date):
                filled.update((value.month, value.day, value.year))
        key = (phrase.id, lang)
        written = self._numbers.get(key)
        if written is None:
            written = frozenset(
                n
                for code in dict.fromkeys((lang, "ko", "en"))
                for wording in phrase.wordings(code)
                for n in slots.numbers_in(slots.FIELD.sub(" ", wording))
            )
            self._numbers[key] = written
        return said <= filled | written

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
            return np.zeros(self._phrase_count, dtype=np.float32)
        choices, owners = table
        scores = process.cdist([normalise_spaced(text)], choices, scorer=fuzz.token_set_ratio)[0]
        best = np.zeros(self._phrase_count, dtype=np.float32)
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
            for side in SaidBy
        }

    def phrase_scores(self, query: Vectors, top_k: int, side: SaidBy = SaidBy.BOTH) -> Vectors:
        row_scores = self._vectors @ query
        per_group = np.maximum.reduceat(row_scores, self._starts)
        table = np.full(self._shape[0] * self._shape[1], -1.0, dtype=np.float32)
        table[self._group_ids] = per_group
        table = table.reshape(self._shape)
        k = max(1, min(top_k, self._shape[1]))
        best = np.partition(table, -k, axis=1)[:, -k:]
        # a phrase with fewer than k languages (an office's own) is the mean of those it has
        present = best > -1.0
        counts = np.maximum(present.sum(axis=1), 1)
        scores = np.asarray(np.where(present, best, 0.0).sum(axis=1) / counts, dtype=np.float32)
        scores[~present.any(axis=1)] = -1.0
        scores[~self._allowed[side]] = -1.0  # phrases this speaker does not say
        return scores


#: slots that hold a count of a unit of time
_DURATION_SLOTS: Final = frozenset({"minutes", "hours", "days", "weeks", "months"})


def speaker_side(lang: str) -> SaidBy:
    """Whose phrases an utterance is matched against when the caller does not say who spoke:
    anything but Korean is a visitor's; Korean may be either side's (staff, or a Korean
    visitor). The kiosk always says (`Translator.translate(..., side=)`)."""
    return SaidBy.BOTH if lang == languages.STAFF_LANGUAGE else SaidBy.VISITOR


def _template_pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for found in slots.FIELD.finditer(template):
        literal = normalise_spaced(template[last : found.start()])
        parts.append(re.escape(literal).replace(r"\ ", r"\s*"))
        if found.group(2) is None:
            parts.append(r"\s*(.+?)\s*")
        else:  # a plural field: only its own forms ("hour|hours" is never "months")
            forms = (re.escape(normalise_spaced(f)) for f in found.group(2).split("|"))
            parts.append(rf"\s*(?:{'|'.join(forms)})\s*")
        last = found.end()
    parts.append(re.escape(normalise_spaced(template[last:])).replace(r"\ ", r"\s*"))
    return re.compile("".join(parts))


def _blank_slots(template: str) -> str:
    return slots.FIELD.sub(lambda m: "0" if m.group(1) != "document" else "", template)


def _fuzzy_key(text: str) -> str:
    """Normalised text with digits masked and Hangul split into jamo: a mistyped or misheard
    syllable then costs one or two letters of similarity, not a whole syllable."""
    return unicodedata.normalize("NFD", re.sub(r"\d+", "0", normalise(text)))

"""The one entry point the kiosk uses: `Translator.translate(text, source_lang, target_lang)`.

Memory first (the phrasebook: exact, fuzzy, cross-lingual semantic), then neural MT when a pack is
installed for the direction, else `TranslationKind.NONE` — never a guess dressed up as verified.
A phrase that is plausible but below the verified bar comes back as `TranslationKind.CONFIRM`, with
its candidates, so the kiosk can ask "Did you mean …?" (MT text, if any, in `machine_text`).
Also what the staff screen needs around it: topics and quick-reply phrases per side, rendering a
phrase with slot values into any language, phrase search and glossary lookup.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from translate import languages, slots, words
from translate.errors import SlotError, TranslateError
from translate.glossary import Glossary, Term
from translate.machine import MachineResult, MachineTranslation
from translate.matcher import Assessment, Match, PhraseMatcher
from translate.matcher import Candidate as MatchCandidate
from translate.normalise import MAX_MATCH_CHARS, clean_input, normalise
from translate.office import TOPIC as OFFICE
from translate.office import OfficeBook
from translate.phrasebook import Phrase, Phrasebook, SaidBy, Topic
from translate.translation import Candidate, Translation, TranslationKind

log = logging.getLogger(__name__)

#: How many nearest staff phrases staff are offered when their speech matches nothing.
NEAREST = 4
#: How a slot without a value shows in an offered phrase (staff are asked for it on the tap).
OPEN_SLOT = "…"


@dataclass(frozen=True, slots=True)
class PhraseHit:
    phrase: Phrase
    score: float


class Translator:
    def __init__(
        self,
        phrasebook: Phrasebook,
        glossary: Glossary,
        matcher: PhraseMatcher,
        mt: MachineTranslation | None = None,
    ) -> None:
        self.phrasebook = phrasebook
        self.glossary = glossary
        self.matcher = matcher
        self.mt = mt
        self._bundled = (phrasebook, matcher)  # what an office's own phrases are added to

    def use_office(self, path: Path | None) -> int:
        """Add the office's own phrases in `path` (`translate.office`) to the bundled book, in place
        of any added before; returns how many. Their few wordings are embedded now. A damaged
        file adds none (a warning; the file is left for staff to mend). Call it on the thread
        that translates."""
        from translate.embedding import extend_index

        bundled, matcher = self._bundled
        own = office_phrases(path)
        if not own:
            self.phrasebook, self.matcher = bundled, matcher
            return 0
        book = bundled.with_phrases(own, OFFICE_TOPIC)
        index, embedder = matcher.index, matcher.embedder
        if index is not None and embedder is not None:
            index = extend_index(index, Phrasebook(own), self.glossary, embedder)
        self.matcher = PhraseMatcher(
            book, self.glossary, index, embedder, matcher.rule, matcher.concepts
        )
        self.phrasebook = book
        log.info("%d office phrases in use", len(own))
        return len(own)

    @classmethod
    def load(
        cls,
        cache_dir: Path,
        mt_dir: Path | None = None,
        *,
        semantic: bool = True,
        build_index: bool = True,
        office: Path | None = None,
    ) -> Translator:
        """The shipped phrasebook and glossary, the cached phrase index, and any installed MT packs.

        `semantic=False` skips the embedding model (exact and fuzzy matching only). With
        `build_index=False` a missing or stale index raises TranslateError instead of being built.
        A broken MT pack does not stop loading: it is skipped with a warning (see `mt.problems`).
        `office`: the office's own phrases (`translate.office`), added to the book; a damaged file
        does not stop loading either (warned, and left as it is for staff to mend).
        """
        from translate.embedding import E5Embedder, load_phrase_index

        phrasebook = Phrasebook.load()
        glossary = Glossary.load()
        if semantic:
            embedder = E5Embedder()
            index = load_phrase_index(
                cache_dir, phrasebook, glossary, embedder, build_if_missing=build_index
            )
            matcher = PhraseMatcher(phrasebook, glossary, index, embedder)
        else:
            matcher = PhraseMatcher(phrasebook, glossary)
        mt = None
        if mt_dir is not None and mt_dir.is_dir():
            from translate.mt import MachineTranslator

            mt = MachineTranslator.from_folder(mt_dir, glossary)
        translator = cls(phrasebook, glossary, matcher, mt)
        translator.use_office(office)  # embedded at start-up, never cached: the office edits them
        return translator

    # --- translation ----------------------------------------------------------------------------

    def translate(
        self,
        text: str,
        source_lang: str,
        target_lang: str,
        side: SaidBy | str | None = None,
    ) -> Translation:
        """`text` in `target_lang`. `side` says who spoke (staff or visitor): their words are
        matched against the phrases that side says (or both sides say). Unsaid, Korean may be
        either side's and any other language is a visitor's. Staff speech that matches nothing
        comes back with the nearest staff phrases as candidates (`Translation.nearest`)."""
        languages.get(source_lang)  # unsupported codes raise UnsupportedLanguageError (a message)
        languages.get(target_lang)
        started = time.perf_counter()
        cleaned = clean_input(text)
        speaker = SaidBy(side) if side is not None else None
        result = self._translate(cleaned, source_lang, target_lang, speaker)
        if (
            speaker is SaidBy.STAFF
            and result.kind is TranslationKind.NONE
            and not result.candidates
        ):
            nearest = self._nearest(cleaned, source_lang, target_lang)
            if nearest:
                result = replace(result, candidates=nearest, nearest=True)
        log.debug(
            "translated %s->%s: %s (%s) in %.0f ms",
            source_lang,
            target_lang,
            result.kind,
            result.method or "-",
            (time.perf_counter() - started) * 1000,
        )
        return result

    def _translate(
        self, text: str, source_lang: str, target_lang: str, side: SaidBy | None
    ) -> Translation:
        if not normalise(text):
            return self._none(text, source_lang, target_lang, "nothing to translate")
        fits = len(text) <= MAX_MATCH_CHARS
        assessment = self.matcher.assess(text, source_lang, side) if fits else Assessment(None)
        match = assessment.match
        if source_lang == target_lang:
            return Translation(
                text,
                source_lang,
                target_lang,
                text,
                TranslationKind.VERIFIED,
                1.0,
                phrase_id=match.phrase.id if match else None,
                reviewed=True,
                method="same-language",
            )
        if match is not None:
            return self._from_match(text, source_lang, target_lang, match)
        candidates = self._candidates(assessment, source_lang, target_lang)
        machine: MachineResult | None = None
        note = "no phrase matches" if fits else "too long for the phrasebook"
        if self.mt is not None and self.mt.supports(source_lang, target_lang):
            try:
                machine = self.mt.translate(text, source_lang, target_lang)
            except TranslateError as exc:
                log.warning("machine translation failed: %s", exc)
                note = f"machine translation failed: {exc}"
            if machine is not None and not machine.text.strip():
                machine = None
        else:
            note += f"; no machine translation pack for {source_lang}->{target_lang}"
        machine_text = machine.text if machine is not None else ""
        first = assessment.candidates[0] if assessment.candidates else None
        if (
            assessment.plausible
            and first
            and candidates
            and candidates[0].phrase_id == first.phrase_id
        ):
            best = candidates[0]
            log.info("phrase to confirm: %s (%d candidates)", best.phrase_id, len(candidates))
            return Translation(
                text,
                source_lang,
                target_lang,
                best.text,
                TranslationKind.CONFIRM,
                _confirm_confidence(best.score, self.matcher.rule.confirm_min_score),
                phrase_id=best.phrase_id,
                reviewed=best.reviewed,
                slots=first.slots,
                method="semantic",
                notes=("near a phrase: confirm before showing it as checked",),
                candidates=candidates,
                machine_text=machine_text,
            )
        if machine is not None:
            return Translation(
                text,
                source_lang,
                target_lang,
                machine.text,
                TranslationKind.MACHINE,
                machine.confidence,
                method=machine.method,
                notes=machine.notes,
                candidates=candidates,
                machine_text=machine.text,
            )
        result = self._none(text, source_lang, target_lang, note)
        return replace(result, candidates=candidates) if candidates else result

    def _nearest(self, text: str, source_lang: str, target_lang: str) -> tuple[Candidate, ...]:
        """The staff phrases closest to `text`, for staff to send one with a tap: slots read
        from `text` are filled, the others are named in `Candidate.needs` and shown as "…"."""
        out = []
        for found in self.matcher.nearest(text, source_lang, SaidBy.STAFF, NEAREST):
            phrase = self.phrasebook.get(found.phrase_id)
            if phrase.has(source_lang) and phrase.has(target_lang):
                out.append(self._offered(found, source_lang, target_lang, open_slots=True))
        return tuple(c for c in out if c is not None)

    def _offered(
        self,
        found: MatchCandidate,
        source_lang: str,
        target_lang: str,
        open_slots: bool = False,
    ) -> Candidate | None:
        """A phrase the matcher found, rendered in both languages to be offered; with
        `open_slots`, slots it read no value for are shown as "…" and named in `needs`. None
        when a slot value cannot be shown."""
        phrase = self.phrasebook.get(found.phrase_id)
        try:
            if open_slots:
                source_text = self._render_open(phrase, source_lang, found.slots)
                target_text = self._render_open(phrase, target_lang, found.slots)
            else:
                source_text = self.render(found.phrase_id, source_lang, found.slots)
                target_text = self.render(found.phrase_id, target_lang, found.slots)
        except TranslateError:  # a slot value the phrase cannot show: not offered
            return None
        needs = tuple(sorted(phrase.slots - set(found.slots))) if open_slots else ()
        return Candidate(
            found.phrase_id,
            source_text,
            target_text,
            round(found.score, 4),
            phrase.is_reviewed(target_lang),
            needs,
        )

    def _render_open(self, phrase: Phrase, lang: str, values: Mapping[str, slots.SlotValue]) -> str:
        """The phrase in `lang` with the given slots filled and the others shown as "…"."""
        template = slots.FIELD.sub(
            lambda m: m.group(0) if m.group(1) in values else OPEN_SLOT, phrase.text[lang]
        )
        return slots.render(template, lang, dict(values), self.glossary.render)

    def _candidates(
        self, assessment: Assessment, source_lang: str, target_lang: str
    ) -> tuple[Candidate, ...]:
        """The assessment's candidates rendered in both languages (slots filled)."""
        offered = (self._offered(f, source_lang, target_lang) for f in assessment.candidates)
        return tuple(c for c in offered if c is not None)

    def _from_match(
        self, text: str, source_lang: str, target_lang: str, match: Match
    ) -> Translation:
        phrase = match.phrase
        if not phrase.has(target_lang):  # an office phrase nobody has translated into it yet
            return self._none(text, source_lang, target_lang, f"{phrase.id} has no {target_lang}")
        rendered = self.render(phrase.id, target_lang, match.slots)
        return Translation(
            text,
            source_lang,
            target_lang,
            rendered,
            TranslationKind.VERIFIED,
            match.confidence,
            phrase_id=phrase.id,
            reviewed=phrase.is_reviewed(target_lang),
            slots=match.slots,
            method=match.method.value,
        )

    @staticmethod
    def _none(text: str, source_lang: str, target_lang: str, note: str) -> Translation:
        return Translation(
            text, source_lang, target_lang, "", TranslationKind.NONE, 0.0, notes=(note,)
        )

    def forget(self) -> None:
        """Leave nothing of the visit in memory: New visit calls this.

        Three caches hold visit text here, and all are emptied: the MT tier's translations, the
        word boundaries of recent texts (`translate.words`) and the concepts recent texts express
        (`ConceptLexicon.forget`). The phrase matcher keeps per-phrase tables only, and the
        embedding model caches nothing.
        """
        words.forget()
        self.matcher.concepts.forget()
        if self.mt is not None:
            self.mt.forget()
        log.info("translation caches cleared")

    # --- quick replies ---------------------------------------------------------------------------

    def topics(self) -> tuple[Topic, ...]:
        return self.phrasebook.topics()

    def phrases(self, topic: str | None = None, side: SaidBy | str | None = None) -> list[Phrase]:
        return self.phrasebook.phrases(topic, side)

    def render(
        self, phrase_id: str, lang: str, slot_values: Mapping[str, slots.SlotValue] | None = None
    ) -> str:
        """A phrase's wording in `lang`, slots filled and formatted for that language."""
        languages.get(lang)
        phrase = self.phrasebook.get(phrase_id)
        values = dict(slot_values or {})
        if "document" in values and str(values["document"]) not in self.glossary:
            raise SlotError(f"{values['document']!r} is not a document in the glossary")
        if not phrase.has(lang):
            raise TranslateError(
                f"phrase {phrase_id} has no {lang} wording yet; add one "
                f"(changgu office translate {phrase_id} {lang} …)"
            )
        return slots.render(phrase.text[lang], lang, values, self.glossary.render)

    def say(
        self,
        phrase_id: str,
        source_lang: str,
        target_lang: str,
        slot_values: Mapping[str, slots.SlotValue] | None = None,
    ) -> Translation:
        """A quick-reply button: the phrase in both languages, as a verified Translation."""
        phrase = self.phrasebook.get(phrase_id)
        values = MappingProxyType(dict(slot_values or {}))
        return Translation(
            self.render(phrase_id, source_lang, values),
            source_lang,
            target_lang,
            self.render(phrase_id, target_lang, values),
            TranslationKind.VERIFIED,
            1.0,
            phrase_id=phrase.id,
            reviewed=phrase.is_reviewed(target_lang),
            slots=values,
            method="quick-reply",
        )

    def search(self, text: str, lang: str, limit: int = 5) -> list[PhraseHit]:
        return [
            PhraseHit(self.phrasebook.get(c.phrase_id), c.score)
            for c in self.matcher.search(text, lang, limit)
        ]

    def glossary_lookup(self, query: str) -> list[Term]:
        return self.glossary.lookup(query)

    @property
    def machine_translation(self) -> bool:
        return self.mt is not None


def _confirm_confidence(score: float, bar: float) -> float:
    """0.3 at the confirm bar, rising to 0.59 (below any verified match's 0.6) 0.05 above it."""
    return round(0.3 + 0.29 * min(1.0, max(0.0, (score - bar) / 0.05)), 3)


#: The staff's quick-reply tab of an office's own phrases.
OFFICE_TOPIC = Topic(OFFICE, MappingProxyType({"ko": "우리 기관", "en": "This office"}), order=0)


def office_phrases(path: Path | None) -> list[Phrase]:
    """The office's own phrases (`translate.office`), or none: no file yet, or a damaged one
    (a warning; the kiosk goes on with the bundled book, and the file is left for staff)."""
    if path is None:
        return []
    try:
        return OfficeBook.load(path).to_phrases()
    except TranslateError as exc:
        log.warning("the office's own phrases are not used: %s", exc)
        return []

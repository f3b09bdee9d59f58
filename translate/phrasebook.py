"""The phrasebook: reviewed counter phrases with typed slots, in every supported language.

Data: one TOML file per topic in `assets/phrasebook/` (format in its README.md). Loading checks that
every entry has every language, that its slots agree across languages, and that ids are unique.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from translate import languages, slots
from translate.errors import PhrasebookError, UnknownPhraseError
from translate.files import parse_toml, read_text
from translate.mood import Mood, phrase_mood


class SaidBy(StrEnum):
    """Who usually says a phrase (the topic file's `side`); who actually spoke is asr's `Side`."""

    STAFF = "staff"
    VISITOR = "visitor"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: Mapping[str, str]
    order: int = 0


@dataclass(frozen=True, slots=True)
class Phrase:
    id: str
    topic: str
    side: SaidBy
    text: Mapping[str, str]
    reviewed: frozenset[str]
    match: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: key concepts (assets/glossary.toml) an utterance must express to be verified as this phrase
    concepts: frozenset[str] = frozenset()
    #: "question", "request" or "statement" when the entry says; else read from its wording
    declared_mood: str | None = None

    @property
    def mood(self) -> Mood:
        """Question, request or statement (`translate.mood`), from the English wording (the
        Korean when an office phrase has no English)."""
        return phrase_mood(self.text.get("en") or self.text.get("ko", ""), self.declared_mood)

    def has(self, lang: str) -> bool:
        """Whether the phrase has a wording in `lang` (an office phrase may lack languages)."""
        return bool(self.text.get(lang))

    @property
    def slots(self) -> frozenset[str]:
        return slots.slot_names(self.text[languages.STAFF_LANGUAGE])

    def is_reviewed(self, lang: str) -> bool:
        return lang in self.reviewed

    def said_by(self, side: SaidBy | str) -> bool:
        return self.side is SaidBy.BOTH or self.side == SaidBy(side) or SaidBy(side) is SaidBy.BOTH

    def wordings(self, lang: str) -> tuple[str, ...]:
        """The shown wording and any match-only wordings in `lang` (none if it lacks `lang`)."""
        shown = (self.text[lang],) if self.text.get(lang) else ()
        return (*shown, *self.match.get(lang, ()))


class Phrasebook:
    def __init__(self, phrases: Iterable[Phrase], topics: Iterable[Topic] = ()) -> None:
        self._phrases: dict[str, Phrase] = {}
        for phrase in phrases:
            if phrase.id in self._phrases:
                raise PhrasebookError(f"phrase id {phrase.id!r} appears twice; keep one entry")
            self._phrases[phrase.id] = phrase
        self._topics = {topic.id: topic for topic in topics}

    @classmethod
    def load(cls) -> Phrasebook:
        """The phrasebook shipped in `assets/phrasebook/`."""
        folder = resources.files("assets").joinpath("phrasebook")
        return cls.from_files(
            sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
        )

    @classmethod
    def from_files(cls, files: Iterable[Traversable]) -> Phrasebook:
        """Topic files, as paths or package resources; a path naming a pipe, a device or a folder
        is refused (NotAFileError), never waited on."""
        phrases: list[Phrase] = []
        topics: list[Topic] = []
        for file in files:
            topic, entries = parse_topic_file(read_text(file), file.name)
            topics.append(topic)
            phrases.extend(entries)
        return cls(phrases, topics)

    def with_phrases(self, phrases: Iterable[Phrase], topic: Topic) -> Phrasebook:
        """This book plus more phrases (an office's own, in their own topic); an id already in
        the book is refused, so a bundled phrase is never replaced."""
        return Phrasebook([*self, *phrases], [*self.topics(), topic])

    def __len__(self) -> int:
        return len(self._phrases)

    def __iter__(self) -> Iterator[Phrase]:
        return iter(self._phrases.values())

    def __contains__(self, phrase_id: object) -> bool:
        return phrase_id in self._phrases

    def get(self, phrase_id: str) -> Phrase:
        try:
            return self._phrases[phrase_id]
        except KeyError:
            raise UnknownPhraseError(
                f"no phrase {phrase_id!r} in the phrasebook; search with `changgu phrases search`"
            ) from None

    def topics(self) -> tuple[Topic, ...]:
        return tuple(sorted(self._topics.values(), key=lambda topic: (topic.order, topic.id)))

    def phrases(self, topic: str | None = None, side: SaidBy | str | None = None) -> list[Phrase]:
        """Phrases of a topic (all if None) that the given side says (both sides if None)."""
        return [
            phrase
            for phrase in self._phrases.values()
            if (topic is None or phrase.topic == topic) and (side is None or phrase.said_by(side))
        ]

    def content_hash(self) -> str:
        """sha256 over every phrase's id, side and wordings: changes whenever the data does."""
        digest = hashlib.sha256()
        for phrase in sorted(self._phrases.values(), key=lambda p: p.id):
            digest.update(f"{phrase.id}\x00{phrase.side}\x00".encode())
            for lang in sorted(phrase.text):
                for wording in phrase.wordings(lang):
                    digest.update(f"{lang}\x00{wording}\x00".encode())
        return digest.hexdigest()


def parse_topic_file(text: str, name: str = "phrasebook file") -> tuple[Topic, list[Phrase]]:
    """Parse one topic file, with messages that name the file and the entry at fault."""
    data = parse_toml(text, name)
    codes = languages.codes()
    raw_topic = data.get("topic", {})
    topic_id = str(raw_topic.get("id", "")).strip()
    if not topic_id:
        raise PhrasebookError(f"{name} has no [topic] id; add one")
    names = MappingProxyType({str(k): str(v) for k, v in raw_topic.get("name", {}).items()})
    topic = Topic(topic_id, names, int(raw_topic.get("order", 0)))
    phrases = [_parse_phrase(raw, topic_id, name, codes) for raw in data.get("phrase", [])]
    return topic, phrases


def _parse_phrase(
    raw: Mapping[str, object], topic: str, name: str, codes: tuple[str, ...]
) -> Phrase:
    phrase_id = str(raw.get("id", "")).strip()
    where = f"{name}: phrase {phrase_id or '(without id)'}"
    if not phrase_id:
        raise PhrasebookError(f"{where} has no id; add one")
    try:
        side = SaidBy(str(raw.get("side", "")))
    except ValueError:
        raise PhrasebookError(f"{where}: side must be staff, visitor or both") from None
    text_table = raw.get("text")
    if not isinstance(text_table, dict):
        raise PhrasebookError(f"{where} has no [phrase.text] table; add its wordings")
    text = {str(k): str(v).strip() for k, v in text_table.items()}
    missing = [code for code in codes if not text.get(code)]
    if missing:
        raise PhrasebookError(f"{where} lacks {', '.join(missing)}; translate it")
    expected = slots.slot_names(text[languages.STAFF_LANGUAGE])
    unknown = expected - set(slots.SLOT_NAMES)
    if unknown:
        raise PhrasebookError(f"{where} uses unknown slots {sorted(unknown)}; see the README")
    for code in codes:
        if slots.slot_names(text[code]) != expected:
            raise PhrasebookError(
                f"{where}: the {code} wording must use the slots {sorted(expected)}"
            )
    match_table = raw.get("match", {})
    match: dict[str, tuple[str, ...]] = {}
    if isinstance(match_table, dict):
        match = {str(k): tuple(str(v) for v in vs) for k, vs in match_table.items()}
    reviewed_raw = raw.get("reviewed", [])
    reviewed = (
        frozenset(str(c) for c in reviewed_raw) if isinstance(reviewed_raw, list) else frozenset()
    )
    concepts_raw = raw.get("concepts", [])
    if not isinstance(concepts_raw, list) or not all(isinstance(c, str) for c in concepts_raw):
        raise PhrasebookError(f"{where}: concepts must be a list of concept keys")
    mood = raw.get("mood")
    if mood is not None and mood not in {m.value for m in Mood}:
        raise PhrasebookError(f"{where}: mood must be question, request or statement")
    return Phrase(
        id=phrase_id,
        topic=topic,
        side=side,
        text=MappingProxyType(text),
        reviewed=reviewed,
        match=MappingProxyType(match),
        concepts=frozenset(concepts_raw),
        declared_mood=str(mood) if mood is not None else None,
    )

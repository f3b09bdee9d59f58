"""An office's own phrases: its address, hours and local services, added by staff on top of the
bundled phrasebook, and shared between offices as phrase packs.

The office book is one TOML file in the kiosk's data folder (the caller gives its path)::

    version = 1

    [[phrase]]
    id = "office.hours"            # office.<name>: lowercase ascii letters, digits, _ (1-40)
    side = "staff"                 # staff | visitor | both
    [phrase.text.ko]
    text = "운영 시간은 오전 9시부터 오후 6시까지입니다."
    by = "김민지"                  # who typed it (required for every language but Korean)
    reviewed_by = ""               # who checked it; a language is reviewed only when this is set
    [phrase.text.vi]
    text = "..."
    by = "Nguyen Thi Lan"
    reviewed_by = "Tran Van Minh"  # never the person who typed it

A phrase pack (`<office>.changgu-phrases`) is a zip of exactly two members: `changgu-phrases.toml`
(format, version, office, created, phrases) and `phrases.toml` (the format above). Packs come from
other offices, so importing trusts nothing: the file, every member name and size, every phrase are
checked before the book changes, and the import is all or nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import secrets
import stat
import tomllib
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from translate import languages, slots
from translate.errors import NotAFileError, TranslateError
from translate.files import kind_of, open_regular
from translate.phrasebook import Phrase, SaidBy

TOPIC = "office"
ID_PREFIX = "office."
KOREAN = languages.STAFF_LANGUAGE
FILE_VERSION = 1
PACK_FORMAT = "changgu-phrases"
PACK_VERSION = 1
PACK_SUFFIX = ".changgu-phrases"
PACK_MANIFEST = "changgu-phrases.toml"
PACK_PHRASES = "phrases.toml"
#: What a pack may cost: real packs of a few hundred phrases are tens of kilobytes.
MAX_PACK_BYTES = 2 * 1024 * 1024
MAX_MEMBER_BYTES = 1024 * 1024  # each member, uncompressed, read with a bound
MAX_PHRASES = 2_000
MAX_TEXT_CHARS = 300
MAX_PERSON_CHARS = 80
MAX_OFFICE_CHARS = 64
#: The office's own file: 2,000 phrases in 13 languages of 300 characters fit well inside.
MAX_BOOK_BYTES = 64 * 1024 * 1024

_ID_RE = re.compile(r"office\.[a-z0-9_]{1,40}")
#: an office's name as people write it ("역삼1동 주민센터"); its file name has "-" for spaces
_OFFICE_RE = re.compile(r"[^\W_][\w-]*(?: [\w-]+)*")
_PHRASE_KEYS = frozenset({"id", "side", "text"})
_TEXT_KEYS = frozenset({"text", "by", "reviewed_by"})
_MANIFEST_KEYS = frozenset({"format", "version", "office", "created", "phrases"})


class OfficeError(TranslateError):
    """An office phrase, the office's phrase file or a phrase pack is unusable; says what to do."""


@dataclass(frozen=True, slots=True)
class OfficeText:
    """One language's wording of an office phrase, who typed it and who reviewed it."""

    text: str
    by: str = ""
    reviewed_by: str = ""

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_by)


@dataclass(frozen=True, slots=True)
class OfficePhrase:
    """A phrase of this office. Always valid: construction checks every rule."""

    id: str
    side: SaidBy
    texts: Mapping[str, OfficeText] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ordered = {code: self.texts[code] for code in _ordered_codes(self.texts)}
        object.__setattr__(self, "texts", MappingProxyType(ordered))
        _check_phrase(self)

    @property
    def korean(self) -> str:
        return self.texts[KOREAN].text

    @property
    def slots(self) -> frozenset[str]:
        return slots.slot_names(self.korean)

    @property
    def reviewed(self) -> frozenset[str]:
        """Languages whose wording someone other than its typist has reviewed."""
        return frozenset(lang for lang, entry in self.texts.items() if entry.reviewed)

    def to_phrase(self) -> Phrase:
        """The phrase as the translator sees it: only the languages typed, topic "office"."""
        return Phrase(
            id=self.id,
            topic=TOPIC,
            side=self.side,
            text=MappingProxyType({lang: entry.text for lang, entry in self.texts.items()}),
            reviewed=self.reviewed,
        )


@dataclass(frozen=True, slots=True)
class PhrasePack:
    """A phrase pack read and checked in full; nothing has been changed yet."""

    office: str
    created: dt.date
    phrases: tuple[OfficePhrase, ...]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What `import_pack` did. With `conflicts` it refused and changed nothing."""

    office: str
    created: dt.date
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def imported(self) -> bool:
        return not self.conflicts


class OfficeBook:
    """The office's own phrases, in memory; `load` and `save` read and write its file."""

    def __init__(self, phrases: Iterable[OfficePhrase] = ()) -> None:
        self._phrases: dict[str, OfficePhrase] = {}
        for phrase in phrases:
            if phrase.id in self._phrases:
                raise OfficeError(f"office phrase {phrase.id} appears twice; keep one of them")
            self._phrases[phrase.id] = phrase
        _check_count(len(self._phrases))

    @classmethod
    def load(cls, path: Path) -> OfficeBook:
        """The book saved at `path`; an empty book when there is no file yet."""
        try:
            with open_regular(path) as handle:
                raw = handle.read(MAX_BOOK_BYTES + 1)
        except FileNotFoundError:
            return cls()
        except NotAFileError as exc:
            raise OfficeError(f"office phrase file: {exc}") from None
        except OSError as exc:
            raise OfficeError(
                f"cannot read the office phrase file {path} ({exc.strerror or exc}); "
                "check that the kiosk's data folder is readable"
            ) from None
        if len(raw) > MAX_BOOK_BYTES:
            raise OfficeError(
                f"the office phrase file {path} is larger than {MAX_BOOK_BYTES // 2**20} MB, so "
                "it is not one Changgu wrote; restore it from a backup or move it away"
            )
        try:
            return cls(_parse_phrase_file(_parse_toml(raw, str(path)), str(path)))
        except OfficeError as exc:
            raise OfficeError(
                f"the office phrase file {path} is damaged: {exc}. Fix it or restore it from "
                "a backup (moving it away starts an empty book)"
            ) from None

    def save(self, path: Path) -> None:
        """Write the book to `path` atomically: a crash leaves the old file or the new one."""
        _write_atomically(path, _phrase_file_toml(self._phrases.values()).encode("utf-8"))

    def __len__(self) -> int:
        return len(self._phrases)

    def __iter__(self) -> Iterator[OfficePhrase]:
        return iter(self._phrases.values())

    def __contains__(self, phrase_id: object) -> bool:
        return phrase_id in self._phrases

    def get(self, phrase_id: str) -> OfficePhrase:
        try:
            return self._phrases[phrase_id]
        except KeyError:
            raise OfficeError(
                f"there is no office phrase {phrase_id!r:.60}; see them with `changgu office list`"
            ) from None

    def phrases(self, side: SaidBy | str | None = None) -> list[OfficePhrase]:
        """The phrases, in the order they were added; only those `side` says when given."""
        if side is None:
            return list(self._phrases.values())
        wanted = _side(side)
        return [p for p in self._phrases.values() if p.to_phrase().said_by(wanted)]

    def add(
        self,
        phrase_id: str,
        side: SaidBy | str,
        korean: str,
        *,
        by: str = "",
        translations: Mapping[str, str] | None = None,
    ) -> OfficePhrase:
        """A new phrase; `translations` (language -> text) are typed by `by`."""
        if phrase_id in self._phrases:
            raise OfficeError(
                f"office phrase {phrase_id} already exists; change it with `changgu office edit`"
            )
        _check_count(len(self._phrases) + 1)
        texts = {KOREAN: OfficeText(_clean(korean), _clean(by))}
        for lang, text in (translations or {}).items():
            _check_language(lang, f"office phrase {phrase_id}")
            texts[lang] = OfficeText(_clean(text), _clean(by))
        phrase = OfficePhrase(phrase_id, _side(side), texts)
        self._phrases[phrase.id] = phrase
        return phrase

    def edit(
        self,
        phrase_id: str,
        *,
        side: SaidBy | str | None = None,
        texts: Mapping[str, str] | None = None,
        by: str = "",
        drop: Iterable[str] = (),
    ) -> OfficePhrase:
        """Change the side, the wording of some languages (typed by `by`) or drop languages.

        A wording that changes loses its review: the new text has not been checked."""
        old = self.get(phrase_id)
        where = f"office phrase {phrase_id}"
        new_texts = dict(old.texts)
        for lang in drop:
            _check_language(lang, where)
            if lang == KOREAN:
                raise OfficeError(f"{where} needs its Korean text; change it instead of dropping")
            if new_texts.pop(lang, None) is None:
                raise OfficeError(f"{where} has no {lang} text to drop")
        for lang, text in (texts or {}).items():
            _check_language(lang, where)
            cleaned = _clean(text)
            current = new_texts.get(lang)
            if current is not None and current.text == cleaned:
                continue  # the same wording keeps its typist and its review
            new_texts[lang] = OfficeText(cleaned, _clean(by))
        phrase = OfficePhrase(old.id, old.side if side is None else _side(side), new_texts)
        self._phrases[phrase.id] = phrase
        return phrase

    def translate(self, phrase_id: str, lang: str, text: str, *, by: str) -> OfficePhrase:
        """Add or change one language's wording, typed by `by` (its review is cleared)."""
        return self.edit(phrase_id, texts={lang: text}, by=by)

    def review(self, phrase_id: str, lang: str, *, by: str) -> OfficePhrase:
        """Mark `lang`'s wording as reviewed by `by`, who must not be the one who typed it."""
        old = self.get(phrase_id)
        where = f"office phrase {phrase_id}"
        _check_language(lang, where)
        entry = old.texts.get(lang)
        if entry is None:
            raise OfficeError(
                f"{where} has no {lang} text to review; add it with `changgu office translate`"
            )
        reviewer = _clean(by)
        if not reviewer:
            raise OfficeError(f"give the reviewer's name (--by NAME) to review the {lang} text")
        phrase = replace(old, texts={**old.texts, lang: replace(entry, reviewed_by=reviewer)})
        self._phrases[phrase.id] = phrase
        return phrase

    def remove(self, phrase_id: str) -> OfficePhrase:
        phrase = self.get(phrase_id)
        del self._phrases[phrase_id]
        return phrase

    def _put(self, phrases: Iterable[OfficePhrase]) -> None:
        """Add or replace checked phrases (an import, once it has checked everything)."""
        for phrase in phrases:
            self._phrases[phrase.id] = phrase

    def to_phrases(self) -> list[Phrase]:
        """Every office phrase as a phrasebook `Phrase` (topic "office", typed languages only)."""
        return [phrase.to_phrase() for phrase in self._phrases.values()]


def export_pack(
    book: OfficeBook, path: Path, *, office: str, created: dt.date | None = None
) -> Path:
    """Write the book as one phrase pack file and return its path.

    `path` is a folder (a USB stick: the pack is `<office>.changgu-phrases` inside it) or the
    pack's file name (given the suffix when it lacks it). Written beside the target and renamed
    over it once complete, so a failed export leaves an older pack whole."""
    office = _check_office(office, "the office name")
    if not len(book):
        raise OfficeError(
            "there are no office phrases to export; add some with `changgu office add`"
        )
    path = Path(path)
    if path.is_dir():
        path = path / f"{office.replace(' ', '-')}{PACK_SUFFIX}"
    elif not path.name.endswith(PACK_SUFFIX):
        path = path.with_name(path.name + PACK_SUFFIX)
    phrases = _phrase_file_toml(book).encode("utf-8")
    created = created or dt.date.today()
    manifest = _manifest_toml(office, created, len(book)).encode("utf-8")
    if len(phrases) > MAX_MEMBER_BYTES:
        raise OfficeError(
            f"the phrases take {len(phrases) // 1024} KB, more than a pack may hold "
            f"({MAX_MEMBER_BYTES // 1024} KB); remove phrases or languages nobody uses"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in ((PACK_MANIFEST, manifest), (PACK_PHRASES, phrases)):
            member = zipfile.ZipInfo(name, date_time=_zip_time(created))
            member.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
    _write_atomically(path, buffer.getvalue(), what="phrase pack")
    return path


def read_pack(path: Path, *, bundled_ids: Collection[str] = ()) -> PhrasePack:
    """The pack at `path`, checked in full: OfficeError, naming the pack and the fault, if any
    part of it is unusable or if a phrase has the id of a bundled phrase (`bundled_ids`)."""
    path = Path(path)
    data = _read_pack_file(path)
    try:
        members = _pack_members(data)
        manifest = _parse_toml(members[PACK_MANIFEST], PACK_MANIFEST)
        office, created, count = _parse_manifest(manifest)
        phrases = _parse_phrase_file(
            _parse_toml(members[PACK_PHRASES], PACK_PHRASES), PACK_PHRASES, bundled_ids
        )
    except OfficeError as exc:
        raise OfficeError(
            f"phrase pack {path} is refused: {exc}. Nothing was imported; ask the office that "
            "made it to check it and export it again with `changgu office export`"
        ) from None
    if count != len(phrases):
        raise OfficeError(
            f"phrase pack {path} is refused: its manifest counts {count} phrases but it holds "
            f"{len(phrases)}, so it is incomplete or altered. Nothing was imported; export it again"
        )
    return PhrasePack(office, created, tuple(phrases))


def import_pack(
    path: Path, book: OfficeBook, *, bundled_ids: Collection[str], replace: bool = False
) -> ImportReport:
    """Add the pack's phrases to `book` (in memory: the caller saves it), all or nothing.

    Phrases whose ids the book already has are conflicts: without `replace` nothing is imported
    and the report lists them; with it they are replaced and the report says which."""
    pack = read_pack(path, bundled_ids=bundled_ids)
    existing = tuple(p.id for p in pack.phrases if p.id in book)
    if existing and not replace:
        return ImportReport(pack.office, pack.created, conflicts=existing)
    added = tuple(p.id for p in pack.phrases if p.id not in book)
    total = len(book) + len(added)
    if total > MAX_PHRASES:
        raise OfficeError(
            f"importing {path} would make {total} office phrases, more than {MAX_PHRASES}; "
            "remove phrases you no longer use first. Nothing was imported"
        )
    book._put(pack.phrases)
    return ImportReport(pack.office, pack.created, added=added, replaced=existing)


# ---- checks shared by the book, its file and packs


def _check_phrase(phrase: OfficePhrase) -> None:
    where = f"office phrase {phrase.id!r:.60}"
    if not isinstance(phrase.id, str) or not _ID_RE.fullmatch(phrase.id):
        raise OfficeError(
            f"{where} is not an office phrase id: use office.<name>, the name made of 1 to 40 "
            "lowercase letters a-z, digits and _ (e.g. office.opening_hours)"
        )
    where = f"office phrase {phrase.id}"
    if not isinstance(phrase.side, SaidBy):
        raise OfficeError(f"{where}: side must be staff, visitor or both")
    korean = phrase.texts.get(KOREAN)
    if korean is None or not korean.text:
        raise OfficeError(f"{where} has no Korean text; every office phrase needs one")
    for lang, entry in phrase.texts.items():
        _check_language(lang, where)
        _check_entry(entry, lang, where)
    expected = slots.slot_names(korean.text)
    unknown = expected - set(slots.SLOT_NAMES)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in slots.SLOT_NAMES)
        raise OfficeError(
            f"{where} uses unknown slots {sorted(unknown)}; use only {known} (or no braces)"
        )
    for lang, entry in phrase.texts.items():
        if slots.slot_names(entry.text) != expected:
            raise OfficeError(
                f"{where}: the {lang} text must use the slots {sorted(expected)}, as the Korean "
                f"does, not {sorted(slots.slot_names(entry.text))}; fix the {lang} text"
            )


def _check_entry(entry: OfficeText, lang: str, where: str) -> None:
    if not isinstance(entry, OfficeText):
        raise OfficeError(f"{where}: the {lang} text is not a text entry")
    _check_text(entry.text, f"{where}: the {lang} text", MAX_TEXT_CHARS)
    if not entry.text:
        raise OfficeError(f"{where}: the {lang} text is empty; give a wording or drop {lang}")
    _check_text(entry.by, f"{where}: the name of who typed the {lang} text", MAX_PERSON_CHARS)
    _check_text(entry.reviewed_by, f"{where}: the {lang} reviewer's name", MAX_PERSON_CHARS)
    if lang != KOREAN and not entry.by:
        raise OfficeError(
            f"{where}: the {lang} text needs the name of the person who typed it (--by NAME)"
        )
    if entry.reviewed_by and _same_person(entry.by, entry.reviewed_by):
        raise OfficeError(
            f"{where}: {entry.by} typed the {lang} text, so cannot review it too; "
            "ask another person who reads the language to review it"
        )


def _check_text(text: object, what: str, limit: int) -> None:
    if not isinstance(text, str):
        raise OfficeError(f"{what} must be text, not {type(text).__name__}")
    if len(text) > limit:
        raise OfficeError(f"{what} has {len(text)} characters; shorten it to at most {limit}")
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029":
            raise OfficeError(
                f"{what} holds the control character U+{ord(char):04X}; "
                "remove it (a phrase is one line of plain text)"
            )


def _check_language(lang: object, where: str) -> None:
    if not isinstance(lang, str) or not languages.is_supported(lang):
        raise OfficeError(
            f"{where}: {lang!r:.20} is not a supported language; use one of "
            f"{', '.join(languages.codes())}"
        )


def _check_office(office: object, what: str) -> str:
    if (
        not isinstance(office, str)
        or not _OFFICE_RE.fullmatch(office)
        or len(office) > MAX_OFFICE_CHARS
    ):
        raise OfficeError(
            f"{what} {office!r:.80} is not usable: use up to {MAX_OFFICE_CHARS} letters, digits, "
            "single spaces, - and _ (e.g. 역삼1동 주민센터 or jongno-gu), starting with a letter "
            "or digit"
        )
    return office


def _check_count(count: int) -> None:
    if count > MAX_PHRASES:
        raise OfficeError(
            f"an office may have at most {MAX_PHRASES} phrases; remove phrases nobody uses first"
        )


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _clean(text: str) -> str:
    return text.strip()


def _side(side: SaidBy | str) -> SaidBy:
    try:
        return SaidBy(side)
    except ValueError:
        raise OfficeError(f"side {side!r:.20} is unknown: use staff, visitor or both") from None


def _ordered_codes(texts: Mapping[str, object]) -> list[str]:
    """Registry order first (Korean leads), then anything unknown (refused by the checks)."""
    codes = languages.codes()
    return [c for c in codes if c in texts] + [c for c in texts if c not in codes]


# ---- the TOML files


def _parse_toml(raw: bytes, name: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OfficeError(
            f"{name} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OfficeError(f"{name} is not valid TOML ({exc})") from None
    except RecursionError:
        raise OfficeError(f"{name} is nested too deeply to be a phrase file") from None


def _parse_phrase_file(
    data: dict[str, Any], name: str, refused_ids: Collection[str] = ()
) -> list[OfficePhrase]:
    unknown = set(data) - {"version", "phrase"}
    if unknown:
        raise OfficeError(f"{name} has unknown entries {sorted(unknown)[:5]!r:.100}")
    if data.get("version") != FILE_VERSION:
        raise OfficeError(
            f"{name} has format version {data.get('version')!r:.20}; this Changgu reads version "
            f"{FILE_VERSION} (update Changgu if the file is newer)"
        )
    raw = data.get("phrase", [])
    if not isinstance(raw, list):
        raise OfficeError(f"{name}: phrase must be a list of [[phrase]] entries")
    if len(raw) > MAX_PHRASES:
        raise OfficeError(f"{name} holds {len(raw)} phrases; at most {MAX_PHRASES} are allowed")
    phrases: list[OfficePhrase] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        phrase = _parse_phrase(entry, number, refused_ids)
        if phrase.id in seen:
            raise OfficeError(f"{name} holds office phrase {phrase.id} twice")
        seen.add(phrase.id)
        phrases.append(phrase)
    return phrases


def _parse_phrase(raw: object, number: int, refused_ids: Collection[str]) -> OfficePhrase:
    where = f"phrase {number}"
    if not isinstance(raw, dict):
        raise OfficeError(f"{where} is not a [[phrase]] table")
    phrase_id = raw.get("id")
    if isinstance(phrase_id, str) and phrase_id:
        where = f"phrase {phrase_id!r:.60}"
    unknown = set(raw) - _PHRASE_KEYS
    if unknown:
        raise OfficeError(f"{where} has unknown keys {sorted(unknown)[:5]!r:.100}")
    if not isinstance(phrase_id, str):
        raise OfficeError(f"{where} has no id")
    if phrase_id in refused_ids:
        raise OfficeError(
            f"{where} has the id of a phrase of the bundled phrasebook, which a pack never "
            "replaces; office phrases are named office.<name>"
        )
    side = raw.get("side")
    if side not in tuple(SaidBy):
        raise OfficeError(f"{where}: side must be staff, visitor or both")
    table = raw.get("text")
    if not isinstance(table, dict):
        raise OfficeError(f"{where} has no [phrase.text.ko] table")
    texts: dict[str, OfficeText] = {}
    for lang, entry in table.items():
        _check_language(lang, where)
        texts[lang] = _parse_text(entry, f"{where}: the {lang} text")
    return OfficePhrase(phrase_id, SaidBy(side), texts)


def _parse_text(raw: object, where: str) -> OfficeText:
    if not isinstance(raw, dict):
        raise OfficeError(f"{where} must be a table with text, by and reviewed_by")
    unknown = set(raw) - _TEXT_KEYS
    if unknown:
        raise OfficeError(f"{where} has unknown keys {sorted(unknown)[:5]!r:.100}")
    values = {key: raw.get(key, "") for key in _TEXT_KEYS}
    for key, value in values.items():
        if not isinstance(value, str):
            raise OfficeError(f"{where}: {key} must be text, not {type(value).__name__}")
    return OfficeText(values["text"], values["by"], values["reviewed_by"])


def _parse_manifest(data: dict[str, Any]) -> tuple[str, dt.date, int]:
    unknown = set(data) - _MANIFEST_KEYS
    if unknown:
        raise OfficeError(f"{PACK_MANIFEST} has unknown entries {sorted(unknown)[:5]!r:.100}")
    if data.get("format") != PACK_FORMAT:
        raise OfficeError(f"{PACK_MANIFEST} is not a Changgu phrase pack manifest")
    if data.get("version") != PACK_VERSION:
        raise OfficeError(
            f"the pack has format version {data.get('version')!r:.20}; this Changgu reads version "
            f"{PACK_VERSION} (update Changgu if the pack is newer)"
        )
    office = _check_office(data.get("office"), "its office name")
    created = data.get("created")
    if not isinstance(created, dt.date) or isinstance(created, dt.datetime):
        raise OfficeError(f"{PACK_MANIFEST}: created must be a date such as 2025-05-07")
    count = data.get("phrases")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise OfficeError(f"{PACK_MANIFEST}: phrases must be the number of phrases")
    return office, created, count


def _phrase_file_toml(phrases: Iterable[OfficePhrase]) -> str:
    """TOML written by hand: strings as JSON strings, which TOML reads as basic strings."""
    lines = [
        "# Office phrases of this counter, written by Changgu: change them with `changgu office`.",
        f"version = {FILE_VERSION}",
    ]
    for phrase in phrases:
        lines += ["", "[[phrase]]", f"id = {_string(phrase.id)}", f"side = {_string(phrase.side)}"]
        for lang, entry in phrase.texts.items():
            lines += [
                f"[phrase.text.{lang}]",
                f"text = {_string(entry.text)}",
                f"by = {_string(entry.by)}",
                f"reviewed_by = {_string(entry.reviewed_by)}",
            ]
    return "\n".join(lines) + "\n"


def _manifest_toml(office: str, created: dt.date, count: int) -> str:
    return (
        f"format = {_string(PACK_FORMAT)}\n"
        f"version = {PACK_VERSION}\n"
        f"office = {_string(office)}\n"
        f"created = {created.isoformat()}\n"
        f"phrases = {count}\n"
    )


def _zip_time(day: dt.date) -> tuple[int, int, int, int, int, int]:
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)


def _string(text: str) -> str:
    # JSON leaves DEL as it is, which TOML refuses in a basic string (checks keep it out anyway)
    return json.dumps(str(text), ensure_ascii=False).replace("\x7f", "\\u007f")


# ---- files on disk


def _write_atomically(path: Path, data: bytes, what: str = "office phrase file") -> None:
    """`data` in `path`: a temporary file beside it, synced, then renamed over it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise OfficeError(f"cannot write the {what} {path} ({exc.strerror or exc})") from None
    else:
        if not stat.S_ISREG(mode):
            raise OfficeError(
                f"cannot write the {what} {path}: it is {kind_of(mode)}, not a file; "
                "give another path"
            )
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        _sync_folder(path.parent)
    except OSError as exc:
        raise OfficeError(
            f"cannot write the {what} {path} ({exc.strerror or exc}); check that the folder "
            "exists, is writable and has free space"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (some file systems, such as a USB stick's, refuse: that is fine)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_pack_file(path: Path) -> bytes:
    """The pack's bytes: a regular file only (never a link, pipe or device), with a size cap."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise OfficeError(
            f"phrase pack {path} does not exist; give the path of a {PACK_SUFFIX} file"
        ) from None
    except OSError as exc:
        raise OfficeError(f"cannot read phrase pack {path} ({exc.strerror or exc})") from None
    _check_pack_mode(mode, path)
    try:
        # a link or a pipe swapped in after the check is refused, never followed or waited on
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise OfficeError(
            f"cannot open phrase pack {path} ({exc.strerror or exc}); copy the pack file itself "
            "to this computer and import the copy"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        _check_pack_mode(os.fstat(fd).st_mode, path)
        os.set_blocking(fd, True)
        data = handle.read(MAX_PACK_BYTES + 1)
    if len(data) > MAX_PACK_BYTES:
        raise OfficeError(
            f"phrase pack {path} is larger than {MAX_PACK_BYTES // 2**20} MB, far more than a "
            "phrase pack holds; check that it is the right file"
        )
    return data


def _check_pack_mode(mode: int, path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise OfficeError(
            f"phrase pack {path} is a symbolic link, which is not imported; copy the pack file "
            "itself to this computer and import the copy"
        )
    raise OfficeError(
        f"phrase pack {path} is {kind_of(mode)}, not a saved file; give the path of a "
        f"{PACK_SUFFIX} file"
    )


def _pack_members(data: bytes) -> dict[str, bytes]:
    """The two members of a pack, each read with a bound; refused if anything else is there."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise OfficeError(f"it is not a phrase pack (not a readable zip: {exc})") from None
    with archive:
        infos = archive.infolist()
        for info in infos:
            _check_member(info)
        names = [info.filename for info in infos]
        for name in (PACK_MANIFEST, PACK_PHRASES):
            if names.count(name) > 1:
                raise OfficeError(f"it holds {name} twice")
            if name not in names:
                raise OfficeError(f"it lacks {name}")
        return {info.filename: _read_member(archive, info) for info in infos}


def _check_member(info: zipfile.ZipInfo) -> None:
    name = info.filename
    shown = f"{name!r:.80}"
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise OfficeError(f"it holds a file with an absolute path, {shown}")
    if ".." in re.split(r"[/\\]", name):
        raise OfficeError(f"it holds a file whose name leads out of its folder, {shown}")
    if info.is_dir():
        raise OfficeError(f"it holds a folder, {shown}")
    if "/" in name or "\\" in name:
        raise OfficeError(f"it holds a file inside a folder, {shown}")
    if name not in (PACK_MANIFEST, PACK_PHRASES):
        raise OfficeError(
            f"it holds an unexpected file {shown}; a phrase pack holds exactly "
            f"{PACK_MANIFEST} and {PACK_PHRASES}"
        )
    mode = info.external_attr >> 16
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # 0: the zip does not say (Windows tools)
        raise OfficeError(f"its {name} is {kind_of(mode)}, not a file")
    if info.flag_bits & 0x1:
        raise OfficeError(f"its {name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise OfficeError(f"its {name} is compressed in a way Changgu does not read")
    if info.file_size > MAX_MEMBER_BYTES:
        raise OfficeError(
            f"its {name} unpacks to {info.file_size} bytes, more than a pack may hold "
            f"({MAX_MEMBER_BYTES // 1024} KB)"
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """At most MAX_MEMBER_BYTES of a member, whatever size its header declares."""
    try:
        with archive.open(info) as member:
            data = member.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as exc:
        raise OfficeError(f"its {info.filename} is damaged ({exc})") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise OfficeError(
            f"its {info.filename} unpacks to more than a pack may hold "
            f"({MAX_MEMBER_BYTES // 1024} KB)"
        )
    return data

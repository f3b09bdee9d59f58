"""The office's own phrases: the book, its file, and phrase packs from other offices (hostile ones
refused, with the book unchanged)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from named_pipes import call_beside_pipe

from translate.errors import TranslateError
from translate.office import (
    MAX_PACK_BYTES,
    MAX_PHRASES,
    PACK_MANIFEST,
    PACK_PHRASES,
    PACK_SUFFIX,
    OfficeBook,
    OfficeError,
    OfficePhrase,
    OfficeText,
    export_pack,
    import_pack,
    read_pack,
)
from translate.phrasebook import Phrasebook, SaidBy

CREATED = dt.date(2025, 5, 7)


@pytest.fixture(scope="module")
def bundled_ids() -> frozenset[str]:
    return frozenset(phrase.id for phrase in Phrasebook.load())


def sample_book() -> OfficeBook:
    book = OfficeBook()
    book.add("office.hours", "staff", "운영 시간은 오전 9시부터 오후 6시까지입니다.", by="김민지")
    book.translate("office.hours", "en", "We are open from 9 a.m. to 6 p.m.", by="Kim Minji")
    book.translate("office.hours", "vi", "Chúng tôi mở cửa từ 9 giờ đến 18 giờ.", by="Nguyen Lan")
    book.review("office.hours", "vi", by="Tran Minh")
    book.review("office.hours", "ko", by="박서준")
    book.add(
        "office.parking_fee",
        SaidBy.STAFF,
        "주차 요금은 {amount}원입니다.",
        by="김민지",
        translations={"en": "Parking costs {amount} won."},
    )
    return book


def test_add_translate_review_save_load_round_trip(tmp_path: Path) -> None:
    book = sample_book()
    path = tmp_path / "data" / "office" / "phrases.toml"
    book.save(path)  # creates the folder
    loaded = OfficeBook.load(path)
    assert list(loaded) == list(book)
    hours = loaded.get("office.hours")
    assert hours.reviewed == {"ko", "vi"}
    assert hours.texts["vi"] == OfficeText(
        "Chúng tôi mở cửa từ 9 giờ đến 18 giờ.", "Nguyen Lan", "Tran Minh"
    )
    assert os.listdir(path.parent) == ["phrases.toml"]  # no temporary file left behind


PLAIN = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="{}\u2028\u2029"),
    min_size=1,
    max_size=300,
).filter(lambda text: text.strip() == text and bool(text))


@given(korean=PLAIN, english=PLAIN, typist=PLAIN.filter(lambda name: len(name) <= 80))
def test_any_plain_text_survives_the_file(korean: str, english: str, typist: str) -> None:
    """Quotes, backslashes, emoji, joiners: what is saved is what is loaded."""
    book = OfficeBook()
    book.add("office.any", "both", korean, by=typist, translations={"en": english})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phrases.toml"
        book.save(path)
        assert list(OfficeBook.load(path)) == list(book)


def test_to_phrases_holds_only_the_typed_languages_and_the_reviewed_ones() -> None:
    phrases = {phrase.id: phrase for phrase in sample_book().to_phrases()}
    hours = phrases["office.hours"]
    assert hours.topic == "office" and hours.side is SaidBy.STAFF
    assert set(hours.text) == {"ko", "en", "vi"}
    assert hours.reviewed == {"ko", "vi"}
    assert hours.is_reviewed("vi") and not hours.is_reviewed("en")
    fee = phrases["office.parking_fee"]
    assert fee.slots == {"amount"} and fee.reviewed == frozenset()
    assert fee.text["en"] == "Parking costs {amount} won."


def test_a_missing_file_is_an_empty_book(tmp_path: Path) -> None:
    assert len(OfficeBook.load(tmp_path / "none.toml")) == 0


@pytest.mark.parametrize(
    "content",
    [b"version = 1\n[[phrase]\n", b"\xff\xfe", b'version = 1\n[[phrase]]\nid = "office.x"\n'],
    ids=["toml", "utf8", "no-text"],
)
def test_a_damaged_file_is_a_clear_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "phrases.toml"
    path.write_bytes(content)
    with pytest.raises(OfficeError, match="damaged") as caught:
        OfficeBook.load(path)
    assert str(path) in str(caught.value) and isinstance(caught.value, TranslateError)


def test_a_pipe_in_place_of_the_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "phrases.toml"
    os.mkfifo(pipe)
    with pytest.raises(OfficeError, match="named pipe"):
        call_beside_pipe(lambda: OfficeBook.load(pipe), pipe)


def test_self_review_is_refused() -> None:
    book = sample_book()
    with pytest.raises(OfficeError, match="cannot review it too"):
        book.review("office.hours", "en", by="  kim  MINJI ")  # who typed it, spaced and cased
    assert book.get("office.hours").reviewed == {"ko", "vi"}
    with pytest.raises(OfficeError, match="cannot review"):
        OfficePhrase("office.x", SaidBy.BOTH, {"ko": OfficeText("안녕하세요", "Kim", "kim")})


def test_a_review_needs_a_name_and_a_text() -> None:
    book = sample_book()
    with pytest.raises(OfficeError, match="reviewer's name"):
        book.review("office.hours", "en", by=" ")
    with pytest.raises(OfficeError, match="no ja text"):
        book.review("office.hours", "ja", by="Sato")


def test_changing_a_translation_clears_its_review_only() -> None:
    book = sample_book()
    book.translate("office.hours", "vi", "Chúng tôi mở cửa từ 9 giờ đến 18 giờ.", by="Other")
    assert book.get("office.hours").texts["vi"].reviewed_by == "Tran Minh"  # same text: kept
    edited = book.translate("office.hours", "vi", "Giờ làm việc: 9 giờ - 18 giờ.", by="Nguyen Lan")
    assert edited.reviewed == {"ko"}
    assert edited.texts["vi"] == OfficeText("Giờ làm việc: 9 giờ - 18 giờ.", "Nguyen Lan", "")
    edited = book.edit("office.hours", texts={"ko": "운영 시간: 9시-18시"}, side="both")
    assert edited.reviewed == frozenset() and edited.side is SaidBy.BOTH


def test_edit_drops_a_language_but_never_korean() -> None:
    book = sample_book()
    assert "en" not in book.edit("office.hours", drop=["en"]).texts
    with pytest.raises(OfficeError, match="needs its Korean"):
        book.edit("office.hours", drop=["ko"])


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda b: b.translate("office.parking_fee", "vi", "Phí đỗ xe.", by="Lan"), "slots"),
        (lambda b: b.add("office.x", "staff", "{money}원입니다"), "unknown slots"),
        (lambda b: b.translate("office.hours", "xx", "text", by="A"), "not a supported language"),
        (lambda b: b.translate("office.hours", "ja", "営業時間", by=""), "who typed it"),
        (lambda b: b.add("fee.amount", "staff", "수수료"), "not an office phrase id"),
        (lambda b: b.add("office.Hours", "staff", "수수료"), "not an office phrase id"),
        (lambda b: b.add("office." + "a" * 41, "staff", "수수료"), "not an office phrase id"),
        (lambda b: b.add("office.hours", "staff", "수수료"), "already exists"),
        (lambda b: b.add("office.y", "counter", "수수료"), "staff, visitor or both"),
        (lambda b: b.add("office.y", "staff", "  "), "no Korean text"),
        (lambda b: b.add("office.y", "staff", "가" * 301), "at most 300"),
        (lambda b: b.add("office.y", "staff", "줄\n바꿈"), "control character U+000A"),
        (lambda b: b.remove("office.none"), "no office phrase"),
    ],
)
def test_invalid_changes_are_refused_and_change_nothing(
    call: Callable[[OfficeBook], object], words: str
) -> None:
    book = sample_book()
    before = list(book)
    with pytest.raises(OfficeError, match=re.escape(words)):
        call(book)
    assert list(book) == before


def test_export_then_import_into_another_office(
    tmp_path: Path, bundled_ids: frozenset[str]
) -> None:
    book = sample_book()
    pack = export_pack(book, tmp_path, office="jongno-gu", created=CREATED)
    assert pack == tmp_path / f"jongno-gu{PACK_SUFFIX}"
    with zipfile.ZipFile(pack) as archive:
        assert sorted(archive.namelist()) == sorted([PACK_MANIFEST, PACK_PHRASES])
    other = OfficeBook()
    other.add("office.welcome", "staff", "어서 오세요.")
    report = import_pack(pack, other, bundled_ids=bundled_ids)
    assert report.imported and report.office == "jongno-gu" and report.created == CREATED
    assert report.added == ("office.hours", "office.parking_fee") and report.replaced == ()
    assert [p.id for p in other] == ["office.welcome", "office.hours", "office.parking_fee"]
    assert other.get("office.hours") == book.get("office.hours")


def test_export_adds_the_suffix_to_a_file_name(tmp_path: Path) -> None:
    assert export_pack(sample_book(), tmp_path / "ours", office="x") == tmp_path / (
        "ours" + PACK_SUFFIX
    )
    with pytest.raises(OfficeError, match="office name"):
        export_pack(sample_book(), tmp_path, office="../x")
    with pytest.raises(OfficeError, match="no office phrases"):
        export_pack(OfficeBook(), tmp_path, office="x")


def test_conflicting_ids_are_listed_and_nothing_changes_unless_replaced(
    tmp_path: Path, bundled_ids: frozenset[str]
) -> None:
    pack = export_pack(sample_book(), tmp_path, office="jongno-gu")
    book = OfficeBook()
    book.add("office.hours", "visitor", "몇 시까지 해요?")
    book.add("office.own", "staff", "우리 것")
    before = list(book)
    report = import_pack(pack, book, bundled_ids=bundled_ids)
    assert not report.imported and report.conflicts == ("office.hours",)
    assert report.added == () and list(book) == before
    report = import_pack(pack, book, bundled_ids=bundled_ids, replace=True)
    assert report.imported and report.replaced == ("office.hours",)
    assert report.added == ("office.parking_fee",)
    assert book.get("office.hours").side is SaidBy.STAFF and "office.own" in book


# ---- hostile packs


def _valid_members() -> dict[str, bytes]:
    """The members of a real pack of `sample_book()`, as `export_pack` writes them."""
    with tempfile.TemporaryDirectory() as folder:
        pack = export_pack(sample_book(), Path(folder), office="jongno-gu", created=CREATED)
        with zipfile.ZipFile(pack) as archive:
            return {name: archive.read(name) for name in archive.namelist()}


def _manifest(count: int) -> bytes:
    return (
        'format = "changgu-phrases"\nversion = 1\noffice = "jongno-gu"\n'
        f"created = 2025-05-07\nphrases = {count}\n"
    ).encode()


def _zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(),  # zipfile warns of the duplicate names a test asks for
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        warnings.simplefilter("ignore", UserWarning)
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _pack_with(**replaced: bytes) -> bytes:
    members = _valid_members()
    for key, data in replaced.items():
        members[{"manifest": PACK_MANIFEST, "phrases": PACK_PHRASES}[key]] = data
    return _zip(list(members.items()))


def _phrases(body: str, count: int = 1) -> dict[str, bytes]:
    """A pack whose phrases.toml is `body` (and a manifest counting `count` phrases)."""
    return {"manifest": _manifest(count), "phrases": body.encode()}


def _phrase(
    phrase_id: str = "office.x", lang: str = "en", text: str = "Hello", ko: str = "안녕하세요"
) -> str:
    return (
        f'[[phrase]]\nid = "{phrase_id}"\nside = "staff"\n'
        f'[phrase.text.ko]\ntext = "{ko}"\n'
        f'[phrase.text.{lang}]\ntext = "{text}"\nby = "Lan"\n'
    )


def _lying_size(data: bytes, name: str, declared: int) -> bytes:
    """The zip `data` with the central directory declaring `declared` bytes for `name`."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<I", raw, at + 24, declared)
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the zip")


def _bomb() -> bytes:
    members = _valid_members()
    members[PACK_PHRASES] = members[PACK_PHRASES] + b"#" * (50 * 1024 * 1024)
    return _zip(list(members.items()))


def _directory() -> bytes:
    folder = zipfile.ZipInfo("takes/")
    folder.external_attr = (stat.S_IFDIR | 0o755) << 16
    return _zip([*_valid_members().items(), (folder, b"")])


def _symlink_member() -> bytes:
    members = _valid_members()
    link = zipfile.ZipInfo(PACK_PHRASES)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return _zip([(PACK_MANIFEST, members[PACK_MANIFEST]), (link, b"/etc/passwd")])


TOO_MANY = "version = 1\n" + "".join(
    _phrase(f"office.p{i}", "en", f"Phrase {i}") for i in range(MAX_PHRASES + 1)
)

HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "parent-path": (
        lambda: _zip([*_valid_members().items(), ("../x", b"x")]),
        "leads out of its folder",
    ),
    "absolute-path": (
        lambda: _zip([*_valid_members().items(), ("/etc/cron.d/x", b"x")]),
        "absolute path",
    ),
    "extra-member": (
        lambda: _zip([*_valid_members().items(), ("readme.txt", b"hi")]),
        "unexpected file 'readme.txt'",
    ),
    "directory-member": (_directory, "a folder, 'takes/'"),
    "nested-member": (
        lambda: _zip([*_valid_members().items(), ("a/phrases.toml", b"x")]),
        "inside a folder",
    ),
    "duplicate-member": (
        lambda: _zip([*_valid_members().items(), (PACK_PHRASES, b"version = 1\n")]),
        "phrases.toml twice",
    ),
    "missing-member": (
        lambda: _zip([(PACK_MANIFEST, _valid_members()[PACK_MANIFEST])]),
        "lacks phrases.toml",
    ),
    "symlink-member": (_symlink_member, "symbolic link"),
    "zip-bomb": (_bomb, "unpacks to"),
    "size-declared-small": (
        lambda: _lying_size(_bomb(), PACK_PHRASES, 1000),
        "phrases.toml is damaged",
    ),
    "size-declared-at-the-limit": (
        lambda: _lying_size(_bomb(), PACK_PHRASES, 1024 * 1024),
        "phrases.toml is damaged",
    ),
    "not-a-zip": (lambda: b"version = 1\n", "not a readable zip"),
    "too-many-phrases": (
        lambda: _pack_with(**_phrases(TOO_MANY, MAX_PHRASES + 1)),
        f"at most {MAX_PHRASES}",
    ),
    "bundled-id": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase("fee.amount"))),
        "bundled phrasebook",
    ),
    "id-outside-office": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase("hours"))),
        "not an office phrase id",
    ),
    "control-character": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase(text="bell\\u0007"))),
        "control character U+0007",
    ),
    "escape-sequence": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase(text="\\u001b[31mred"))),
        "control character U+001B",
    ),
    "invalid-toml": (lambda: _pack_with(phrases=b"version = 1\n[[phrase]\n"), "not valid TOML"),
    "invalid-manifest-toml": (lambda: _pack_with(manifest=b"format = \n"), "not valid TOML"),
    "not-utf8": (
        lambda: _pack_with(phrases=b"version = 1\n# caf\xe9 \xff\n"),
        "not UTF-8 text (invalid byte at offset",
    ),
    "unknown-language": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase(lang="xx"))),
        "'xx' is not a supported language",
    ),
    "unknown-slot": (
        lambda: _pack_with(
            **_phrases("version = 1\n" + _phrase(text="{money} won", ko="{money}원"))
        ),
        "uses unknown slots ['money']",
    ),
    "slot-mismatch": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase(text="{amount} won"))),
        "the en text must use the slots []",
    ),
    "text-too-long": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase(text="a" * 301))),
        "at most 300",
    ),
    "no-typist": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase().replace('by = "Lan"\n', ""))),
        "who typed it",
    ),
    "self-reviewed": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase() + 'reviewed_by = "lan"\n')),
        "cannot review it too",
    ),
    "unknown-key": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase() + 'run = "rm -rf /"\n')),
        "unknown keys",
    ),
    "duplicate-id": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase() + _phrase(), 2)),
        "twice",
    ),
    "count-mismatch": (
        lambda: _pack_with(**_phrases("version = 1\n" + _phrase(), 7)),
        "counts 7 phrases but it holds 1",
    ),
    "wrong-format": (
        lambda: _pack_with(manifest=b'format = "changgu-sign-vocabulary"\nversion = 1\n'),
        "not a Changgu phrase pack manifest",
    ),
    "newer-version": (
        lambda: _pack_with(
            manifest=b'format = "changgu-phrases"\nversion = 2\noffice = "x"\n'
            b"created = 2025-05-07\nphrases = 2\n"
        ),
        "format version 2",
    ),
    "office-name-path": (
        lambda: _pack_with(
            manifest=b'format = "changgu-phrases"\nversion = 1\noffice = "../x"\n'
            b"created = 2025-05-07\nphrases = 2\n"
        ),
        "office name",
    ),
}


@pytest.fixture
def office(tmp_path: Path) -> tuple[OfficeBook, Path]:
    """A counter's book, saved; tests check that neither it nor its file changes."""
    book = OfficeBook()
    book.add("office.welcome", "staff", "어서 오세요.", by="김민지")
    path = tmp_path / "office" / "phrases.toml"
    book.save(path)
    return book, path


def _assert_unchanged(office: tuple[OfficeBook, Path]) -> None:
    book, path = office
    assert [p.id for p in book] == ["office.welcome"]
    assert list(OfficeBook.load(path)) == list(book)


@pytest.mark.parametrize("name", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_pack_is_refused_clearly_and_changes_nothing(
    tmp_path: Path, office: tuple[OfficeBook, Path], bundled_ids: frozenset[str], name: str
) -> None:
    build, words = HOSTILE[name]
    pack = tmp_path / f"hostile{PACK_SUFFIX}"
    pack.write_bytes(build())
    with pytest.raises(OfficeError) as caught:
        import_pack(pack, office[0], bundled_ids=bundled_ids, replace=True)
    message = str(caught.value)
    assert words in message
    assert str(pack) in message and "Nothing was imported" in message
    assert "\n" not in message and len(message) < 600
    _assert_unchanged(office)


def test_the_valid_pack_these_are_made_from_imports(
    tmp_path: Path, office: tuple[OfficeBook, Path], bundled_ids: frozenset[str]
) -> None:
    pack = tmp_path / f"good{PACK_SUFFIX}"
    pack.write_bytes(_zip(list(_valid_members().items())))
    assert import_pack(pack, office[0], bundled_ids=bundled_ids).added == (
        "office.hours",
        "office.parking_fee",
    )


def test_a_symlink_pack_is_refused(
    tmp_path: Path, office: tuple[OfficeBook, Path], bundled_ids: frozenset[str]
) -> None:
    real = export_pack(sample_book(), tmp_path / "real", office="jongno-gu")
    link = tmp_path / f"link{PACK_SUFFIX}"
    link.symlink_to(real)
    with pytest.raises(OfficeError, match="symbolic link"):
        import_pack(link, office[0], bundled_ids=bundled_ids)
    _assert_unchanged(office)


def test_a_named_pipe_pack_is_refused_without_waiting(
    tmp_path: Path, office: tuple[OfficeBook, Path], bundled_ids: frozenset[str]
) -> None:
    pipe = tmp_path / f"pipe{PACK_SUFFIX}"
    os.mkfifo(pipe)
    with pytest.raises(OfficeError, match="named pipe"):
        call_beside_pipe(lambda: import_pack(pipe, office[0], bundled_ids=bundled_ids), pipe)
    _assert_unchanged(office)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "a folder"),
        (lambda p: None, "does not exist"),
        (lambda p: p.write_bytes(b"\0" * (MAX_PACK_BYTES + 1)), "larger than 2 MB"),
    ],
    ids=["folder", "missing", "too-large"],
)
def test_a_pack_that_is_no_usable_file_is_refused(
    tmp_path: Path,
    office: tuple[OfficeBook, Path],
    bundled_ids: frozenset[str],
    make: Callable[[Path], object],
    words: str,
) -> None:
    pack = tmp_path / f"odd{PACK_SUFFIX}"
    make(pack)
    with pytest.raises(OfficeError, match=words):
        import_pack(pack, office[0], bundled_ids=bundled_ids)
    _assert_unchanged(office)


def test_a_device_is_refused(office: tuple[OfficeBook, Path], bundled_ids: frozenset[str]) -> None:
    with pytest.raises(OfficeError, match="a device"):
        read_pack(Path("/dev/zero"), bundled_ids=bundled_ids)
    _assert_unchanged(office)


def test_an_import_beyond_the_phrase_limit_is_refused(
    tmp_path: Path, bundled_ids: frozenset[str]
) -> None:
    pack = export_pack(sample_book(), tmp_path, office="x")
    book = OfficeBook()
    for i in range(MAX_PHRASES - 1):
        book.add(f"office.p{i}", "staff", f"문장 {i}")
    with pytest.raises(OfficeError, match=f"more than {MAX_PHRASES}"):
        import_pack(pack, book, bundled_ids=bundled_ids)
    assert len(book) == MAX_PHRASES - 1

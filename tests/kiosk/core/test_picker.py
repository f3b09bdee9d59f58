"""The phrase picker's model: every visitor phrase reachable from a topic in every language,
search that forgives case, accents, tone marks, word order and typos, drafts flagged, and the
slots a phrase asks for."""

from __future__ import annotations

import datetime as dt
import tomllib
from types import MappingProxyType

import pytest

from kiosk.core.picker import (
    OPEN_SLOT,
    Picker,
    SlotKind,
    _strings,
    fold,
    icon_path,
    label,
    slot_text,
    topic_icon,
)
from translate import languages, slots
from translate.facade import OFFICE_TOPIC
from translate.glossary import Glossary
from translate.phrasebook import Phrase, Phrasebook, SaidBy

LANGS = languages.codes()


@pytest.fixture(scope="module")
def picker() -> Picker:
    return Picker(Phrasebook.load(), Glossary.load())


def visitor_ids(book: Phrasebook) -> set[str]:
    return {p.id for p in book.phrases(side=SaidBy.VISITOR)}


@pytest.mark.parametrize("lang", LANGS)
def test_every_visitor_phrase_is_in_a_topic_in_every_language(picker: Picker, lang: str) -> None:
    topics = picker.topics(lang)
    reached = [p for t in topics for p in picker.phrases(t.id, lang)]
    assert {p.id for p in reached} == visitor_ids(picker.book)
    assert len(reached) == len({p.id for p in reached})  # each once
    for topic in topics:
        assert topic.name.strip() and topic.count == len(picker.phrases(topic.id, lang))
        assert icon_path(topic.icon).is_file(), topic.icon
    for phrase in reached:
        assert phrase.text and phrase.korean and "{" not in phrase.text + phrase.korean
    staff_only = {p.id for p in picker.book.phrases(side=SaidBy.STAFF) if p.side is SaidBy.STAFF}
    assert not staff_only & {p.id for p in reached}  # staff's phrases are never offered


def test_topics_are_named_in_the_visitors_language_with_their_own_icons(picker: Picker) -> None:
    book = picker.book
    names = {t.id: t.name for t in picker.topics("th")}
    assert names["fee"] == book.topics()[[t.id for t in book.topics()].index("fee")].name["th"]
    icons = [topic_icon(t.id) for t in book.topics()]
    assert len(set(icons)) == len(icons)  # every bundled topic has an icon of its own
    assert icon_path(topic_icon(OFFICE_TOPIC.id)).is_file()


def test_the_pickers_text_exists_in_every_language() -> None:
    table = _strings()
    keys = set(table["en"])
    for lang in LANGS:
        assert set(table[lang]) == keys, lang
        assert all(text.strip() for text in table[lang].values()), lang
    assert label("km", "back") == "ត្រឡប់ក្រោយ"
    assert label("xx", "back") == "Back"  # English for a language the file lacks


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("le phi", "vi", "fee.how_much"),  # Vietnamese without tones
        ("LỆ PHÍ", "vi", "fee.how_much"),
        ("phi le", "vi", "fee.how_much"),  # words in any order
        ("ค่าธรรมเนียม", "th", "fee.how_much"),
        ("คาธรรมเนยม", "th", "fee.how_much"),  # Thai without tone and vowel marks
        ("បន្ទប់ទឹក", "km", "dir.toilet"),
        ("បនទបទក", "km", "dir.toilet"),  # Khmer without its marks
        ("справка", "ru", "res.seal_certificate"),
        ("СПРАВКА ПЕЧАТИ", "ru", "res.seal_certificate"),
        ("身份证", "zh", "doc.no_id"),
        ("화장실", "ko", "dir.toilet"),
        ("receipt", "th", "fee.receipt"),  # English in any language
        ("reciept", "en", "fee.receipt"),  # a typo
        ("शौचालय", "ne", "dir.toilet"),
    ],
)
def test_search_finds_phrases_by_their_words(
    picker: Picker, query: str, lang: str, expected: str
) -> None:
    found = [p.id for p in picker.search(query, lang, limit=5)]
    assert expected in found[:3], found


@pytest.mark.parametrize("lang", ["th", "km", "vi", "zh", "ru", "ne"])
def test_each_phrase_is_found_by_its_own_wording(picker: Picker, lang: str) -> None:
    for topic in picker.topics(lang):
        for phrase in picker.phrases(topic.id, lang):
            words = phrase.text.replace(OPEN_SLOT, " ")
            found = [p.id for p in picker.search(words, lang, limit=5)]
            assert phrase.id in found, (phrase.id, found)


def test_search_ranks_the_visitors_language_first_and_keeps_to_its_limit(picker: Picker) -> None:
    assert picker.search("", "en") == () and picker.search(" ?! ", "vi") == ()
    assert len(picker.search("a", "en", limit=7)) == 7
    found = picker.search("lệ phí", "vi")
    assert found[0].id == "fee.how_much"  # the exact wording, accents and all, first
    assert all(p.text for p in found)


def test_fold_drops_case_accents_and_tone_marks_only() -> None:
    assert fold("Lệ phí") == "le phi"
    assert fold("Đăng ký") == "dang ky"
    assert fold("Oʻzbek tili") == "ozbek tili"
    assert fold("ค่าธรรมเนียม") == fold("คาธรรมเนยม")
    assert fold("ガ") != fold("カ")  # kana voicing changes the word: kept
    assert fold("Ёлка, ok?") == "елка ok"


def test_drafts_are_flagged(picker: Picker) -> None:
    reviewed = next(p for p in picker.book.phrases(side=SaidBy.VISITOR) if p.reviewed)
    topic = reviewed.topic
    en = {p.id: p for p in picker.phrases(topic, "en")}
    th = {p.id: p for p in picker.phrases(topic, "th")}
    assert not en[reviewed.id].draft and th[reviewed.id].draft
    unreviewed = next(p for p in picker.book.phrases(side=SaidBy.VISITOR) if not p.reviewed)
    assert picker.phrase(unreviewed.id, "en").draft


def test_slots_say_what_to_ask_for(picker: Picker) -> None:
    amount = picker.phrase("pay.big_bill", "th")
    assert [(s.name, s.kind, s.max_digits) for s in amount.slots] == [
        ("amount", SlotKind.NUMBER, 9)
    ]
    assert amount.slots[0].prompt == label("th", "slot_amount")
    assert OPEN_SLOT in amount.text and OPEN_SLOT in amount.korean
    date = picker.phrase("next.collect_date_q", "vi")
    assert [s.kind for s in date.slots] == [SlotKind.DATE]
    document = picker.phrase("res.issue_document", "km")
    assert [s.kind for s in document.slots] == [SlotKind.DOCUMENT]
    assert picker.phrase("fee.how_much", "en").slots == ()


def test_fill_renders_both_sides_and_marks_draft_documents(picker: Picker) -> None:
    half = picker.fill("pay.big_bill", "vi", {})
    assert not half.complete and OPEN_SLOT in half.text
    filled = picker.fill("pay.big_bill", "vi", {"amount": 50000})
    assert filled.complete and "50.000" in filled.text and "50,000원" in filled.korean
    day = picker.fill("next.collect_date_q", "en", {"date": dt.date(2025, 5, 7)})
    assert "May 7" in day.text and "5월 7일" in day.korean
    passport = picker.fill("res.issue_document", "en", {"document": "passport"})
    assert "passport" in passport.text and "여권" in passport.korean
    assert passport.draft
    # a reviewed wording is still a draft when the document's name in it is not reviewed
    reviewed = Phrase(
        id="office.issue",
        topic=OFFICE_TOPIC.id,
        side=SaidBy.VISITOR,
        text=MappingProxyType({"ko": "{document} 주세요.", "en": "A {document}, please."}),
        reviewed=frozenset({"ko", "en"}),
    )
    own = Picker(Phrasebook([reviewed]), picker.glossary)
    assert not own.fill("office.issue", "en", {}).draft
    assert own.fill("office.issue", "en", {"document": "passport"}).draft
    assert not own.fill("office.issue", "ko", {"document": "passport"}).draft
    assert picker.fill("pay.big_bill", "en", {"amount": 1000, "date": dt.date.today()}).values == {
        "amount": 1000
    }


def test_documents_and_dates_to_choose_from(picker: Picker) -> None:
    documents = picker.documents("th")
    assert {d.key for d in documents} >= {"passport", "resident_registration_copy"}
    assert all(d.text and d.key in picker.glossary for d in documents)  # type: ignore[operator]
    days = picker.dates("km", dt.date(2025, 12, 30), 4)
    assert [d.date for d in days] == [
        dt.date(2025, 12, 30) + dt.timedelta(days=i) for i in range(4)
    ]
    assert days[0].relative == label("km", "today") and days[1].relative == label("km", "tomorrow")
    assert days[2].relative == "" and days[2].text == slots.format_date(dt.date(2026, 1, 1), "km")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("amount", 50000),
        ("date", dt.date(2025, 5, 7)),
        ("floor", -1),
        ("floor", 3),
        ("document", "passport"),
    ],
)
def test_slot_text_reads_back_as_the_value(name: str, value: slots.SlotValue) -> None:
    assert slots.parse_value(name, slot_text(name, value)) == value


def test_office_phrases_join_in_the_languages_they_have() -> None:
    own = Phrase(
        id="office.parking_free",
        topic=OFFICE_TOPIC.id,
        side=SaidBy.VISITOR,
        text=MappingProxyType({"ko": "주차는 무료예요?", "en": "Is parking free?"}),
        reviewed=frozenset({"ko"}),
    )
    book = Phrasebook.load().with_phrases([own], OFFICE_TOPIC)
    picker = Picker(book, Glossary.load())
    en = {t.id: t for t in picker.topics("en")}
    assert en["office"].name == "This office" and en["office"].icon == "building"
    assert [p.id for p in picker.phrases("office", "en")] == ["office.parking_free"]
    assert picker.phrase("office.parking_free", "en").draft  # English typed, not reviewed
    assert "office" not in {t.id for t in picker.topics("km")}  # no Khmer wording: not offered
    assert picker.search("parking free", "en")[0].id == "office.parking_free"
    assert "office.parking_free" not in {p.id for p in picker.search("parking", "km", 50)}
    table = tomllib.loads(icon_path("x").parent.parent.joinpath("topics.toml").read_text("utf-8"))
    office = next(t for t in table["topic"] if t["id"] == "office")
    assert set(office["name"]) == set(LANGS)  # the office topic is named in every language


def test_load_without_office_is_the_bundled_book() -> None:
    loaded = Picker.load(None)
    assert visitor_ids(loaded.book) == visitor_ids(Phrasebook.load())

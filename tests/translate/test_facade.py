from __future__ import annotations

import gc
from pathlib import Path

import pytest
from mt_models import word_pack

from translate import MachineResult, Translation, TranslationKind, Translator
from translate.errors import (
    SlotError,
    TranslateError,
    UnknownPhraseError,
    UnsupportedLanguageError,
)
from translate.glossary import Glossary
from translate.matcher import PhraseMatcher
from translate.mt import MachineTranslator, validate_pack
from translate.phrasebook import Phrasebook, SaidBy


@pytest.fixture(scope="module")
def translator(phrasebook: Phrasebook, glossary: Glossary, matcher: PhraseMatcher) -> Translator:
    return Translator(phrasebook, glossary, matcher)


def test_phrasebook_first_and_it_says_so(translator: Translator) -> None:
    result = translator.translate("외국인등록증을 잃어버렸어요.", "ko", "vi")
    assert result.kind is TranslationKind.VERIFIED and result.verified
    assert result.phrase_id == "for.card_lost"
    assert result.text == "Tôi bị mất thẻ đăng ký người nước ngoài."
    assert result.reviewed is False  # Vietnamese wording is a draft
    assert translator.translate("외국인등록증을 잃어버렸어요.", "ko", "en").reviewed is True


def test_slot_values_travel_into_the_target_language(translator: Translator) -> None:
    result = translator.translate("수수료는 12,000원입니다.", "ko", "vi")
    assert result.text == "Lệ phí là 12.000 won." and dict(result.slots) == {"amount": 12000}
    result = translator.translate("5월 7일에 다시 와 주세요.", "ko", "ru")
    assert result.text == "Приходите, пожалуйста, 7 мая."


def test_no_match_without_mt_is_none_with_a_reason(translator: Translator) -> None:
    result = translator.translate("What's the best pizza place around here?", "en", "ko")
    assert result.kind is TranslationKind.NONE and result.text == ""
    assert "no machine translation pack" in result.notes[0]


@pytest.mark.parametrize("text", ["", "   ", "😀🙏", "\udcff", "a" * 10_000])
def test_odd_input_is_none_not_a_crash(translator: Translator, text: str) -> None:
    result = translator.translate(text, "en", "ko")
    assert result.kind is TranslationKind.NONE


def test_mixed_scripts(translator: Translator) -> None:
    result = translator.translate("I lost my 외국인등록증", "en", "ko")
    assert result.phrase_id == "for.card_lost"


def test_unsupported_language_is_a_message(translator: Translator) -> None:
    with pytest.raises(UnsupportedLanguageError, match="not supported"):
        translator.translate("bonjour", "fr", "ko")


def test_same_language_passes_text_through(translator: Translator) -> None:
    result = translator.translate("화장실이 어디예요?", "ko", "ko")
    assert result.text == "화장실이 어디예요?" and result.method == "same-language"
    assert result.phrase_id == "dir.toilet"


def test_machine_translation_when_memory_has_nothing(
    phrasebook: Phrasebook, glossary: Glossary, matcher: PhraseMatcher, nllb_copy_pack: Path
) -> None:
    mt = MachineTranslator.from_packs([validate_pack(nllb_copy_pack)], glossary)
    translator = Translator(phrasebook, glossary, matcher, mt)
    result = translator.translate("my name is Nguyen Van An", "en", "vi")
    assert result.kind is TranslationKind.MACHINE
    assert result.text == "my name is Nguyen Van An" and result.method == "mt:tiny-nllb"
    long = translator.translate("please wait a moment. " * 500, "en", "vi")  # 11,000 characters
    assert long.kind is TranslationKind.MACHINE
    # memory still comes first
    assert translator.translate("Thank you.", "en", "vi").kind is TranslationKind.VERIFIED


def test_broken_pack_falls_back_to_none(
    phrasebook: Phrasebook,
    glossary: Glossary,
    matcher: PhraseMatcher,
    nllb_copy_pack: Path,
    tmp_path: Path,
) -> None:
    import shutil

    pack = tmp_path / "broken"
    shutil.copytree(nllb_copy_pack, pack)
    (pack / "model.bin").write_bytes(b"\x00" * 64)
    mt = MachineTranslator.from_packs([validate_pack(pack)], glossary)
    translator = Translator(phrasebook, glossary, matcher, mt)
    result = translator.translate("my name is Nguyen Van An", "en", "vi")
    assert result.kind is TranslationKind.NONE
    assert "machine translation failed" in result.notes[0]


def test_quick_replies(translator: Translator) -> None:
    topics = [t.id for t in translator.topics()]
    assert topics[0] == "greet"
    staff = translator.phrases("fee", SaidBy.STAFF)
    assert all(p.side in (SaidBy.STAFF, SaidBy.BOTH) for p in staff)
    said = translator.say("fee.amount", "ko", "th", {"amount": 3000})
    assert said.source_text == "수수료는 3,000원입니다." and said.text == "ค่าธรรมเนียม 3,000 วอน"
    assert said.kind is TranslationKind.VERIFIED and said.method == "quick-reply"


def test_render_errors_are_messages(translator: Translator) -> None:
    with pytest.raises(SlotError):
        translator.render("fee.amount", "en")
    with pytest.raises(UnknownPhraseError):
        translator.render("no.such.phrase", "en")
    with pytest.raises(SlotError, match="not a document"):
        translator.render("fee.amount", "en", {"amount": 1, "document": "pizza"})


def test_search_and_glossary(translator: Translator) -> None:
    hits = translator.search("where do I pay the fee", "en", limit=3)
    assert "fee.pay_where" in [h.phrase.id for h in hits]
    assert translator.glossary_lookup("외국인등록증")[0].key == "residence_card"


def test_load_uses_the_cached_index(
    index_dir: Path, matcher: PhraseMatcher, tmp_path: Path
) -> None:
    translator = Translator.load(index_dir, tmp_path / "no-packs", build_index=False)
    assert translator.matcher.semantic and translator.mt is None
    plain = Translator.load(tmp_path, None, semantic=False)
    assert not plain.matcher.semantic


#: close to fee.how_much ("How much is the fee?") but not close enough to be verified
NEAR_MISS = "What do I have to pay for this?"


def test_a_near_miss_is_asked_about_not_verified(translator: Translator) -> None:
    """Visitor -> staff: a plausible phrase below the verified bar is CONFIRM, with candidates."""
    result = translator.translate(NEAR_MISS, "en", "ko")
    assert result.kind is TranslationKind.CONFIRM and result.needs_confirmation
    assert not result.verified and not result.found
    assert 1 <= len(result.candidates) <= 4
    best = result.candidates[0]
    assert result.phrase_id == best.phrase_id
    assert result.text == best.text == translator.render(best.phrase_id, "ko")
    assert best.source_text == translator.render(best.phrase_id, "en")
    assert best.reviewed is translator.phrasebook.get(best.phrase_id).is_reviewed("ko")
    scores = [c.score for c in result.candidates]
    concepts_first = translator.matcher.assess(NEAR_MISS, "en").candidates
    assert [c.phrase_id for c in result.candidates] == [c.phrase_id for c in concepts_first]
    rule = translator.matcher.rule
    assert scores[0] >= min(rule.confirm_min_score, rule.concept_confirm_min_score)


def test_staff_korean_near_miss_is_asked_about_too(translator: Translator) -> None:
    """Staff -> visitor: typed Korean that only nearly matches is confirmed by staff."""
    result = translator.translate(
        "외국인등록증을 이러버렸어요", "ko", "vi"
    )  # the key word misspelt
    assert result.kind is TranslationKind.CONFIRM and result.phrase_id == "for.card_lost"
    lost = result.candidates[0]
    assert lost.source_text == "외국인등록증을 잃어버렸어요."
    assert lost.text == "Tôi bị mất thẻ đăng ký người nước ngoài." and lost.reviewed is False


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I want to register my dog.", "en"),
        ("I want to register my bicycle.", "en"),
        ("自行车要登记。", "zh"),
        ("I need a certificate of my vaccinations.", "en"),
        ("Tôi muốn gia hạn bằng lái xe.", "vi"),
        ("I want to cancel my car registration.", "en"),
        ("Я хочу зарегистрировать собаку.", "ru"),  # near-identical words to a phrase: asked
    ],
)
def test_requests_the_phrasebook_lacks_are_never_verified(
    translator: Translator, text: str, lang: str
) -> None:
    result = translator.translate(text, lang, "ko")
    assert result.kind is not TranslationKind.VERIFIED, result.phrase_id


def test_with_mt_a_near_miss_is_still_confirmed_and_carries_the_mt_text(
    phrasebook: Phrasebook, glossary: Glossary, matcher: PhraseMatcher, nllb_copy_pack: Path
) -> None:
    mt = MachineTranslator.from_packs([validate_pack(nllb_copy_pack)], glossary)
    translator = Translator(phrasebook, glossary, matcher, mt)
    result = translator.translate(NEAR_MISS, "en", "vi")
    assert result.kind is TranslationKind.CONFIRM
    assert result.machine_text == mt.translate(NEAR_MISS, "en", "vi").text  # copies its input
    assert "pay for this" in result.machine_text
    assert result.text == translator.render(result.phrase_id or "", "vi")
    # a non-match keeps today's behaviour: machine translation
    result = translator.translate("my name is Nguyen Van An", "en", "vi")
    assert result.kind is TranslationKind.MACHINE and result.machine_text == result.text


def test_confirm_logs_ids_and_counts_never_text(
    translator: Translator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG", logger="translate"):
        translator.translate(NEAR_MISS, "en", "ko")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "confirm" in logged and "pay for this" not in logged


def _holds(obj: object, needles: tuple[str, ...]) -> bool:
    """Whether a container or result object refers to one of the needle strings."""
    if isinstance(obj, dict):
        items: list[object] = [*obj.keys(), *obj.values()]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = list(obj)
    elif isinstance(obj, (MachineResult, Translation)):
        items = [obj.text, obj.source_text if isinstance(obj, Translation) else ""]
    else:
        return False
    return any(isinstance(item, str) and any(n in item for n in needles) for item in items)


def test_forget_leaves_nothing_of_the_visit_in_memory(
    phrasebook: Phrasebook, glossary: Glossary, tmp_path: Path
) -> None:
    word_pack(
        tmp_path,
        "words-id-en",
        "id",
        "en",
        {"kucing": "cat", "saya": "I", "punya": "have", "oranye": "orange"},
        [],
    )
    mt = MachineTranslator.from_folder(tmp_path, glossary)
    translator = Translator(phrasebook, glossary, PhraseMatcher(phrasebook, glossary), mt)
    # built from parts, so that the test itself holds neither sentence as a whole
    source = ["saya", "punya", "kucing", "oranye"]
    target = ["I", "have", "cat", "orange"]
    result = translator.translate(" ".join(source), "id", "en")
    assert result.kind is TranslationKind.MACHINE and result.text == " ".join(target)
    assert len(mt._cache) == 1
    del result
    translator.forget()
    assert len(mt._cache) == 0 and mt.cache_hits == mt.cache_misses == 0
    gc.collect()
    needles = (" ".join(source), " ".join(target))
    leftovers = [
        type(o).__name__ for o in gc.get_objects() if o is not needles and _holds(o, needles)
    ]
    del needles
    assert leftovers == []
    # and the engine still works after forgetting
    again = translator.translate(" ".join(source), "id", "en")
    assert again.kind is TranslationKind.MACHINE and again.text == " ".join(target)


def test_forget_empties_the_concepts_of_recent_words(translator: Translator) -> None:
    """The matcher keeps the concepts of the texts it weighed (one utterance meets many
    phrases); New visit empties that table with the other caches."""
    translator.translate("Where can I pay my parking fine?", "en", "ko")
    assert translator.matcher.concepts._memo
    translator.forget()
    assert not translator.matcher.concepts._memo


def test_staff_speech_that_matches_nothing_offers_the_nearest_staff_phrases(
    translator: Translator,
) -> None:
    """Staff's words are not a dead end: the nearest staff phrases come back (for staff only);
    a slot the words do not give is named, to be asked for on the tap."""
    said = "아 그건 담당자가 지금 휴가 중이라서요"
    result = translator.translate(said, "ko", "vi", side="staff")
    assert result.kind is TranslationKind.NONE and result.nearest
    assert 1 <= len(result.candidates) <= 4
    for candidate in result.candidates:
        phrase = translator.phrasebook.get(candidate.phrase_id)
        assert phrase.said_by("staff")
        assert set(candidate.needs) <= phrase.slots
        assert candidate.source_text and candidate.text
    # a visitor's words that match nothing are not offered staff phrases
    visitor = translator.translate("Mình muốn hỏi chuyện linh tinh thôi", "vi", "ko", "visitor")
    assert not visitor.nearest


def test_a_nearest_phrase_with_an_open_slot_shows_it_and_names_it(translator: Translator) -> None:
    result = translator.translate("수수료가 좀 나오는데요", "ko", "en", side="staff")
    open_slots = [c for c in result.candidates if c.needs]
    assert [c.phrase_id for c in open_slots] == ["fee.amount"]
    for candidate in open_slots:
        assert "…" in candidate.source_text and "…" in candidate.text
        assert "{" not in candidate.source_text


def test_office_phrases_join_the_book_and_lack_no_translation_they_do_not_have(
    index_dir: Path, tmp_path: Path
) -> None:
    from translate.office import OfficeBook

    book = OfficeBook()
    book.add("office.hours", "staff", "저희 민원실은 오후 여섯 시에 문을 닫습니다.", by="김민지")
    book.translate("office.hours", "en", "Our service hall closes at 6 p.m.", by="Kim Minji")
    book.translate(
        "office.hours", "vi", "Phòng dân nguyện của chúng tôi đóng cửa lúc 6 giờ chiều.", by="Lan"
    )
    file = tmp_path / "office" / "phrases.toml"
    book.save(file)
    translator = Translator.load(index_dir, None, build_index=False, office=file)
    assert "office.hours" in translator.phrasebook
    assert any(t.id == "office" for t in translator.topics())
    said = translator.say("office.hours", "ko", "vi")
    assert said.text.startswith("Phòng dân nguyện") and not said.reviewed
    with pytest.raises(TranslateError, match="no th wording"):
        translator.say("office.hours", "ko", "th")
    heard = translator.translate("저희 민원실은 오후 여섯 시에 문을 닫습니다.", "ko", "vi", "staff")
    assert heard.verified and heard.phrase_id == "office.hours"
    # toward a language nobody translated it into: not translated, never a guess
    assert not translator.translate("저희 민원실은 오후 여섯 시에 문을 닫습니다.", "ko", "th").found


def test_a_damaged_office_file_leaves_the_bundled_book(index_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "phrases.toml"
    file.write_text("[[phrase]\nbroken", encoding="utf-8")
    translator = Translator.load(index_dir, None, build_index=False, office=file)
    assert "fee.amount" in translator.phrasebook
    assert not [p for p in translator.phrasebook if p.topic == "office"]
    assert file.read_text(encoding="utf-8").startswith("[[phrase]")  # left for staff to mend

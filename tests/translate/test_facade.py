from __future__ import annotations

from pathlib import Path

import pytest

from translate import TranslationKind, Translator
from translate.errors import SlotError, UnknownPhraseError, UnsupportedLanguageError
from translate.glossary import Glossary
from translate.matcher import PhraseMatcher
from translate.mt import MachineTranslator, validate_pack
from translate.phrasebook import Phrasebook, Side


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
    staff = translator.phrases("fee", Side.STAFF)
    assert all(p.side in (Side.STAFF, Side.BOTH) for p in staff)
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

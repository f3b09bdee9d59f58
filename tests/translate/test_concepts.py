"""Key concepts: the lexicon in assets/glossary.toml and the phrases that carry concepts."""

from __future__ import annotations

import pytest

from translate import languages
from translate.concepts import ConceptLexicon, flat
from translate.errors import PhrasebookError
from translate.glossary import Glossary
from translate.matcher import PhraseMatcher
from translate.phrasebook import Phrasebook, parse_topic_file


@pytest.fixture(scope="module")
def lexicon() -> ConceptLexicon:
    return ConceptLexicon.load()


def test_every_phrase_concept_is_in_the_lexicon(
    lexicon: ConceptLexicon, phrasebook: Phrasebook
) -> None:
    used = flat(key for phrase in phrasebook for key in phrase.concepts)
    assert used and all(key in lexicon for key in used)
    assert sum(1 for phrase in phrasebook if phrase.concepts) >= 150


def test_each_phrase_expresses_its_concepts_in_every_language(
    lexicon: ConceptLexicon, phrasebook: Phrasebook
) -> None:
    """The lexicon covers at least the phrasebook's own wordings, shown and match-only, in all
    13 languages: otherwise a visitor saying the phrase word for word would not be verified."""
    gaps = [
        f"{phrase.id} [{lang}] {key}: {wording}"
        for phrase in phrasebook
        for key in sorted(phrase.concepts)
        for lang in phrase.text
        for wording in phrase.wordings(lang)
        if not lexicon.in_wording(key, wording, lang)
    ]
    assert not gaps, "\n".join(gaps)


@pytest.mark.parametrize(
    ("text", "lang", "present", "absent"),
    [
        ("I want to register my car.", "en", {"car", "register"}, set()),
        ("The scar on my hand", "en", set(), {"car"}),  # a stem starts a word in English
        ("我要注册我的自行车。", "zh", {"register"}, {"car"}),  # 自行车 (bicycle) holds 车
        ("自転車を登録したいです。", "ja", {"register"}, {"car"}),
        ("Tôi muốn xem xe đạp.", "vi", set(), {"car"}),  # "xe=" is a word, "xe đạp" excluded
        ("Я хочу зарегистрировать автомобиль.", "ru", {"car", "register"}, set()),
        ("Saya ingin mendaftarkan mobil.", "id", {"car", "register"}, set()),  # prefixes
        ("Tôi muốn khai báo địa chỉ mới.", "vi", {"address"}, {"only"}),  # "địa chỉ" excluded
    ],
)
def test_concepts_found_in_text(
    lexicon: ConceptLexicon, text: str, lang: str, present: set[str], absent: set[str]
) -> None:
    found = lexicon.found(text, lang)
    assert present <= found, found
    assert not absent & found, found


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("아이디를 잊어버렸어요.", "ko", "child"),  # 아이디 (ID) holds 아이 (child)
        ("3개월 걸려요.", "ko", "dog"),  # a counter after a digit, not 개 (dog)
        ("กรุณาติดต่อเจ้าหน้าที่", "th", "extend"),  # ติดต่อ (contact) holds ต่อ
        ("เขาบอกว่าให้มาที่นี่", "th", "chest"),  # บอก (tell) holds อก
        ("我要办什么手续？", "zh", "extend"),  # 手续 (procedure) holds 续
        ("Скажите, пожалуйста, снова.", "ru", "new"),
        ("Что будет потом?", "ru", "child"),
        ("Мы уже говорили об этом.", "ru", "steal"),
        ("書類は一週間後に届きます。", "ja", "register"),  # 届く (arrive), not a 届 (report)
        ("Bagaimana cara membayarnya?", "id", "car"),  # the English "car" starts "cara"
        ("I want to talk about my career.", "en", "car"),
        ("Where can I get a taxi?", "en", "tax"),
    ],
)
def test_a_stem_inside_another_word_is_not_the_concept(
    lexicon: ConceptLexicon, text: str, lang: str, concept: str
) -> None:
    assert concept not in lexicon.expressed(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "present"),
    [
        ("Я хочу новую карту.", "ru", "new"),  # a stem starts a word and inflects
        ("Я хочу зарегистрировать брак.", "ru", "register"),  # after a prefix
        ("Gusto ko pong iparehistro ang aking kasal.", "tl", "register"),
        ("아이가 아파요.", "ko", "child"),
        ("출생신고를 하고 싶어요.", "ko", "register"),  # inside a compound
        ("ฉันอยากต่ออายุวีซ่า", "th", "extend"),
        ("我想续签证。", "zh", "extend"),
        ("転入届を出したいです。", "ja", "register"),
        ("My car's battery is dead.", "en", "car"),
        ("I need to pay my car tax.", "en", "tax"),
    ],
)
def test_a_stem_that_starts_a_word_is_the_concept(
    lexicon: ConceptLexicon, text: str, lang: str, present: str
) -> None:
    assert present in lexicon.found(text, lang)


def test_one_vietnamese_word_expresses_one_concept(lexicon: ConceptLexicon) -> None:
    """ "mất" (lose) is also said of a death; the lexicon gives it to losing alone."""
    said = lexicon.found("Tôi bị mất hộ chiếu.", "vi")
    assert "lose" in said and "death" not in said
    assert "death" in lexicon.found("Bố tôi đã qua đời, tôi muốn khai tử.", "vi")
    stems: dict[str, set[str]] = {}
    for concept in lexicon:
        if concept.modifier:
            continue
        for form in concept.forms["vi"]:
            if len(form) == 1:
                stems.setdefault(form[0], set()).add(concept.key)
    shared = {stem: keys for stem, keys in stems.items() if len(keys) > 1}
    assert "mất " not in shared, shared


def test_korean_and_english_terms_count_in_any_language(lexicon: ConceptLexicon) -> None:
    assert not lexicon.missing("Tôi làm mất 외국인등록증", "vi", ["residence_card", "lose"])
    # other languages' forms do not: Chinese 新 ("new") sits inside Japanese 更新 ("renew")
    assert lexicon.missing("パスポートを更新したいです。", "ja", ["passport", "new"]) == ("new",)


def test_malformed_concepts_are_clear_errors() -> None:
    with pytest.raises(PhrasebookError, match="lacks forms in"):
        ConceptLexicon.parse('[[concept]]\nkey = "x"\n[concept.forms]\nko = ["엑스"]\n')
    with pytest.raises(PhrasebookError, match="not valid TOML"):
        ConceptLexicon.parse("[[concept]\n")
    with pytest.raises(PhrasebookError, match="no concept"):
        ConceptLexicon.parse("").get("car")


def test_a_phrase_with_an_unknown_concept_is_refused_at_load(
    phrasebook: Phrasebook, glossary: Glossary
) -> None:
    from dataclasses import replace

    phrase = replace(phrasebook.get("car.registration"), concepts=frozenset({"spaceship"}))
    with pytest.raises(PhrasebookError, match="no concept 'spaceship'"):
        PhraseMatcher(Phrasebook([phrase]), glossary)
    with pytest.raises(PhrasebookError, match="concepts must be a list"):
        parse_topic_file(
            '[topic]\nid = "t"\n[[phrase]]\nid = "t.x"\nside = "both"\nconcepts = "car"\n'
            "[phrase.text]\n" + "".join(f'{code} = "x"\n' for code in languages.codes()),
            "t.toml",
        )


def test_actions_inside_a_document_name_do_not_count(lexicon: ConceptLexicon) -> None:
    text = "I want to cancel my alien registration."
    assert lexicon.actions(text, "en") == {"cancel", "register"}
    assert lexicon.actions(text, "en", besides=["residence_card"]) == {"cancel"}
    # the name of a card or a number asks no one to register, whatever the phrase
    assert lexicon.actions("I want to cancel my alien registration card.", "en") == {"cancel"}
    assert lexicon.actions("외국인등록증 재발급 수수료는 3만 원이에요.", "ko") == frozenset()
    assert lexicon.actions("등록증 나오면 문자로 알려 드려요.", "ko") == frozenset()
    assert lexicon.actions("외국인등록번호를 알려 주세요.", "ko") == frozenset()
    assert lexicon.actions("전입신고 하러 왔어요.", "ko") == {"register"}
    assert lexicon.actions("外国人登录证丢了", "zh") == {"lose"}


def test_expressed_counts_every_concept_outside_the_words_of_others(
    lexicon: ConceptLexicon,
) -> None:
    text = "I want to change the address on my driver's license."
    assert {"change", "address", "driving_license"} <= lexicon.expressed(text, "en")
    assert "address" not in lexicon.expressed(text, "en", besides=["address"])
    assert lexicon.get("new").modifier and not lexicon.get("address").modifier


def test_a_key_concept_may_name_alternatives(lexicon: ConceptLexicon) -> None:
    required = ["stay|residence_card", "extend"]
    assert lexicon.missing("I want to extend my residence card.", "en", required) == ()
    assert lexicon.missing("I want to extend my visa.", "en", required) == ()
    assert lexicon.missing("I want to extend my passport.", "en", required) == (
        "stay|residence_card",
    )
    assert flat(required) == {"stay", "residence_card", "extend"}


def test_uzbek_apostrophes_are_one_letter_however_typed(lexicon: ConceptLexicon) -> None:
    """ "toʻlov" (U+02BB), "to’lov" and "to'lov" are one word."""
    for mark in ("\u02bb", "\u2019", "'"):
        assert "pay" in lexicon.found(f"Karta bilan to{mark}lasam bo{mark}ladimi?", "uz")


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("សូមនិយាយយឺតៗបន្តិចបានទេ?", "km", "extend"),  # បន្តិច (a little) holds បន្ត (continue)
        ("Ada penerjemah bahasa Indonesia?", "id", "pen"),  # the English "pen" starts penerjemah
        ("얼마나 걸려요?", "ko", "price"),  # how long, not how much
        ("ต้องใช้เวลานานเท่าไหร่", "th", "price"),
        ("यो कति पैसा लाग्छ?", "ne", "duration"),  # लाग्छ: it takes, or it costs
        ("이건 여기서는 처리가 안 되고요.", "ko", "dispose"),  # 처리: any handling
        ("这个在这里办理不了，处理需要三天。", "zh", "dispose"),
        ("I just moved here from Busan.", "en", "bus"),  # a city, not a bus
        ("I run a small business.", "en", "bus"),
        ("I used to live in Changwon.", "en", "change"),
        ("아 그거 잃어버리셨으면 경찰서에 가 보세요.", "ko", "dispose"),  # lost, not thrown away
        ("쓰레기는 몇 시에 내놓아요?", "ko", "write"),  # 쓰레기 (rubbish) starts with 쓰 (write)
        ("Babalik na lang po ako mamaya?", "tl", "only"),  # I'll just come back, no "only"
        # found in the lexicon's review, language by language
        ("Мне нужно продлить визу.", "ru", "sell"),  # продлить (extend) starts like продать
        ("Говорите медленнее, пожалуйста.", "ru", "health"),  # медленнее holds мед
        ("Когда он придет?", "ru", "child"),  # придет holds дет
        ("Qancha vaqt ketadi?", "uz", "leave"),  # how long it takes, nobody leaves
        ("Payshanba kuni kelsam bo'ladimi?", "uz", "pay"),  # Thursday holds English "pay"
        ("Navbat son 25.", "uz", "child"),  # son: a number in Uzbek
        ("Тэгээд яах вэ?", "mn", "lose"),  # the quotative гээд holds гээ
        ("Үүнийг бөглөж дууслаа.", "mn", "expire"),  # finished filling it in
        ("Kailangan ko po ba ng litrato?", "tl", "when"),  # kailangan (need) holds kailan
        ("Nawala po ang residence card ko.", "tl", "car"),  # card holds car
        ("Bukan saya yang datang.", "id", "open"),  # bukan (not) holds buka
        ("Tolong ditulis di sini.", "id", "deaf"),  # tulis (write) holds tuli
        ("What is the deadline?", "en", "death"),
        ("यहाँ आवेदन दिन सकिन्छ?", "ne", "expire"),  # सकिन्छ: "can I", in most questions
        ("मेरो कार्ड हरायो।", "ne", "car"),  # कार्ड holds कार
        ("คนต่อไปค่ะ", "th", "extend"),  # next, please
        ("หายใจไม่ออก", "th", "lose"),  # หายใจ (breathe) holds หาย
        ("ស្តាប់មិនយល់ទេ", "km", "deaf"),  # I don't understand, not I can't hear
        ("Mất bao lâu ạ?", "vi", "lose"),  # how long does it take
        ("Xin lỗi chị.", "vi", "fail"),
        ("我已经到了。", "zh", "expire"),  # I have arrived
        ("电话号码是多少？", "zh", "number_ticket"),  # a phone number
        ("名前を呼びます。", "ja", "invite"),  # calling a name
        ("納付期限はいつですか？", "ja", "expire"),  # asks for the deadline
        ("아버지가 돌아가셨어요.", "ko", "leave"),  # passed away
        ("이주 정도 걸려요.", "ko", "move"),  # 이주: two weeks
        ("팔천 원이에요.", "ko", "sell"),  # 팔천: eight thousand
        ("Jarima 40 ming von deb yozilgan.", "uz", "appointment"),  # "it says", no booking
    ],
)
def test_words_that_hold_or_share_a_stem_are_not_the_concept(
    lexicon: ConceptLexicon, text: str, lang: str, concept: str
) -> None:
    assert concept not in lexicon.expressed(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("헌 소파를 버리려고요.", "ko", "dispose"),
        ("Kukunin ko po ang certificate ng nanay ko.", "tl", "parents"),  # a mother is a parent
        ("我妈妈在医院。", "zh", "parents"),
        ("May alam po ba kayong simbahan na may misa sa English?", "tl", "worship"),
        ("ลิฟต์อยู่ตรงไหนคะ พอดีแม่มาด้วย", "th", "parents"),
        ("मलाई अङ्ग्रेजीमा भन्न मिल्छ?", "ne", "english"),  # both spellings of English
        ("Ờ... cái giấy phạt này em đóng ở đây được không?", "vi", "pay"),  # đóng a fine
        ("Saan po ako pipirma?", "tl", "signature"),  # pipirma: will sign
        ("Which bus goes to the immigration office?", "en", "bus"),
        ("카드 돼요?", "ko", "pay"),  # at a counter, whether a card pays
        ("อยากได้ใบรับรองการลงทะเบียนคนต่างชาติค่ะ", "th", "residence_card"),
        # spoken forms added in the lexicon's review
        ("Сколько ждать?", "ru", "duration"),
        ("Мне справочка нужна.", "ru", "certificate"),
        ("Oyim uchun kelgan edim.", "uz", "parents"),
        ("Kelan po ako babalik?", "tl", "when"),
        ("Gimana caranya bayar pakai kartu?", "id", "pay"),
        ("กี่วอนคะ", "th", "price"),
        ("कति पर्छ?", "ne", "price"),
        ("អង្កាល់បានហើយ?", "km", "when"),
        ("我上个星期刚搬家。", "zh", "move"),
        ("在留カードをなくしました。", "ja", "lose"),
        ("서류 떼러 왔어요.", "ko", "certificate"),
        ("สวัสดีค่ะ มาต่อบัตรต่างด้าวค่ะ", "th", "extend"),  # ต่อ before the card it renews
        ("我听不懂，有没有会说中文的？", "zh", "interpreter"),  # someone who speaks Chinese
        ("같은 세대원이시면 위임장 없이도 돼요.", "ko", "family"),  # a household member
    ],
)
def test_everyday_words_name_their_concept(
    lexicon: ConceptLexicon, text: str, lang: str, concept: str
) -> None:
    assert concept in lexicon.expressed(text, lang)


def test_an_excluded_word_holds_no_concept_once_another_concept_is_blanked(
    lexicon: ConceptLexicon,
) -> None:
    """A period of stay ("thời gian lưu trú"): with "lưu trú" (stay) blanked, as the foreign
    concepts of a stay phrase are read, "thời gian" alone must still name no duration."""
    text = "Tôi muốn gia hạn thời gian lưu trú."
    assert "duration" not in lexicon.expressed(text, "vi")
    assert "duration" not in lexicon.expressed(text, "vi", besides=["stay"])
    assert "duration" in lexicon.expressed("Mất thời gian bao lâu?", "vi")

from __future__ import annotations

from pathlib import Path

import pytest

from translate.calibration import calibrate, observe
from translate.evaluation import evaluate, read_labelled
from translate.glossary import Glossary
from translate.matcher import Candidate, MatchMethod, PhraseMatcher
from translate.phrasebook import Phrasebook, SaidBy


@pytest.fixture(scope="module")
def dev(shared_dir: Path) -> list:  # type: ignore[type-arg]
    return read_labelled(shared_dir / "eval" / "phrase_match_dev.tsv")


def test_shipped_rule_meets_the_dev_targets_in_sample(matcher: PhraseMatcher, dev: list) -> None:  # type: ignore[type-arg]
    """In-sample: DEFAULT_RULE was fitted on this set (the honest estimate is the next test)."""

    def predict(text: str, lang: str) -> str | None:
        match = matcher.match(text, lang)
        return match.phrase.id if match else None

    scores, _ = evaluate(dev, predict)
    assert scores.precision >= 0.97, scores.summary()
    assert scores.recall >= 0.80, scores.summary()
    assert scores.none_false_match_rate <= 0.03, scores.summary()


def test_cross_validated_calibration_meets_the_dev_targets(
    matcher: PhraseMatcher,
    dev: list,  # type: ignore[type-arg]
) -> None:
    """Scoring, thresholds and confirm bar refitted inside each fold, judged on held-out rows."""
    observations = observe(matcher, dev)
    for seed in (7, 11):
        result = calibrate(observations, seed=seed)
        held_out = result.cross_validated
        assert held_out.precision >= 0.97, held_out.summary()
        assert held_out.recall >= 0.80, held_out.summary()
        assert held_out.none_false_match_rate <= 0.03, held_out.summary()
        assert result.cross_validated_confirm.asked > 0


def test_assess_offers_candidates_when_unsure(matcher: PhraseMatcher) -> None:
    found = matcher.assess("What do I have to pay for this?", "en")
    assert found.match is None and found.plausible
    assert 1 <= len(found.candidates) <= 4
    assert found.candidates[0].concepts_ok
    rule = matcher.rule
    assert found.candidates[0].score >= min(rule.confirm_min_score, rule.concept_confirm_min_score)
    verified = matcher.assess("Where is the toilet, please?", "en")
    assert verified.match is not None and verified.candidates == ()


def test_a_candidate_lacking_its_key_concepts_is_passed_over(matcher: PhraseMatcher) -> None:
    """The key concepts (a residence card, and losing it) pick the phrase meant among the card
    phrases e5 puts close together; a bicycle is not a car, however close the sentences."""
    ranking = matcher.rank("Я потерял свою карту иностранца.", "ru")
    assert ranking is not None and ranking.best == "for.card_lost" and ranking.concept_backed
    ranking = matcher.rank("I want to register my bicycle.", "en")
    assert ranking is not None and ranking.best != "car.registration"
    assert any(c.phrase_id == "car.registration" and not c.concepts_ok for c in ranking.others)


def test_exact_match_reads_slot_values_in_any_language(matcher: PhraseMatcher) -> None:
    match = matcher.match("수수료는 12,000원입니다.", "ko")
    assert match is not None and match.method is MatchMethod.EXACT
    assert match.phrase.id == "fee.amount" and dict(match.slots) == {"amount": 12000}
    match = matcher.match("Please go to counter number 7.", "en", SaidBy.STAFF)
    assert match is not None and dict(match.slots) == {"counter": 7}


def test_fuzzy_match_forgives_small_slips(matcher: PhraseMatcher) -> None:
    match = matcher.match("외국인등록증을 잃어버렸어여", "ko")
    assert match is not None and match.phrase.id == "for.card_lost"
    assert match.method is MatchMethod.FUZZY


def test_a_slip_in_the_key_word_is_asked_about(matcher: PhraseMatcher) -> None:
    """Nearly the same words, but the word that matters is not there: a question, not a match
    ("register a dog" is as close to "register a marriage" as a typo is to the phrase)."""
    found = matcher.assess("외국인등록증을 이러버렸어요", "ko")
    assert found.match is None and found.plausible
    assert found.candidates[0].phrase_id == "for.card_lost"


def test_semantic_match_across_languages(matcher: PhraseMatcher) -> None:
    match = matcher.match("Where is the toilet, please?", "en")
    assert match is not None and match.phrase.id == "dir.toilet"


def test_a_slot_phrase_without_its_value_is_not_a_match(matcher: PhraseMatcher) -> None:
    match = matcher.match("수수료는 원입니다", "ko")
    assert match is None or match.phrase.id != "fee.amount"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "?!…",
        "😀😀😀",
        "a" * 10_000,
        "asdkjh qwoeiu zxmcnb",
        "\udcff\udcfe",
        "Bonjour, je voudrais un croissant au beurre",
    ],
)
def test_odd_input_gives_no_match_and_no_crash(matcher: PhraseMatcher, text: str) -> None:
    assert matcher.match(text, "en") is None


def test_mixed_scripts_still_match(matcher: PhraseMatcher) -> None:
    match = matcher.match("I lost my 외국인등록증", "en")
    assert match is not None and match.phrase.id == "for.card_lost"


def test_without_an_index_only_exact_and_fuzzy(phrasebook: Phrasebook, glossary: Glossary) -> None:
    plain = PhraseMatcher(phrasebook, glossary)
    assert not plain.semantic
    assert plain.match("감사합니다", "ko") is not None
    assert plain.match("Where is the toilet, please?", "en") is None
    assert plain.search("restroom", "en")[0].phrase_id == "dir.toilet"


@pytest.mark.parametrize(
    ("text", "lang", "near"),
    [
        ("I want to change the address on my driver's license", "en", "for.address_change"),
        ("I want a copy of my health insurance card", "en", "wel.join_insurance"),
    ],
)
def test_what_the_utterance_says_beyond_the_phrase_is_asked_about(
    matcher: PhraseMatcher, text: str, lang: str, near: str
) -> None:
    """A concept the utterance expresses that the phrase's own wording lacks (a driver's license,
    not a residence card; a copy of a card, not joining) makes the phrase a question at best."""
    assert matcher.foreign_concepts(matcher.phrasebook.get(near), text, lang)
    found = matcher.assess(text, lang)
    assert found.match is None
    assert found.plausible and found.candidates[0].phrase_id == near


def test_a_modifier_alone_does_not_keep_a_phrase_from_being_verified(
    matcher: PhraseMatcher,
) -> None:
    phrase = matcher.phrasebook.get("res.move_in_report")
    assert not matcher.foreign_concepts(phrase, "I want to report my move to a new address", "en")


@pytest.mark.parametrize("name", ["own_probes.tsv", "own_probes_2.tsv"])
def test_own_probes_meet_the_unseen_targets(matcher: PhraseMatcher, name: str) -> None:
    """Paraphrases and near misses in several languages, written before the matcher's answers
    were seen and never fitted on (they only guard against regressions)."""
    probes = read_labelled(Path(__file__).parent / "data" / name)

    def predict(text: str, lang: str) -> str | None:
        match = matcher.match(text, lang)
        return match.phrase.id if match else None

    scores, _ = evaluate(probes, predict)
    assert scores.rows >= 15 and len({p.lang for p in probes}) >= 6
    assert scores.precision >= 0.95, scores.summary()
    assert scores.recall >= 0.80, scores.summary()
    assert scores.none_false_match_rate <= 0.05, scores.summary()


def test_a_visitors_words_never_verify_a_staff_phrase(matcher: PhraseMatcher) -> None:
    """ "Is this document free?" sits next to staff's "This document is free." in any embedding;
    a visitor asking it must not be shown the staff's statement as checked."""
    from translate.phrasebook import SaidBy

    asked = matcher.assess("Is this document free?", "en", SaidBy.VISITOR)
    assert asked.match is None or asked.match.phrase.side is not SaidBy.STAFF
    told = matcher.assess("이 서류는 무료예요.", "ko", SaidBy.STAFF)
    assert told.match is not None and told.match.phrase.id == "fee.free"
    # by default a non-Korean speaker is a visitor
    default = matcher.assess("Is this document free?", "en")
    assert default.match is None or default.match.phrase.side is not SaidBy.STAFF


def test_a_question_is_not_verified_as_a_statement(matcher: PhraseMatcher) -> None:
    from translate.phrasebook import SaidBy

    found = matcher.assess("Is this document free?", "en", SaidBy.BOTH)
    assert found.match is None or found.match.phrase.id != "fee.free"


def test_a_duration_in_other_units_is_not_the_phrase(matcher: PhraseMatcher) -> None:
    """ "It takes two weeks" is no "It takes about {days} days" with days read as 2."""
    from translate.phrasebook import SaidBy

    weeks = matcher.assess("처리하는 데 2주 정도 걸립니다.", "ko", SaidBy.STAFF)
    assert weeks.match is None or weeks.match.phrase.id != "time.days"
    days = matcher.assess("처리하는 데 2일 정도 걸립니다.", "ko", SaidBy.STAFF)
    assert days.match is not None and days.match.phrase.id == "time.days"
    assert days.match.slots["days"] == 2


def test_a_number_the_phrase_cannot_hold_is_not_verified(matcher: PhraseMatcher) -> None:
    from translate.phrasebook import SaidBy

    phrase = matcher.phrasebook.get("time.days")
    assert matcher.numbers_agree(phrase, "2일 걸려요", "ko", {"days": 2})
    assert not matcher.numbers_agree(phrase, "2일 걸리고 5번 창구예요", "ko", {"days": 2})
    found = matcher.assess("3번 창구에서 2일 정도 걸립니다.", "ko", SaidBy.STAFF)
    assert found.match is None or found.match.phrase.id != "time.days"


def test_nearest_staff_phrases_read_what_slots_they_can(matcher: PhraseMatcher) -> None:
    from translate.phrasebook import SaidBy

    nearest = matcher.nearest("수수료가 삼천 원 정도 나올 거예요", "ko", SaidBy.STAFF, 4)
    assert len(nearest) == 4
    assert all(matcher.phrasebook.get(c.phrase_id).said_by(SaidBy.STAFF) for c in nearest)
    amounts = [c for c in nearest if c.phrase_id == "fee.amount"]
    assert amounts and amounts[0].slots["amount"] == 3000


def test_a_phrase_said_word_for_word_is_still_its_sides_and_its_mood(
    matcher: PhraseMatcher,
) -> None:
    """Staff's "Можно оплатить картой." asked by a visitor ("…?") is the visitor's question."""
    from translate.phrasebook import SaidBy

    staff = matcher.phrasebook.get("fee.card_ok").text["ru"].rstrip(".")
    asked = matcher.assess(f"{staff}?", "ru", SaidBy.VISITOR)
    assert asked.match is None or asked.match.phrase.id != "fee.card_ok"
    told = matcher.assess(f"{staff}.", "ru", SaidBy.STAFF)
    assert told.match is not None and told.match.phrase.id == "fee.card_ok"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("यो कति पैसा लाग्छ?", "ne"), ("អស់លុយប៉ុន្មាន?", "km"), ("가족관계증명서는 얼마예요?", "ko")],
)
def test_a_price_question_is_never_verified_as_another_phrase(
    matcher: PhraseMatcher, text: str, lang: str
) -> None:
    """कति, ប៉ុន្មាន and 얼마 ask "how much" of time and of money alike: the price words decide."""
    found = matcher.assess(text, lang, SaidBy.VISITOR)
    assert found.match is None or found.match.phrase.id == "fee.how_much"
    assert found.match is not None or found.candidates


def test_a_question_for_a_place_is_not_a_question_for_a_sum(matcher: PhraseMatcher) -> None:
    """ "Where do I pay?" shares every key word with "What do I have to pay?": asked, not
    checked."""
    found = matcher.assess("What do I have to pay for this?", "en", SaidBy.VISITOR)
    assert found.match is None and found.plausible
    assert matcher.match("Where do I pay?", "en", SaidBy.VISITOR) is not None


@pytest.mark.parametrize(
    ("text", "lang", "side", "first"),
    [
        ("지금 전산이 먹통이라서요, 조금만 기다려 주시겠어요?", "ko", SaidBy.STAFF, None),
        ("I lost my residence card. What should I do?", "en", SaidBy.VISITOR, "for.card_lost"),
        ("Я потерял карту иностранца, что мне делать?", "ru", SaidBy.VISITOR, "for.card_lost"),
    ],
)
def test_two_things_in_one_breath_are_asked_about_never_checked(
    matcher: PhraseMatcher, text: str, lang: str, side: SaidBy, first: str | None
) -> None:
    found = matcher.assess(text, lang, side)
    assert found.match is None
    if first is not None:  # telling, then asking for help: the telling is the phrase
        assert found.plausible and found.candidates[0].phrase_id == first


@pytest.mark.parametrize(
    ("text", "lang"),
    [("สวัสดีค่ะ มาต่อบัตรต่างด้าวค่ะ", "th"), ("Permisi, saya mau perpanjang kartu ARC saya.", "id")],
)
def test_a_phrase_whose_key_concepts_are_all_named_competes_however_far_down_it_ranks(
    matcher: PhraseMatcher, text: str, lang: str
) -> None:
    """Extending a residence card is extending the stay (concepts "stay|residence_card", "extend"),
    though the embedding ranks for.extend_stay below a dozen other residence-card phrases."""
    found = matcher.assess(text, lang, SaidBy.VISITOR)
    shown = [found.match.phrase.id] if found.match else [c.phrase_id for c in found.candidates]
    assert shown and shown[0] == "for.extend_stay"


def test_context_then_a_request_is_one_thing(matcher: PhraseMatcher) -> None:
    """Both parts name what the phrase is about (moving, an address): verified."""
    found = matcher.assess(
        "Hello. I moved to a new apartment last week, and I want to report my new address.",
        "en",
        SaidBy.VISITOR,
    )
    assert found.match is not None and found.match.phrase.id == "res.move_in_report"


def test_a_date_said_in_words_fills_the_date_phrase(matcher: PhraseMatcher) -> None:
    """Staff say dates as weekdays and counts of days far more than as figures: "다음 주 월요일에
    다시 오세요" is "Please come back on {date}" with next Monday's date."""
    import datetime as dt

    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    found = matcher.assess("다음 주 월요일에 다시 오세요.", "ko", SaidBy.STAFF)
    best = found.match.phrase.id if found.match else found.candidates[0].phrase_id
    slots = found.match.slots if found.match else found.candidates[0].slots
    assert best == "time.come_back"
    assert slots["date"] == monday
    later = matcher.assess("3일 후에 다시 오세요.", "ko", SaidBy.STAFF)
    first = later.match.phrase.id if later.match else later.candidates[0].phrase_id
    assert first == "time.come_back"
    assert later.match is None or later.match.slots["date"] == today + dt.timedelta(days=3)


def test_a_phrase_naming_a_day_is_not_another_day(matcher: PhraseMatcher) -> None:
    """ "Come back next Monday" is never "Please come back tomorrow"; "tomorrow" still is."""
    found = matcher.assess("다음 주 월요일에 다시 오세요.", "ko", SaidBy.STAFF)
    assert found.match is None or found.match.phrase.id != "time.tomorrow"
    assert not any(c.phrase_id == "time.tomorrow" and c.concepts_ok for c in found.candidates)
    tomorrow = matcher.assess("내일 다시 와 주세요.", "ko", SaidBy.STAFF)
    assert tomorrow.match is not None and tomorrow.match.phrase.id == "time.tomorrow"
    assert matcher.phrase_days(matcher.phrasebook.get("time.tomorrow")) == {1}
    assert matcher.phrase_days(matcher.phrasebook.get("time.today")) == {0}


def test_a_range_is_not_asked_as_one_slot_value(matcher: PhraseMatcher) -> None:
    """ "3일에서 5일" leaves 5 over: "It takes about 3 days" is neither verified nor asked."""
    found = matcher.assess("처리하는 데 보통 3일에서 5일 걸려요.", "ko", SaidBy.STAFF)
    assert found.match is None or found.match.phrase.id != "time.days"
    assert all(c.phrase_id != "time.days" for c in found.candidates)


def test_everyday_needs_another_office_serves_reach_staff(matcher: PhraseMatcher) -> None:
    """A visitor's need the counter does not serve still reaches staff, who can say where to go."""
    for text, lang, phrase_id in (
        ("Can I pay my electricity bill here?", "en", "pay.utility_bill_q"),
        ("Вызовите скорую, пожалуйста!", "ru", "emer.ambulance_please"),
        ("Saya mau bikin SIM motor.", "id", "car.motorcycle_license"),
    ):
        found = matcher.assess(text, lang, SaidBy.VISITOR)
        first = found.match.phrase.id if found.match else found.candidates[0].phrase_id
        assert first == phrase_id, text


def test_a_candidate_that_carries_everything_said_is_offered_first(matcher: PhraseMatcher) -> None:
    """Among the phrases asked about, those whose words carry every concept said (and ask for
    what the utterance asks for) come before those that leave something over."""
    said = (
        ("I'm here to pick up my wife's documents, I have a letter from her.", "en"),
        ("Can I get my health insurance certificate here?", "en"),
        ("여기는 카드 결제가 안 돼서 현금으로 내셔야 돼요.", "ko"),
        ("Где можно распечатать документы?", "ru"),
        ("我替我朋友来领，他今天上班来不了。", "zh"),
    )
    for text, lang in said:
        found = matcher.assess(text, lang, SaidBy.VISITOR if lang != "ko" else SaidBy.STAFF)
        order = []
        for candidate in found.candidates:
            phrase = matcher.phrasebook.get(candidate.phrase_id)
            clean = (
                candidate.concepts_ok
                and not matcher.foreign_concepts(phrase, text, lang)
                and matcher.asks_alike(phrase, text, lang)
            )
            order.append((not candidate.concepts_ok, not clean))
        assert order == sorted(order), (text, found.candidates)


def test_a_phrase_whose_slots_take_what_was_said_is_offered_first(matcher: PhraseMatcher) -> None:
    """The document a `{document}` slot takes is no concept left over: "외국인등록증 재발급
    수수료는 3만 원이에요" is first asked as "A {document} costs {amount} won", not as a phrase
    about residence cards that leaves the fee unsaid; "3층" is a floor, never counter 3."""
    fee = matcher.assess("외국인등록증 재발급 수수료는 3만 원이에요.", "ko", SaidBy.STAFF)
    first = fee.match or fee.candidates[0]
    assert isinstance(first, Candidate)
    assert first.phrase_id == "cert.document_cost"
    assert dict(first.slots) == {"document": "residence_card", "amount": 30000}
    floor = matcher.assess("3층으로 올라가셔서 민원여권과로 가세요.", "ko", SaidBy.STAFF)
    assert floor.candidates and floor.candidates[0].phrase_id == "dir.floor"
    assert all(c.phrase_id != "dir.counter" for c in floor.candidates)
    # a phrase that leaves the 2 of "2층" unsaid does not carry everything said
    issue = matcher.assess("이 서류는 2층에서 발급받으세요.", "ko", SaidBy.STAFF)
    assert issue.match is None and issue.candidates[0].phrase_id == "dir.floor"


def test_nearest_phrases_take_no_count_from_another_unit(matcher: PhraseMatcher) -> None:
    """ "3일에서 5일" offers "about … weeks" with the weeks left for staff to give, never 3."""
    nearest = matcher.nearest("처리하는 데 보통 3일에서 5일 걸려요.", "ko", SaidBy.STAFF, 4)
    assert nearest
    for candidate in nearest:
        other_units = {"minutes", "hours", "weeks", "months"}
        assert not other_units & set(candidate.slots), candidate
    days = [c for c in nearest if c.phrase_id == "time.days"]
    assert not days or days[0].slots["days"] == 3


def test_a_phrase_that_carries_everything_said_is_asked_a_little_lower(
    matcher: PhraseMatcher,
) -> None:
    """Staff's "this is not handled here, go to the immigration office" is asked as the
    immigration-office phrase, which carries all of it, not only as "We do not handle that
    here", which leaves the immigration office unsaid."""
    text = "이건 여기서는 처리가 안 되고요, 출입국·외국인청으로 가셔야 돼요."
    found = matcher.assess(text, "ko", SaidBy.STAFF)
    assert found.match is None
    assert found.candidates and found.candidates[0].phrase_id == "for.immigration_office"
    assert matcher.rule.clean_confirm_relief > 0
    # "by car" says nothing beyond the parking it asks for
    parking = matcher.assess(
        "А парковка тут где? Я на машине, минут на двадцать всего.", "ru", SaidBy.VISITOR
    )
    first = parking.match.phrase.id if parking.match else parking.candidates[0].phrase_id
    assert first == "car.parking_where"


def test_a_place_of_worship_is_no_question_about_documents(matcher: PhraseMatcher) -> None:
    """ "Is there a church with a Mass in English?" shares "English" and a question with "Do you
    accept documents in English?", but the church is foreign to it: never verified."""
    for text, lang in (
        ("May alam po ba kayong simbahan dito na may English na misa tuwing Linggo?", "tl"),
        ("Is there a church nearby with a Mass in English?", "en"),
    ):
        found = matcher.assess(text, lang, SaidBy.VISITOR)
        assert found.match is None, (text, found.match)


def test_a_phrase_that_carries_one_part_is_asked_in_that_parts_mood(
    matcher: PhraseMatcher,
) -> None:
    """Telling, then asking in one breath: a phrase of the telling part's mood is asked about
    ("I lost my resident registration card"), never verified, and comes after the phrases
    whose mood agrees with the whole ("I moved, where do I change my address?" is first asked
    as the address change, and never verified as "I moved, so my address has changed")."""
    lost = matcher.assess(
        "주민등록증을 잃어버렸는데, 재발급 받으려면 뭐 가져와야 돼요?", "ko", SaidBy.VISITOR
    )
    assert lost.match is None
    assert lost.candidates and lost.candidates[0].phrase_id == "res.resident_card_lost"
    assert not lost.candidates[0].whole
    for text, lang in (
        ("Я переехал, где можно поменять адрес?", "ru"),
        ("那个……我搬家了，地址要在哪儿改啊？", "zh"),
    ):
        moved = matcher.assess(text, lang, SaidBy.VISITOR)
        first = moved.match.phrase.id if moved.match else moved.candidates[0].phrase_id
        assert first != "res.moved_address", text
        wholes = [c.whole for c in moved.candidates]
        assert wholes == sorted(wholes, reverse=True), moved.candidates


def test_a_count_of_minutes_says_a_duration(matcher: PhraseMatcher) -> None:
    """ "Do I have to wait about 30 minutes?" names no "how long", but its minutes are a
    duration: "How long does it take?" is asked about, never verified (30 is in no slot)."""
    found = matcher.assess("ต้องรอประมาณ 30 นาทีเลยเหรอครับ", "th", SaidBy.VISITOR)
    assert found.match is None
    assert found.candidates and found.candidates[0].phrase_id == "time.how_long"


def test_what_counter_talk_says_around_the_point(matcher: PhraseMatcher) -> None:
    """Words around the point do not keep its phrase away: an expiry is why one extends a stay,
    "not today, come back tomorrow" names tomorrow too, "over 6 months" is the limit of "within
    {months} months", and "shall I connect an interpreter?" needs no phone."""
    for text, lang, side, phrase_id in (
        (
            "Chị ơi, em muốn gia hạn visa, ngày 15 tháng sau là hết hạn rồi.",
            "vi",
            SaidBy.VISITOR,
            "for.extend_stay",
        ),
        (
            "시스템 점검 중이라 오늘은 발급이 안 되고요, 내일 오전에 다시 오셔야 될 것 같아요.",
            "ko",
            SaidBy.STAFF,
            "time.tomorrow",
        ),
        (
            "사진이 6개월 넘은 거라서 새로 찍어 오셔야 돼요.",
            "ko",
            SaidBy.STAFF,
            "ident.photo_within",
        ),
        ("통역 서비스 연결해 드릴까요?", "ko", SaidBy.STAFF, "comm.interpreter_offer_q"),
    ):
        found = matcher.assess(text, lang, side)
        first = found.match.phrase.id if found.match else found.candidates[0].phrase_id
        assert first == phrase_id, (text, found)
    # a day the utterance does not name still keeps a phrase away
    monday = matcher.assess("다음 주 월요일에 다시 오세요.", "ko", SaidBy.STAFF)
    assert monday.match is None or monday.match.phrase.id != "time.tomorrow"


def test_counter_talk_of_the_fifth_set(matcher: PhraseMatcher) -> None:
    """ "Card or cash, both fine" is never "cash only"; a question with an afterthought
    ("… 가져오셨어요? 원본으로요.") is still a question; "카드 돼요?" asks to pay by card; a
    question about a photo's background is not "I only have a photo of my ID on my phone"."""
    both = matcher.assess("수수료 천 원이에요. 카드도 되고 현금도 돼요.", "ko", SaidBy.STAFF)
    assert both.match is None
    assert "fee.cash_only" not in [c.phrase_id for c in both.candidates]
    assert both.candidates[0].phrase_id == "fee.amount"
    only = matcher.assess("여기는 카드 결제가 안 돼서 현금으로 내셔야 돼요.", "ko", SaidBy.STAFF)
    assert only.match is not None and only.match.phrase.id == "fee.cash_only"
    lease = matcher.assess("임대차 계약서 가지고 오셨어요? 원본으로요.", "ko", SaidBy.STAFF)
    first = lease.match.phrase.id if lease.match else lease.candidates[0].phrase_id
    assert first == "doc.lease_q"
    card = matcher.assess("카드 돼요?", "ko", SaidBy.VISITOR)
    assert card.match is not None and card.match.phrase.id == "fee.card_q"
    # "no card, can I pay cash?" is the cash question, though it names a card
    for text, lang in (("Can I pay cash? I do not have a card.", "en"), ("현금 돼요?", "ko")):
        cash = matcher.assess(text, lang, SaidBy.VISITOR)
        assert cash.match is not None and cash.match.phrase.id == "fee.cash_q", text
    called = matcher.assess("私の番号、もう呼ばれました？", "ja", SaidBy.VISITOR)
    assert called.match is not None and called.match.phrase.id == "next.number_called_q"
    photo = matcher.assess("Fotonya harus latar putih ya? Yang ini biru, nggak apa-apa?", "id")
    assert photo.match is None
    assert "ident.only_phone_photo" not in [c.phrase_id for c in photo.candidates]

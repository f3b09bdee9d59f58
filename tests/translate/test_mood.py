"""Question, request or statement: read from utterances in every language, and from phrases."""

from __future__ import annotations

import pytest

from translate.mood import Mood, agrees, phrase_mood, utterance_mood, utterance_moods
from translate.phrasebook import Phrasebook


@pytest.mark.parametrize(
    ("text", "lang", "mood"),
    [
        ("Do I need a reservation?", "en", Mood.QUESTION),  # "I need" asked, not stated
        ("I have a reservation.", "en", Mood.STATEMENT),
        ("I need a copy of this", "en", Mood.REQUEST),
        ("Could you speak more slowly?", "en", Mood.REQUEST),
        ("Is this free", "en", Mood.QUESTION),  # no question mark: the word order says it
        ("예약이 필요한가요", "ko", Mood.QUESTION),
        ("예약했어요.", "ko", Mood.STATEMENT),
        ("천천히 말해 주세요", "ko", Mood.REQUEST),
        ("可以刷卡吗", "zh", Mood.QUESTION),
        ("我想交税", "zh", Mood.REQUEST),
        ("予約が必要ですか", "ja", Mood.QUESTION),
        ("ต้องจองไหม", "th", Mood.QUESTION),
        ("ลิฟต์อยู่ตรงไหนคะ พอดีแม่มาด้วย ขึ้นบันไดไม่ไหว", "th", Mood.QUESTION),  # ไหน: which, where
        ("Tôi có cần đặt lịch hẹn không", "vi", Mood.QUESTION),
        ("Нужна ли запись?", "ru", Mood.QUESTION),
        ("Я записан на приём.", "ru", Mood.STATEMENT),
        ("Apakah saya perlu reservasi", "id", Mood.QUESTION),
        ("Kailangan ko ba ng appointment", "tl", Mood.QUESTION),
        ("ត្រូវការណាត់ទុកមុនទេ", "km", Mood.QUESTION),
        ("Uchrashuv kerakmi", "uz", Mood.QUESTION),
        ("Цаг авах шаардлагатай юу", "mn", Mood.QUESTION),
        ("के अपोइन्टमेन्ट चाहिन्छ?", "ne", Mood.QUESTION),
    ],
)
def test_utterance_mood_in_every_language(text: str, lang: str, mood: Mood) -> None:
    assert utterance_mood(text, lang) is mood


@pytest.mark.parametrize(
    ("english", "mood"),
    [
        ("How much is the fee?", Mood.QUESTION),
        ("Can I pay by card?", Mood.QUESTION),
        ("Could you write it down?", Mood.REQUEST),
        ("Please wait a moment.", Mood.REQUEST),
        ("I want to register a car.", Mood.REQUEST),
        ("This document is free.", Mood.STATEMENT),
    ],
)
def test_phrase_mood_from_its_english_wording(english: str, mood: Mood) -> None:
    assert phrase_mood(english) is mood


def test_a_declared_mood_wins() -> None:
    assert phrase_mood("Your name, please.", "question") is Mood.QUESTION


def test_a_question_never_agrees_with_a_statement_and_a_request_with_anything() -> None:
    assert not agrees(Mood.QUESTION, Mood.STATEMENT)
    assert not agrees(Mood.STATEMENT, Mood.QUESTION)
    assert all(agrees(Mood.REQUEST, m) and agrees(m, Mood.REQUEST) for m in Mood)


def test_every_phrase_has_a_mood(phrasebook: Phrasebook) -> None:
    moods = {phrase.mood for phrase in phrasebook}
    assert moods == set(Mood)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I lost my residence card. What should I do?", "en"),
        ("외국인등록증을 잃어버렸어요... 어떻게 해야 돼요?", "ko"),
        ("Я потерял карту иностранца, что мне делать?", "ru"),
        ("บัตรต่างด้าวหายค่ะ ต้องทำยังไงคะ", "th"),  # ทำ written with sara am, as NFKC splits it
        ("在留カードをなくしてしまって…どうしたらいいですか？", "ja"),
        ("Kartu saya hilang, harus bagaimana ya?", "id"),
    ],
)
def test_telling_then_asking_for_help_has_both_moods(text: str, lang: str) -> None:
    """ "…, what should I do?" asks nothing of its own: what went before is a statement."""
    assert utterance_moods(text, lang) == {Mood.STATEMENT, Mood.QUESTION}


@pytest.mark.parametrize(
    ("text", "lang", "mood"),
    [
        ("임대차 계약서 가지고 오셨어요? 원본으로요.", "ko", Mood.QUESTION),
        ("여기 서명해 주세요. 감사합니다.", "ko", Mood.REQUEST),
        ("Can I pay by card? Thanks.", "en", Mood.QUESTION),
    ],
)
def test_an_afterthought_that_says_nothing_does_not_set_the_mood(
    text: str, lang: str, mood: Mood
) -> None:
    assert utterance_moods(text, lang) == {mood}


def test_a_plain_question_has_one_mood() -> None:
    assert utterance_moods("Do I need a reservation?", "en") == {Mood.QUESTION}
    assert utterance_moods("What should I do?", "en") == {Mood.QUESTION}  # nothing told before

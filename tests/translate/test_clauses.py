"""An utterance's parts: what it says, less the greetings and fillers around it."""

from __future__ import annotations

import pytest

from translate.clauses import parts, several, without_afterthoughts


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("지금 전산이 먹통이라서요, 조금만 기다려 주시겠어요?", "ko"),
        ("여기 도장 찍었습니다. 이거 가지고 가시면 돼요.", "ko"),
        ("Where can I park? Is the parking free?", "en"),
        ("Pakiulit po, hindi ko po naintindihan.", "tl"),
        ("大概要等多久啊？半个小时？", "zh"),
        ("บัตรต่างด้าวหายค่ะ ต้องทำยังไงคะ", "th"),
    ],
)
def test_two_things_in_one_breath(text: str, lang: str) -> None:
    assert several(text, lang), parts(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hi, um, I lost my residence card.", "en"),
        ("저기요, 주민등록등본 두 통 떼러 왔는데요.", "ko"),
        ("Здравствуйте, я хотел бы продлить карту иностранца.", "ru"),
        ("Chào chị, em muốn gia hạn thẻ người nước ngoài ạ.", "vi"),
        ("Assalomu alaykum, ID kartamni yangilatmoqchi edim.", "uz"),
        ("สวัสดีค่ะ มาต่อบัตรต่างด้าวค่ะ", "th"),
        ("那个……我想交税。", "zh"),
        ("すみません、在留カードを作りたいです。", "ja"),
        ("Permisi, saya mau bayar pajak.", "id"),
        ("출력해 드릴게요, 잠깐만요.", "ko"),  # a one-word courtesy is no second point
    ],
)
def test_greetings_and_fillers_are_not_a_second_part(text: str, lang: str) -> None:
    assert len(parts(text, lang)) == 1, parts(text, lang)


def test_nothing_said_has_no_parts() -> None:
    assert parts("", "en") == []
    assert parts("Um... hello!", "en") == []


def test_afterthoughts_that_say_nothing_are_left_out() -> None:
    said = "임대차 계약서 가지고 오셨어요? 원본으로요."
    assert without_afterthoughts(said, "ko") == "임대차 계약서 가지고 오셨어요?"
    both = "혹시 한국어 조금 하세요? 제가 천천히 말씀드릴게요."
    assert without_afterthoughts(both, "ko") == both  # the second says something
    assert without_afterthoughts("Um... hello!", "en") == "Um... hello!"  # nothing says anything

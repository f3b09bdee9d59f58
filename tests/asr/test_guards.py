"""Hallucination guards: phantom phrases and repetition loops are dropped, real phrases are not."""

from __future__ import annotations

import pytest

from asr.guards import is_phantom, rejection_reason
from asr.whisper import Hypothesis, compression_ratio, echoes_hint
from kiosk.runtime.speech import CIVIL_SERVICE_HINT_KO


def hyp(text: str, lang: str = "ko", logprob: float = -0.3, no_speech: float = 0.05) -> Hypothesis:
    return Hypothesis(text, lang, 1.0, logprob, no_speech, compression_ratio(text), len(text))


def test_known_phantoms_are_dropped_in_any_punctuation():
    assert is_phantom("시청해주셔서 감사합니다!", "ko")
    assert is_phantom("시청해 주셔서 감사합니다.", "ko")
    assert is_phantom("Thank you for watching!", "en")
    assert rejection_reason(hyp("MBC 뉴스 이재경입니다.")) == "phantom phrase"


def test_real_counter_phrases_are_kept():
    for text, lang in [("감사합니다.", "ko"), ("Thank you.", "en"), ("谢谢。", "zh")]:
        assert rejection_reason(hyp(text, lang)) is None


def test_repetition_loop_is_dropped():
    looping = "Fire " * 30
    assert compression_ratio(looping) > 2.4
    assert rejection_reason(hyp(looping, "en")) == "repetition"


def test_short_loops_are_dropped():
    assert rejection_reason(hyp("2 3 2 3 2 3 2 3 2 3 2 3 2 3", "ko")) == "repetition"
    assert rejection_reason(hyp("네네네네네네네네네네네네네", "ko")) == "repetition"
    assert rejection_reason(hyp("네, 네. 알겠습니다.", "ko")) is None


def test_silence_hypothesis_is_dropped():
    assert rejection_reason(hyp("음", no_speech=0.9, logprob=-1.5)) == "no speech"
    assert rejection_reason(hyp("   ")) == "empty"


def test_doubt_alone_never_drops_what_voice_activity_heard_as_speech():
    doubtful = hyp("레슬리 앤 다운과 모건 페어차일드", no_speech=0.9, logprob=-2.5)
    assert rejection_reason(doubtful) == "no speech"
    assert rejection_reason(doubtful, speech_s=3.0) is None
    # a loop or a phantom phrase is dropped however long the speech
    assert rejection_reason(hyp("네네네네네네네네네네네네네"), speech_s=3.0) == "repetition"
    assert rejection_reason(hyp("시청해주셔서 감사합니다"), speech_s=3.0) == "phantom phrase"


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("수수료기간 연장, 수수료기간 연장, 수수료기간", True),  # recited, over and over
        ("수수료 수수료", True),
        ("체류기간 연장하러 왔어요", False),  # the hint's words, really said
        ("체류기간 연장하러 왔어요. 체류기간이 끝나요", False),
        ("외국인등록증, 여권.", False),
        ("작품성, 배우들의 연기력 또한 매우 훌륭한 작품이라고 생각합니다.", False),
        ("", False),
    ],
)
def test_a_decode_that_recites_the_hint_is_told_from_one_that_uses_its_words(text, echo):
    assert echoes_hint(text, CIVIL_SERVICE_HINT_KO) is echo

"""Pinyin to hanzi: candidates, choosing, and the Chinese phrasebook typed through candidates."""

from __future__ import annotations

import unicodedata

import pytest
from pypinyin import Style, lazy_pinyin

from kiosk.keyboards import CandidateComposer, composer_for, layouts_for
from kiosk.keyboards.hanzi import shared_dictionary, toneless
from kiosk.keyboards.pinyin import PinyinComposer
from tests.kiosk.keyboards.conftest import wordings
from tests.kiosk.keyboards.typist import presses
from translate.phrasebook import Phrasebook

PAGE = 10  # candidates a visitor sees without scrolling


@pytest.fixture(scope="module")
def composer() -> PinyinComposer:
    return PinyinComposer(shared_dictionary())


def type_keys(composer: PinyinComposer, keys: str) -> None:
    composer.clear()
    for key in keys:
        composer.press(key)


def test_a_word_is_the_first_candidate(composer: PinyinComposer) -> None:
    type_keys(composer, "shouxufei")
    assert composer.syllables() == ("shou", "xu", "fei")
    assert composer.candidates[0] == "手续费"
    composer.press(" ")
    assert composer.take_committed() == "手续费" and composer.composing == ""


def test_choosing_a_shorter_word_leaves_the_rest_to_choose(composer: PinyinComposer) -> None:
    type_keys(composer, "qingwenshouxufei")
    assert composer.candidates[0] == "请问"
    composer.choose(0)
    assert composer.committed == "请问" and composer.composing == "shouxufei"
    composer.choose(composer.candidates.index("手续费"))
    assert composer.text == "请问手续费"


def test_syllables_split_the_fewest_ways_and_an_apostrophe_splits(composer: PinyinComposer) -> None:
    type_keys(composer, "xian")
    assert composer.syllables() == ("xian",)
    type_keys(composer, "xi'an")
    assert composer.syllables() == ("xi", "an") and composer.candidates[0] == "西安"
    type_keys(composer, "fangan")
    assert composer.syllables() == ("fang", "an")


def test_v_types_u_umlaut_and_polyphones_read_by_the_word(composer: PinyinComposer) -> None:
    type_keys(composer, "lvse")
    assert "绿色" in composer.candidates[:3]
    type_keys(composer, "yinhang")
    assert composer.candidates[0] == "银行"  # 行 reads hang here, xing elsewhere
    assert toneless("lǜ") == "lv"


def test_punctuation_and_capitals_end_the_preedit(composer: PinyinComposer) -> None:
    type_keys(composer, "duoshao？")
    assert composer.text == "多少？"
    type_keys(composer, "KTX")
    assert composer.text == "KTX"
    assert composer.backspace() and composer.text == "KT"


def test_finish_writes_the_best_words(composer: PinyinComposer) -> None:
    type_keys(composer, "qingwenshouxufei")
    assert composer.finish() == "请问手续费"
    type_keys(composer, "xyz")  # not pinyin: stays as letters
    assert composer.finish() == "xyz"


def test_the_pinyin_layout_composes_with_candidates() -> None:
    composer = composer_for(layouts_for("zh")[0])
    assert isinstance(composer, PinyinComposer) and isinstance(composer, CandidateComposer)


def _is_hanzi(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED")


def _type_hanzi(composer: PinyinComposer, run: str) -> tuple[int, int]:
    """Type a run of hanzi as its pinyin and pick, each time, the longest candidate that begins
    the rest; returns (characters written from the first page, characters written at all)."""
    pinyin = lazy_pinyin(run, style=Style.NORMAL, v_to_u=False)
    type_keys(composer, "'".join(pinyin).replace("ü", "v"))
    on_page = total = 0
    rest = run
    while rest and composer.composing:
        candidates = composer.candidates
        fitting = [i for i, c in enumerate(candidates) if rest.startswith(c)]
        if not fitting:
            break
        best = max(fitting, key=lambda i: (len(candidates[i]), -i))
        word = candidates[best]
        total += len(word)
        on_page += len(word) if best < PAGE else 0
        composer.choose(best)
        rest = rest[len(word) :]
    return on_page, total


def test_the_chinese_phrasebook_types_through_candidates(
    phrasebook: Phrasebook, composer: PinyinComposer
) -> None:
    """Every hanzi of every wording is reachable, nearly all on the first page; the rest of
    each wording (digits, full-width punctuation, Latin letters) is on the keys."""
    hanzi = on_page = reached = 0
    layouts = layouts_for("zh")
    for text in wordings(phrasebook, "zh"):
        runs = "".join(c if _is_hanzi(c) else "\n" for c in text).split()
        for run in runs:
            page, total = _type_hanzi(composer, run)
            hanzi += len(run)
            on_page += page
            reached += total
        rest = "".join(c for c in text if not _is_hanzi(c))
        if rest:
            presses(rest, layouts)
    assert reached == hanzi
    assert on_page / hanzi > 0.97, f"{on_page}/{hanzi} on the first page"

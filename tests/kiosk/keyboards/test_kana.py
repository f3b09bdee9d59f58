"""Kana: the grid, the mark keys, and Japanese phrasebook wordings typed as kana and converted."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.keyboards import CandidateComposer, composer_for, layout, layouts_for
from kiosk.keyboards.kana import SEMI_VOICED, SMALL, VOICED, KanaComposer, is_kana, modified
from kiosk.keyboards.kanji import shared_converter
from tests.kiosk.keyboards.conftest import wordings
from tests.kiosk.keyboards.typist import presses
from translate.phrasebook import Phrasebook

# Phrasebook wordings (fee.how_much, greet.hello, greet.thanks, cert.which_certificate_q,
# copy.notary_where, dir.subway, doc.write_name, emer.fire, for.card_issue, pay.kiosk_broken),
# each as the readings a visitor types, a phrase at a time, with the text each should give.
READINGS = {
    "手数料はおいくらですか。": [
        ("てすうりょうは", "手数料は"),
        ("おいくらですか。", "おいくらですか。"),
    ],
    "こんにちは。どのようなご用件でしょうか。": [
        ("こんにちは。", "こんにちは。"),
        ("どのような", "どのような"),
        ("ごようけん", "ご用件"),
        ("でしょうか。", "でしょうか。"),
    ],
    "ありがとうございます。": [("ありがとうございます。", "ありがとうございます。")],
    "どの証明書が必要ですか。": [
        ("どの", "どの"),
        ("しょうめいしょが", "証明書が"),
        ("ひつようですか。", "必要ですか。"),
    ],
    "公証はどこで受けられますか。": [
        ("こうしょうは", "公証は"),
        ("どこで", "どこで"),
        ("うけられますか。", "受けられますか。"),
    ],
    "地下鉄の駅へはどう行けばいいですか。": [
        ("ちかてつの", "地下鉄の"),
        ("えきへは", "駅へは"),
        ("どういけばいいですか。", "どう行けばいいですか。"),
    ],
    "こちらにお名前を書いてください。": [
        ("こちらに", "こちらに"),
        ("おなまえを", "お名前を"),
        ("かいてください。", "書いてください。"),
    ],
    "火事です。すぐに外へ出てください。": [
        ("かじです。", "火事です。"),
        ("すぐに", "すぐに"),
        ("そとへ", "外へ"),
        ("でてください。", "出てください。"),
    ],
    "在留カードを作りたいです。": [
        ("ざいりゅう", "在留"),
        ("カードを", "カードを"),
        ("つくりたいです。", "作りたいです。"),
    ],
    "自動交付機は今故障しています。": [
        ("じどう", "自動"),
        ("こうふきは", "交付機は"),
        ("いま", "今"),
        ("こしょうしています。", "故障しています。"),
    ],
}


_SMALL_KANA = "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ"


def type_on_grid(composer: KanaComposer, kana: str) -> None:
    """Press grid keys for `kana`: the plain kana (Shift for katakana), then its mark keys."""
    grid = layout("kana")
    for char in kana:
        big = modified(char, SMALL) if char in _SMALL_KANA else char
        base = unicodedata.normalize("NFD", big)[0]
        found = grid.find(base)
        assert found is not None, char
        composer.press(found[0].output(shifted=found[1].value == "shift"))
        if "\u3099" in unicodedata.normalize("NFD", big):
            composer.press(VOICED)
        if "\u309a" in unicodedata.normalize("NFD", big):
            composer.press(SEMI_VOICED)
        if big != char:
            composer.press(SMALL)


def test_mark_keys_change_the_kana_before_them() -> None:
    assert modified("か", VOICED) == "が" and modified("が", VOICED) == "か"
    assert modified("は", SEMI_VOICED) == "ぱ" and modified("ば", SEMI_VOICED) == "ぱ"
    assert modified("つ", SMALL) == "っ" and modified("ゃ", SMALL) == "や"
    assert modified("ウ", VOICED) == "ヴ" and modified("あ", VOICED) == "あ"
    composer = KanaComposer(convert=False)
    for key in ["ウ", "オ", SMALL, "ン"]:
        composer.press(key)
    assert composer.composing == "ウォン"


def test_shift_types_katakana() -> None:
    grid = layout("kana")
    found = grid.find("か")
    assert found is not None and found[0].shift == "カ"
    assert grid.find("ー") is not None and grid.find("ん") is not None


def test_candidates_are_the_kana_then_katakana_then_kanji() -> None:
    composer = KanaComposer()
    type_on_grid(composer, "てすうりょう")
    assert composer.candidates[:3] == ("てすうりょう", "テスウリョウ", "手数料")
    composer.press(" ")  # space takes the best conversion
    assert composer.take_committed() == "手数料"


def test_finish_writes_kana_unconverted() -> None:
    composer = KanaComposer()
    type_on_grid(composer, "きょう")
    assert composer.finish() == "きょう"
    assert composer.backspace() and composer.text == "きょ"


def test_kana_only_without_a_converter() -> None:
    composer = KanaComposer(convert=False)
    type_on_grid(composer, "きょう")
    assert composer.candidates == ("きょう", "キョウ")


def test_the_kana_layout_composes_with_candidates() -> None:
    composer = composer_for(layouts_for("ja")[0])
    assert isinstance(composer, KanaComposer) and isinstance(composer, CandidateComposer)


def test_every_kana_and_mark_of_the_phrasebook_is_on_the_keys(phrasebook: Phrasebook) -> None:
    """Kana, punctuation, digits and Latin letters; kanji come from conversion (below)."""
    for text in wordings(phrasebook, "ja"):
        for char in text:
            if unicodedata.name(char, "").startswith("CJK UNIFIED") or char == "々":
                continue
            if is_kana(char):
                composer = KanaComposer(convert=False)
                type_on_grid(composer, char)
                assert composer.composing == char
            else:
                presses(char, layouts_for("ja"))


@pytest.mark.parametrize("text", sorted(READINGS))
def test_phrasebook_wordings_convert_from_their_readings(text: str) -> None:
    composer = KanaComposer(shared_converter())
    for reading, written in READINGS[text]:
        type_on_grid(composer, reading)
        assert written in composer.candidates[:10], (reading, composer.candidates[:10])
        composer.choose(composer.candidates.index(written))
    assert composer.take_committed() == text

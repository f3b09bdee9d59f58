"""Layouts: every visitor language has keyboards that type all its phrasebook, script by script."""

from __future__ import annotations

import pytest

from kiosk.keyboards import (
    ComposerKind,
    Layout,
    PlainComposer,
    labels_for,
    layout,
    layouts_for,
)
from kiosk.keyboards.labels import languages as label_languages
from kiosk.keyboards.layout import languages as layout_languages
from tests.kiosk.keyboards.conftest import wordings
from tests.kiosk.keyboards.typist import presses
from translate import languages
from translate.phrasebook import Phrasebook

# Written through a composer and tested with it (test_telex, test_pinyin, test_kana).
_COMPOSED = {"vi", "zh", "ja", "ko"}
PLAIN_LANGUAGES = [code for code in languages.codes() if code not in _COMPOSED]


def type_with(layouts: list[Layout], text: str) -> str:
    composer = PlainComposer()
    for press in presses(text, layouts):
        composer.press(press.text)
    return composer.finish()


def test_every_registry_language_has_layouts_and_labels() -> None:
    assert set(languages.codes()) <= set(layout_languages())
    assert set(languages.codes()) <= set(label_languages())
    for code in languages.codes():
        found = layouts_for(code)
        assert found, code
        assert found[-1].name == "latin", code  # Latin is always one switch away
        assert all(labels_for(code).__getattribute__(f) for f in ("send", "switch", "close"))


def test_a_language_without_keyboards_gets_latin_and_english_labels() -> None:
    assert [x.name for x in layouts_for("ksl")] == ["latin"]
    assert labels_for("ksl") == labels_for("en")


@pytest.mark.parametrize("lang", PLAIN_LANGUAGES)
def test_the_keyboards_type_every_phrasebook_wording(phrasebook: Phrasebook, lang: str) -> None:
    layouts = layouts_for(lang)
    for text in wordings(phrasebook, lang):
        assert type_with(layouts, text) == text


@pytest.mark.parametrize("lang", ["th", "km", "ne", "ru", "mn"])
def test_the_own_script_is_typed_on_its_own_layout(phrasebook: Phrasebook, lang: str) -> None:
    """Latin letters (KTX, Wi-Fi, km) come from the Latin layout; the script from its own."""
    own = layouts_for(lang)[0]
    script_presses = [
        p
        for text in wordings(phrasebook, lang)
        for p in presses(text, layouts_for(lang))
        if not p.text.isascii()
    ]
    assert script_presses
    assert {p.layout for p in script_presses} == {own.name}


def test_thai_is_kedmanee() -> None:
    thai = layout("thai")
    assert thai.source.startswith("xkeyboard-config") and "symbols/th(" in thai.source
    keys = {k.position: k for k in thai.every_key()}
    assert (keys["AC01"].base, keys["AC02"].base, keys["AC03"].base) == ("ฟ", "ห", "ก")
    assert keys["AC06"].base == "\u0e49" and keys["AC06"].label() == "◌\u0e49"  # ้ on a circle
    typed = presses("ค่าธรรมเนียม", [thai])
    assert [(p.key.position, p.level.value) for p in typed] == [
        ("AE08", "base"), ("AC07", "base"), ("AC08", "base"), ("AD05", "shift"),
        ("AD08", "base"), ("AD08", "base"), ("AB08", "base"), ("AC05", "base"),
        ("AD09", "base"), ("AD07", "base"), ("AD10", "base"), ("AB08", "base"),
    ]  # fmt: skip


def test_khmer_subscripts_are_typed_with_the_coeng_key() -> None:
    khmer = layout("khmer")
    coeng = khmer.find("\u17d2")
    assert coeng is not None and coeng[0].position == "AC07"  # ្ on J, as NiDA places it
    typed = presses("ខ្មែរ", [khmer])
    assert [p.text for p in typed] == ["ខ", "\u17d2", "ម", "ែ", "រ"]
    assert type_with([khmer], "ក្រសួង") == "ក្រសួង"


def test_khmer_vowel_digraphs_are_one_key() -> None:
    khmer = layout("khmer")
    for digraph in ("ាំ", "ោះ", "េះ", "ុំ", "ុះ"):
        assert khmer.find(digraph) is not None, digraph


def test_mongolian_has_its_two_letters() -> None:
    mongolian = layout("mongolian")
    for letter, capital in (("ө", "Ө"), ("ү", "Ү")):
        found = mongolian.find(letter)
        assert found is not None and found[0].shift == capital
    assert type_with([mongolian], "Өргөдөл үү?") == "Өргөдөл үү?"


def test_uzbek_latin_has_o_and_g_with_the_turned_comma_as_one_key() -> None:
    uzbek = layout("uzbek-latin")
    for letter, capital in (("oʻ", "Oʻ"), ("gʻ", "Gʻ")):
        found = uzbek.find(letter)
        assert found is not None and found[0].shift == capital
    assert uzbek.find("ʻ") is not None  # on the apostrophe's key, as xkb's uz(latin) has it
    typed = presses("Oʻzbekiston bogʻi", [uzbek])
    assert "Oʻ" in [p.text for p in typed] and "gʻ" in [p.text for p in typed]


def test_cyrillic_russian_is_jcuken() -> None:
    russian = layout("russian")
    assert "".join(k.base for k in russian.rows[1])[:12] == "йцукенгшщзхъ"
    assert type_with([russian], "Сколько стоит пошлина? «Да» — ё") == (
        "Сколько стоит пошлина? «Да» — ё"
    )


def test_composed_layouts_name_their_composer() -> None:
    assert layout("vietnamese").composer is ComposerKind.TELEX
    assert layout("pinyin").composer is ComposerKind.PINYIN
    assert layout("kana").composer is ComposerKind.KANA
    assert layout("hangul").composer is ComposerKind.HANGUL
    assert layout("thai").composer is ComposerKind.NONE


def test_every_key_has_a_visible_label_and_positions_are_unique() -> None:
    for name in {n for code in layout_languages() for n in [x.name for x in layouts_for(code)]}:
        board = layout(name)
        positions = [k.position for k in board.every_key()]
        assert len(positions) == len(set(positions)), name
        for key in board.every_key():
            assert key.label().strip(), (name, key)
        assert board.licence and board.source and board.switch_label

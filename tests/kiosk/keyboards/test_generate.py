"""The committed layout files are what the generator writes from this machine's xkeyboard-config."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from kiosk.keyboards import generate
from kiosk.keyboards.xkb import KEYSYMDEF, SYMBOLS, character, keysym_table, read_layout

SHIPPED = Path(str(resources.files("assets").joinpath("keyboards")))
needs_xkb = pytest.mark.skipif(
    not (SYMBOLS.is_dir() and KEYSYMDEF.is_file()),
    reason="xkb-data and x11proto-dev are not installed",
)


@needs_xkb
def test_the_shipped_layouts_are_the_generated_ones(tmp_path: Path) -> None:
    assert generate.main([str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.toml"))
    assert written and set(written) <= {p.name for p in SHIPPED.glob("*.toml")}
    for name in written:
        assert (tmp_path / name).read_text("utf-8") == (SHIPPED / name).read_text("utf-8"), name


@needs_xkb
def test_includes_are_followed_and_later_keys_win() -> None:
    uzbek = read_layout("uz", "latin")  # include "us", then the apostrophe key replaced
    assert uzbek["AD01"].levels[:2] == ("q", "Q")
    assert uzbek["AC11"].levels[0] == "ʻ"
    russian = read_layout("ru", "winkeys")  # include "ru(common)"
    assert russian["AD01"].levels[:2] == ("й", "Й") and russian["AE03"].levels[1] == "№"


@needs_xkb
def test_keysyms_become_characters() -> None:
    names = keysym_table()
    assert character("Thai_kokai", names) == "ก"
    assert character("Cyrillic_o_bar", names) == "ө"
    assert character("0x10017d2", names) == "\u17d2"
    assert character("U20AE", names) == "₮"
    assert character("NoSymbol", names) == ""

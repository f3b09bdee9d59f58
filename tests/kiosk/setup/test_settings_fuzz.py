"""Property tests: whatever a settings file holds, loading it gives usable settings."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.setup.settings import IDLE_TIMEOUT_S, MAX_SCREEN, OFFERED_LANGUAGES, Layout, Settings

KEYS = [k for k in Settings.__dataclass_fields__ if k != "problems"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from([*OFFERED_LANGUAGES, "xx", "ko", "split", "false", "0000", "1e999"]),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children)
    ),
    max_leaves=20,
)
settings_dicts = st.dictionaries(
    st.sampled_from([*KEYS, "bogus"]) | st.text(max_size=10), json_values
)


def _usable(s: Settings) -> None:
    assert IDLE_TIMEOUT_S[0] <= s.idle_timeout_s <= IDLE_TIMEOUT_S[1]
    assert type(s.idle_timeout_s) is int
    assert 0 <= s.staff_screen <= MAX_SCREEN and 0 <= s.visitor_screen <= MAX_SCREEN
    assert isinstance(s.font_scale, float) and 1.0 <= s.font_scale <= 2.0
    assert isinstance(s.layout, Layout)
    assert type(s.speak_translations) is bool
    assert s.languages and set(s.languages) <= set(OFFERED_LANGUAGES)
    assert s.pin.isdigit() and 4 <= len(s.pin) <= 8
    for text in (s.staff_device, s.visitor_device, s.camera, s.speech_model):
        assert isinstance(text, str)
    assert s.camera.strip()


@settings(max_examples=300, deadline=None)
@given(settings_dicts)
def test_any_settings_dict_loads_usable_values(raw: dict[str, object]) -> None:
    loaded = Settings.from_dict(raw)
    _usable(loaded)
    for key in raw:
        if key not in KEYS:
            assert any(repr(str(key)[:40]) in p for p in loaded.problems)
    # what loads can be saved and loaded again unchanged and without problems
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "settings.json"
        loaded.save(path)
        again = Settings.load(path)
    assert again == loaded and again.problems == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_settings_file_bytes_load(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "settings.json"
        path.write_bytes(data)
        _usable(Settings.load(path))


@settings(max_examples=200, deadline=None)
@given(st.integers() | st.floats())
def test_numbers_out_of_range_are_reported(number: float) -> None:
    loaded = Settings.from_dict({"idle_timeout_s": number})
    fits = (
        not isinstance(number, float) or (math.isfinite(number) and number.is_integer())
    ) and IDLE_TIMEOUT_S[0] <= number <= IDLE_TIMEOUT_S[1]
    assert (loaded.problems == []) == fits
    assert json.dumps(loaded.problems)  # plain text, whatever the number

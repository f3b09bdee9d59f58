from __future__ import annotations

import subprocess

import pytest

from translate import languages
from translate.errors import PhrasebookError, UnsupportedLanguageError

REQUIRED = ("ko", "zh", "vi", "th", "en", "uz", "ru", "mn", "ne", "km", "tl", "id", "ja")


def test_registry_has_every_required_language_with_all_fields() -> None:
    codes = languages.codes()
    assert set(REQUIRED) <= set(codes)
    for language in languages.all():
        assert language.native and language.english and language.font
        assert language.direction in ("ltr", "rtl")
        assert language.whisper and language.nllb and language.m2m100


def test_native_names_are_written_in_their_own_script() -> None:
    assert languages.get("ko").native == "한국어"
    assert languages.get("th").native.startswith("ภาษา")
    assert languages.get("km").font == "Noto Sans Khmer"
    assert languages.get("zh").font == "Noto Sans CJK SC"
    assert languages.get("ne").script == "Deva"


def test_unknown_code_is_a_message_naming_the_choices() -> None:
    with pytest.raises(UnsupportedLanguageError, match="choose one of ko, zh"):
        languages.get("fr")
    assert not languages.is_supported("fr")


def test_whisper_codes_map_back() -> None:
    assert languages.by_whisper_code("vi") == languages.get("vi")
    assert languages.by_whisper_code("fr") is None


def test_espeak_voices_exist_where_named() -> None:
    try:
        listing = subprocess.run(
            ["espeak-ng", "--voices"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("espeak-ng is not installed")
    available = {line.split()[1] for line in listing.splitlines()[1:] if line.split()}
    for language in languages.all():
        if language.espeak:
            assert language.espeak in available, language.code


def test_malformed_registry_is_reported() -> None:
    with pytest.raises(PhrasebookError, match="lacks"):
        languages.parse_registry('[[language]]\ncode = "xx"\n')
    with pytest.raises(PhrasebookError, match="not valid TOML"):
        languages.parse_registry("[[language]\n")

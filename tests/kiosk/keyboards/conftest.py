"""Fixtures for the keyboard tests: the shipped phrasebook, whose wordings the keys must type."""

from __future__ import annotations

import re

import pytest

from translate.phrasebook import Phrasebook

_SLOT = re.compile(r"\{\w+\}")


@pytest.fixture(scope="session")
def phrasebook() -> Phrasebook:
    return Phrasebook.load()


def wordings(book: Phrasebook, lang: str) -> list[str]:
    """Every wording in `lang` (shown and match-only), slots taken out: staff fill those."""
    return sorted({_SLOT.sub("", w) for phrase in book for w in phrase.wordings(lang)})

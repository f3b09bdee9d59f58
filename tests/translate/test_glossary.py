from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import pytest
from named_pipes import call_beside_pipe

from translate import languages
from translate.concepts import ConceptLexicon
from translate.errors import NotAFileError, PhrasebookError
from translate.glossary import Glossary

REQUIRED_TERMS = (
    "resident_registration_copy",
    "residence_card",
    "move_in_report",
    "extension_of_stay",
)


def test_required_terms_have_every_language(glossary: Glossary) -> None:
    for key in REQUIRED_TERMS:
        term = glossary.get(key)
        assert set(languages.codes()) <= set(term.text)
    assert glossary.render("resident_registration_copy", "ko") == "주민등록등본"
    assert glossary.render("extension_of_stay", "ko") == "체류기간 연장"


def test_find_prefers_the_longest_term_and_whole_words(glossary: Glossary) -> None:
    hits = glossary.find("외국인등록증이랑 등본 주세요", "ko")
    assert [h.term.key for h in hits] == ["residence_card", "resident_registration_copy"]
    assert glossary.find("a cup of coffee", "en") == []
    assert [h.term.key for h in glossary.find("The fee is due.", "en")] == ["fee"]


def test_lookup_for_staff(glossary: Glossary) -> None:
    keys = {t.key for t in glossary.lookup("등본")}
    assert "resident_registration_copy" in keys
    assert glossary.lookup("") == []


def test_first_document_in_any_language(glossary: Glossary) -> None:
    assert glossary.first_document("I need my passport", "en") == "passport"
    assert glossary.first_document("nothing here", "en") is None


def test_incomplete_term_is_refused() -> None:
    with pytest.raises(PhrasebookError, match="lacks"):
        Glossary.parse('[[term]]\nkey = "x"\nkind = "document"\n[term.text]\nko = "엑스"\n')


def test_a_glossary_file_given_by_path_serves_terms_and_concepts(tmp_path: Path) -> None:
    shipped = resources.files("assets").joinpath("glossary.toml").read_text(encoding="utf-8")
    copy = tmp_path / "glossary.toml"
    copy.write_text(shipped, encoding="utf-8")
    assert [t.key for t in Glossary.load(copy)] == [t.key for t in Glossary.load()]
    assert [c.key for c in ConceptLexicon.load(copy)] == [
        c.key for c in ConceptLexicon.parse(shipped)
    ]
    copy.write_text('[[term]]\nkey = "x"\nkind = "document"\n', encoding="utf-8")
    with pytest.raises(PhrasebookError, match=re.escape(f"add it to {copy}")):
        Glossary.load(copy)
    with pytest.raises(PhrasebookError, match=re.escape(f"no concept 'car' in {copy}")):
        ConceptLexicon.load(copy).get("car")


@pytest.mark.parametrize("catalogue", [Glossary, ConceptLexicon])
def test_a_pipe_given_as_the_glossary_is_refused(
    tmp_path: Path, catalogue: type[Glossary] | type[ConceptLexicon]
) -> None:
    pipe = tmp_path / "glossary.toml"
    os.mkfifo(pipe)
    with pytest.raises(NotAFileError, match="is a named pipe"):
        call_beside_pipe(lambda: catalogue.load(pipe), pipe)


def test_a_term_inside_another_word_is_not_found(glossary: Glossary) -> None:
    """护照 (passport) is written across 保护 (protect) and 照片 (photo)."""
    assert glossary.find("请保护照片。", "zh") == []
    assert [h.term.key for h in glossary.find("我的护照丢了。", "zh")] == ["passport"]

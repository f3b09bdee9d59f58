from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from named_pipes import call_beside_pipe

from translate import languages, slots
from translate.errors import NotAFileError, PhrasebookError, UnknownPhraseError
from translate.glossary import Glossary
from translate.phrasebook import Phrasebook, SaidBy, parse_topic_file

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def core_rows(shared_dir: Path) -> list[dict[str, str]]:
    with open(shared_dir / "eval" / "core_phrases.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_every_core_id_is_present_with_its_korean_wording(
    phrasebook: Phrasebook, shared_dir: Path
) -> None:
    for row in core_rows(shared_dir):
        phrase = phrasebook.get(row["id"])
        assert phrase.text["ko"] == row["ko"], row["id"]
        assert phrase.side == SaidBy(row["side"])
        assert phrase.is_reviewed("ko") and phrase.is_reviewed("en")


def test_every_entry_has_all_languages_and_none_is_copied_korean(phrasebook: Phrasebook) -> None:
    for phrase in phrasebook:
        for code in languages.codes():
            text = phrase.text[code]
            assert text.strip(), (phrase.id, code)
            if code != "ko":
                assert text != phrase.text["ko"], (phrase.id, code)
                assert not HANGUL.search(text), (phrase.id, code, text)


def test_drafts_are_marked_as_drafts(phrasebook: Phrasebook) -> None:
    assert all(set(p.reviewed) <= {"ko", "en"} for p in phrasebook)
    assert not phrasebook.get("fee.amount").is_reviewed("vi")


def test_phrasebook_is_large_and_covers_the_counter_topics(phrasebook: Phrasebook) -> None:
    assert len(phrasebook) >= 300
    topics = {t.id for t in phrasebook.topics()}
    assert {
        "greet",
        "doc",
        "res",
        "for",
        "fee",
        "time",
        "wel",
        "fam",
        "waste",
        "car",
        "dir",
        "emer",
        "sign",
    } <= topics
    for topic in phrasebook.topics():
        assert set(languages.codes()) <= set(topic.name), topic.id
        assert phrasebook.phrases(topic.id), topic.id


def test_slots_render_in_every_language(phrasebook: Phrasebook, glossary: Glossary) -> None:
    for phrase in phrasebook:
        if not phrase.slots:
            continue
        for code in languages.codes():
            rendered = slots.render(phrase.text[code], code, slots.EXAMPLE_VALUES, glossary.render)
            assert "{" not in rendered and "}" not in rendered, (phrase.id, code)


def test_side_filter(phrasebook: Phrasebook) -> None:
    staff = phrasebook.phrases("fee", SaidBy.STAFF)
    assert "fee.amount" in {p.id for p in staff}
    assert "fee.how_much" not in {p.id for p in staff}
    assert "comm.repeat" in {p.id for p in phrasebook.phrases("greet", "visitor")}


def test_content_hash_changes_with_content(phrasebook: Phrasebook) -> None:
    topic, phrases = parse_topic_file(_one_phrase("안녕"), "t.toml")
    other = Phrasebook(parse_topic_file(_one_phrase("안녕하세요"), "t.toml")[1], [topic])
    assert Phrasebook(phrases, [topic]).content_hash() != other.content_hash()
    assert phrasebook.content_hash() == Phrasebook.load().content_hash()


def test_unknown_id_is_a_message() -> None:
    with pytest.raises(UnknownPhraseError, match="phrases search"):
        Phrasebook.load().get("no.such")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[topic]\nid = 't'\n[[phrase]]\nid = 'a'\nside = 'staff'\n[phrase.text]\nko = 'x'\n",
            "lacks",
        ),
        ("[topic]\nid = 't'\n[[phrase]]\nid = 'a'\nside = 'nobody'\n", "side must be"),
        ("[[phrase]]\nid = 'a'\n", "no \\[topic\\] id"),
        ("[topic\n", "not valid TOML"),
    ],
)
def test_malformed_topic_files_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(PhrasebookError, match=message):
        parse_topic_file(text, "t.toml")


def test_slots_must_agree_across_languages() -> None:
    text = _one_phrase("수수료는 {amount}원입니다.").replace(
        'en = "x-en{amount}"', 'en = "The fee."'
    )
    with pytest.raises(PhrasebookError, match="must use the slots"):
        parse_topic_file(text, "t.toml")


def test_duplicate_ids_are_refused() -> None:
    topic, phrases = parse_topic_file(_one_phrase("안녕"), "t.toml")
    with pytest.raises(PhrasebookError, match="twice"):
        Phrasebook([*phrases, *phrases], [topic])


def test_topic_files_are_read_from_paths_and_a_pipe_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "t.toml"
    saved.write_text(_one_phrase("안녕"), encoding="utf-8")
    assert [phrase.id for phrase in Phrasebook.from_files([saved])] == ["t.one"]
    pipe = tmp_path / "piped.toml"
    os.mkfifo(pipe)
    with pytest.raises(NotAFileError, match=r"piped\.toml is a named pipe"):
        call_beside_pipe(lambda: Phrasebook.from_files([saved, pipe]), pipe)


def _one_phrase(ko: str) -> str:
    slot = "{amount}" if "{amount}" in ko else ""
    lines = ["[topic]", 'id = "t"', "[[phrase]]", 'id = "t.one"', 'side = "staff"', "[phrase.text]"]
    for code in languages.codes():
        lines.append(f'{code} = "{ko}"' if code == "ko" else f'{code} = "x-{code}{slot}"')
    return "\n".join(lines) + "\n"


def test_match_wordings_are_not_copies_of_the_dev_set(
    phrasebook: Phrasebook, shared_dir: Path
) -> None:
    """Extra wordings help matching; copying the dev set into them would only fake the score."""
    from rapidfuzz import fuzz

    from translate.evaluation import read_labelled
    from translate.normalise import normalise_spaced

    dev = [
        normalise_spaced(i.text)
        for i in read_labelled(shared_dir / "eval" / "phrase_match_dev.tsv")
    ]
    for phrase in phrasebook:
        for wordings in phrase.match.values():
            for wording in wordings:
                closest = max(fuzz.ratio(normalise_spaced(wording), d) for d in dev)
                assert closest < 70, (phrase.id, wording)

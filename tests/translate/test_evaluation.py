from __future__ import annotations

from pathlib import Path

import pytest

from translate.errors import TranslateError
from translate.evaluation import LabelledUtterance, Outcome, read_labelled, score


def test_metrics_follow_the_readme() -> None:
    item = LabelledUtterance
    outcomes = [
        Outcome(item("en", "a", "x"), "x"),  # right
        Outcome(item("en", "b", "y"), "x"),  # wrong answer
        Outcome(item("en", "c", "z"), "NONE"),  # missed
        Outcome(item("en", "d", "NONE"), "x"),  # false match on NONE
        Outcome(item("en", "e", "NONE"), "NONE"),
    ]
    scores = score(outcomes)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.none_false_match_rate == pytest.approx(1 / 2)


def test_reads_the_dev_set(shared_dir: Path) -> None:
    items = read_labelled(shared_dir / "eval" / "phrase_match_dev.tsv")
    assert len(items) > 50 and any(i.expected == "NONE" for i in items)


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"lang\tutterance\texpected_id\nen\t\xff\xfe\tNONE\n")
    with pytest.raises(TranslateError, match=r"not UTF-8.*offset"):
        read_labelled(bad)


def test_wrong_columns_and_missing_file(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(TranslateError, match="columns"):
        read_labelled(wrong)
    with pytest.raises(TranslateError, match="cannot read"):
        read_labelled(tmp_path / "absent.tsv")

from __future__ import annotations

import os
from pathlib import Path

import pytest
from named_pipes import call_beside_pipe

from translate.errors import NotAFileError, TranslateError
from translate.evaluation import (
    LabelledUtterance,
    Outcome,
    evaluate_matcher,
    read_labelled,
    score,
)
from translate.matcher import PhraseMatcher


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


def test_the_matcher_is_scored_and_its_confirm_step_counted(matcher: PhraseMatcher) -> None:
    items = [
        LabelledUtterance("ko", "수수료는 3,000원입니다.", "fee.amount"),
        LabelledUtterance("en", "What do I have to pay for this?", "NONE"),
        LabelledUtterance("en", "The pizza was cold", "NONE"),
    ]
    result = evaluate_matcher(matcher, items)
    assert [o.predicted for o in result.outcomes] == ["fee.amount", "NONE", "NONE"]
    assert result.asked == tuple(matcher.assess(i.text, i.lang).plausible for i in items)
    assert result.asked[1] and not result.asked[2]  # a near miss is asked about, pizza is not
    assert (result.scores.correct, result.none_rows, result.asked_on_none) == (1, 2, 1)


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


def test_a_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "rows.tsv"
    os.mkfifo(pipe)
    with pytest.raises(NotAFileError, match=r"named pipe.*give the path of a saved file"):
        call_beside_pipe(lambda: read_labelled(pipe), pipe)

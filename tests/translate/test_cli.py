"""The `changgu translate`, `changgu phrases` and `changgu eval phrases` commands, end to end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from named_pipes import call_beside_pipe

from kiosk.cli import main
from translate.matcher import PhraseMatcher


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, data_dir: Path, matcher: PhraseMatcher) -> Path:
    """CHANGGU_DATA_DIR pointing at the session's data folder (its phrase index already built)."""
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHANGGU_LOG_DIR", str(data_dir / "logs"))
    return data_dir


def test_translate_prints_the_tier(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "수수료는 3,000원입니다.", "--to", "vi"]) == 0
    out = capsys.readouterr().out
    assert "[verified · exact · fee.amount · draft" in out and "Lệ phí là 3.000 won." in out


def test_translate_none_and_errors(
    data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["translate", "The pizza was cold", "--from", "en", "--to", "ko"]) == 1
    assert "[none]" in capsys.readouterr().err
    assert main(["translate", "hi", "--from", "xx", "--to", "ko"]) == 2
    assert "not supported" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    assert main(["translate", "--file", str(bad), "--to", "en"]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and len(err.strip().splitlines()) == 1


def test_phrases_search_show_list(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["phrases", "search", "where is the bathroom", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[1] == "dir.toilet"
    assert (
        main(["phrases", "show", "time.come_back", "--lang", "en", "--slot", "date=2025-05-07"])
        == 0
    )
    assert capsys.readouterr().out.strip() == "Please come back on May 7."
    assert main(["phrases", "show", "fee.amount", "--slot", "amount"]) == 2
    assert main(["phrases", "list", "--topic", "dir", "--side", "staff"]) == 0
    assert "dir.floor" in capsys.readouterr().out


def test_eval_phrases(data: Path, shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "phrases", str(shared_dir / "eval" / "phrase_match_dev.tsv")]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out and "NONE false-match" in out


def test_phrases_search_with_an_unknown_show_language_is_a_message(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["phrases", "search", "x", "--show", "xx"]) == 2
    err = capsys.readouterr().err
    assert "xx" in err and "not supported" in err and "Traceback" not in err


def test_phrases_list_with_an_unknown_language_is_a_message(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["phrases", "list", "--lang", "xx"]) == 2
    err = capsys.readouterr().err
    assert "not supported" in err and len(err.strip().splitlines()) == 1


def test_translate_file_reads_a_bounded_amount(
    data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    long = tmp_path / "long.txt"
    long.write_text("안녕하세요. " * 20_000, encoding="utf-8")
    assert main(["translate", "--file", str(long), "--to", "en"]) == 2
    err = capsys.readouterr().err
    assert "longer than" in err and len(err.strip().splitlines()) == 1
    assert main(["translate", "--file", "/dev/zero", "--to", "en"]) == 2
    err = capsys.readouterr().err
    assert "/dev/zero is a device" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [["translate", "--to", "en", "--file"], ["eval", "phrases"]],
    ids=["translate", "eval"],
)
def test_a_pipe_given_as_the_file_is_a_message_not_a_wait(
    data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    pipe = tmp_path / "input.txt"
    os.mkfifo(pipe)
    assert call_beside_pipe(lambda: main([*command, str(pipe)]), pipe) == 2
    err = capsys.readouterr().err
    assert "is a named pipe" in err and len(err.strip().splitlines()) == 1


def test_translate_asks_about_a_near_miss(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "What do I have to pay for this?"
    assert main(["translate", text, "--from", "en", "--to", "ko"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[confirm · ") and "did you mean" in out
    assert len(out.strip().splitlines()) >= 2  # the candidates, one a line


def test_eval_reports_the_confirm_step(
    data: Path, shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "phrases", str(shared_dir / "eval" / "phrase_match_dev.tsv")]) == 0
    out = capsys.readouterr().out
    assert "confirm step asked" in out and "on NONE rows" in out

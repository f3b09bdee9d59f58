"""`changgu office …` as staff run it: the real entry point, the real data folder of the test,
one line for every error a person must act on."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.translate.named_pipes import call_beside_pipe
from translate.office import OfficeBook


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["office", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(result: tuple[int, str, str], *words: str) -> None:
    code, _, err = result
    assert code == 2
    assert "Traceback" not in err and "unexpected failure" not in err
    [line] = [line for line in err.splitlines() if line.strip()]
    assert line.startswith("changgu: ")
    for word in words:
        assert word in line


def add_hours(capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    code, out, _ = run(
        capsys,
        "add",
        "--id",
        "office.hours",
        "--side",
        "staff",
        "--ko",
        "운영 시간은 오전 9시부터 오후 6시까지입니다.",
        "--by",
        "김민지",
        *extra,
    )
    assert code == 0 and out.startswith("added office.hours")


def test_add_translate_review_list_in_the_data_folder(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_hours(capsys, "--lang", "en", "--text", "We are open from 9 a.m. to 6 p.m.")
    code, out, _ = run(
        capsys, "translate", "office.hours", "vi", "Mở cửa từ 9 giờ đến 18 giờ.", "--by", "Lan"
    )
    assert code == 0 and "not reviewed" in out
    code, out, _ = run(capsys, "review", "office.hours", "vi", "--by", "Minh")
    assert code == 0 and "reviewed by Minh" in out
    code, out, _ = run(capsys, "list", "--lang", "vi")
    assert code == 0
    assert "office.hours" in out and "Mở cửa từ 9 giờ đến 18 giờ." in out
    assert "vi reviewed; ko, en not reviewed" in out
    book = OfficeBook.load(private_data / "office" / "phrases.toml")  # the default file
    assert book.get("office.hours").reviewed == {"vi"}


def test_self_review_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], private_data: Path
) -> None:
    file = tmp_path / "phrases.toml"
    add_hours(capsys, "--lang", "en", "--text", "Open 9 to 6.", "--file", str(file))
    before = file.read_bytes()
    result = run(capsys, "review", "office.hours", "en", "--by", "김민지", "--file", str(file))
    assert_one_line_error(result, "cannot review it too", "another person")
    assert file.read_bytes() == before


def test_edit_clears_the_review_of_the_changed_text(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_hours(capsys)
    assert run(capsys, "review", "office.hours", "ko", "--by", "박서준")[0] == 0
    code, out, _ = run(
        capsys, "edit", "office.hours", "--ko", "운영 시간: 9시-18시", "--side", "both"
    )
    assert code == 0 and "ko not reviewed" in out
    code, out, _ = run(capsys, "list", "--side", "visitor")
    assert code == 0 and "운영 시간: 9시-18시" in out and "both" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("translate", "office.hours", "en", "The fee is {amount} won.", "--by", "A"), "slots"),
        (("translate", "office.hours", "xx", "text", "--by", "A"), "not a supported language"),
        (("translate", "office.none", "en", "text", "--by", "A"), "no office phrase"),
        (("add", "--id", "fee.amount", "--side", "staff", "--ko", "x"), "office.<name>"),
        (("add", "--id", "office.hours", "--side", "staff", "--ko", "x"), "already exists"),
        (("add", "--id", "office.y", "--side", "staff", "--ko", "x", "--lang", "en"), "together"),
        (("edit", "office.hours", "--lang", "en", "--text", "Open."), "who typed it"),
        (("review", "office.hours", "ja", "--by", "Sato"), "no ja text"),
        (("remove", "office.none"), "no office phrase"),
        (("export", "somewhere", "--office", "../up"), "office name"),
    ],
)
def test_mistakes_are_one_line_each(
    private_data: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    words: str,
) -> None:
    add_hours(capsys)
    assert_one_line_error(run(capsys, *args), words)


def test_export_then_import_elsewhere_with_conflicts_and_replace(
    tmp_path: Path, private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_hours(capsys, "--lang", "en", "--text", "Open 9 to 6.")
    stick = tmp_path / "usb"
    stick.mkdir()
    code, out, _ = run(capsys, "export", str(stick), "--office", "jongno-gu")
    pack = stick / "jongno-gu.changgu-phrases"
    assert code == 0 and str(pack) in out and pack.is_file()

    other = tmp_path / "other.toml"
    code, out, _ = run(capsys, "import", str(pack), "--file", str(other))
    assert code == 0 and "1 added, 0 replaced" in out and "jongno-gu" in out
    assert run(capsys, "remove", "office.hours")[0] == 0  # the first office's book
    assert "office.hours" not in OfficeBook.load(private_data / "office" / "phrases.toml")

    run(capsys, "edit", "office.hours", "--side", "visitor", "--file", str(other))
    before = other.read_bytes()
    result = run(capsys, "import", str(pack), "--file", str(other))
    assert_one_line_error(result, "nothing imported", "office.hours", "--replace")
    assert other.read_bytes() == before
    code, out, _ = run(capsys, "import", str(pack), "--file", str(other), "--replace")
    assert code == 0 and "0 added, 1 replaced" in out and "replaced: office.hours" in out
    assert OfficeBook.load(other).get("office.hours").side.value == "staff"


def _hostile(path: Path, member: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("changgu-phrases.toml", "format = 'changgu-phrases'\n")
        archive.writestr(member, "x")
    return path


@pytest.mark.parametrize(
    ("member", "words"),
    [("../phrases.toml", "leads out of its folder"), ("/phrases.toml", "absolute path")],
)
def test_a_hostile_pack_is_one_line_and_the_book_is_unchanged(
    tmp_path: Path,
    private_data: Path,
    capsys: pytest.CaptureFixture[str],
    member: str,
    words: str,
) -> None:
    add_hours(capsys)
    file = private_data / "office" / "phrases.toml"
    before = file.read_bytes()
    pack = _hostile(tmp_path / "bad.changgu-phrases", member)
    assert_one_line_error(run(capsys, "import", str(pack)), words, "Nothing was imported")
    assert file.read_bytes() == before


def test_a_bundled_phrase_id_in_a_pack_is_refused(
    tmp_path: Path, private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "bad.changgu-phrases"
    with zipfile.ZipFile(pack, "w") as archive:
        archive.writestr(
            "changgu-phrases.toml",
            'format = "changgu-phrases"\nversion = 1\noffice = "x"\n'
            "created = 2025-05-07\nphrases = 1\n",
        )
        archive.writestr(
            "phrases.toml",
            'version = 1\n[[phrase]]\nid = "fee.amount"\nside = "staff"\n'
            '[phrase.text.ko]\ntext = "수수료는 {amount}원입니다."\n',
        )
    assert_one_line_error(run(capsys, "import", str(pack)), "fee.amount", "bundled phrasebook")
    assert not (private_data / "office" / "phrases.toml").exists()


def test_a_pipe_named_as_a_pack_is_refused_without_waiting(
    tmp_path: Path, private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "pipe.changgu-phrases"
    os.mkfifo(pipe)
    result = call_beside_pipe(lambda: run(capsys, "import", str(pipe)), pipe)
    assert_one_line_error(result, "named pipe")


def test_an_empty_book_lists_nothing(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0 and out == "" and "no office phrases yet" in err

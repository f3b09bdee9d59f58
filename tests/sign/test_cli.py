"""`changgu sign …` through the real CLI entry point, with a private data folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.sign import _describe
from sign.events import SignUnsure
from sign.landmarks import LandmarkSequence
from sign.pipeline import recognise_landmarks
from sign.recogniser import RecogniserConfig
from sign.store import demo_vocabulary
from sign.stream import SignStream, SignStreamConfig
from sign.vocabulary import SignVocabulary


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHANGGU_LOG_DIR", str(tmp_path / "logs"))
    return tmp_path


def test_recognize_video_with_demo_pack(msl_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign", "recognize", str(msl_root / "original_source" / "doctor_001.mp4")]) == 0
    out = capsys.readouterr()
    assert "의사" in out.out and "not KSL" in out.err


def test_enroll_from_files_then_manage(
    msl_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = msl_root / "original_source" / "yo_001.mp4"
    args = ["sign", "enroll", "--gloss", "나", "--text", "저", "--signer", "a", str(video)]
    assert main(args) == 0
    assert main(["sign", "vocab", "list", "office"]) == 0
    listing = capsys.readouterr().out
    assert "나\t저\t-\tsign\t1 takes\t1 signers" in listing
    pack = tmp_path / "office.signpack"
    assert main(["sign", "vocab", "export", "office", str(pack)]) == 0
    assert main(["sign", "vocab", "import", str(pack), "--name", "copy"]) == 0
    assert main(["sign", "recognize", "--vocab", "copy", str(video)]) == 0
    assert "저" in capsys.readouterr().out
    assert main(["sign", "vocab", "delete", "copy"]) == 0
    capsys.readouterr()
    assert main(["sign", "vocab", "list"]) == 0
    assert capsys.readouterr().out.startswith("office\t1 glosses\t1 takes")


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.signpack"
    bad.write_bytes(b"PK\x03\x04 broken")
    assert main(["sign", "vocab", "import", str(bad)]) == 2
    assert main(["sign", "enroll", "--gloss", "등본", "--takes", "1", "--camera", "0"]) == 2
    assert main(["sign", "recognize", str(tmp_path / "missing.mp4")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    lines = [line for line in err if line.startswith("changgu:")]
    assert len(lines) == 3
    assert "damaged" in lines[0] and "no camera" in lines[1] and "does not exist" in lines[2]


def test_recognize_a_sound_only_file_says_it_has_no_picture(
    sound_only_mp4: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sign", "recognize", str(sound_only_mp4)]) == 2
    err = capsys.readouterr().err
    assert f"{sound_only_mp4} has no video picture: give a video file" in err
    assert "camera" not in err


def test_export_to_a_folder_writes_the_pack_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = demo_vocabulary().export_archive(tmp_path / "demo.signpack")
    assert main(["sign", "vocab", "import", str(demo), "--name", "office"]) == 0
    stick = tmp_path / "media" / "usb"
    stick.mkdir(parents=True)
    assert main(["sign", "vocab", "export", "office", str(stick)]) == 0
    assert f"exported office to {stick / 'office.signpack'}" in capsys.readouterr().out
    assert [p.name for p in stick.iterdir()] == ["office.signpack"]
    assert sorted(p.name for p in stick.parent.iterdir()) == ["usb"]  # nothing beside the stick
    assert main(["sign", "vocab", "import", str(stick / "office.signpack"), "--name", "b"]) == 0


SPAN = re.compile(r"^\s*\d+\.\d\d–\s*\d+\.\d\d s  ")


def test_recognize_one_line_per_sign_with_its_span(
    msl_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sign", "recognize", str(msl_root / "original_source" / "hoy_001.mp4")]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert SPAN.match(line) and "오늘" in line and not line.endswith("?")


def test_recognize_sign_outside_the_vocabulary(
    msl_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An office vocabulary holding only 나 (yo): other signs are not shown as recognised."""
    video = msl_root / "original_source" / "yo_001.mp4"
    assert main(["sign", "enroll", "--gloss", "나", "--signer", "a", str(video)]) == 0
    capsys.readouterr()
    other = msl_root / "original_source" / "doctor_001.mp4"
    assert main(["sign", "recognize", "--vocab", "office", str(other)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert SPAN.match(line) and "not recognised" in line
    # hoy looks like yo (both point): at most a question, never a result
    similar = msl_root / "original_source" / "hoy_001.mp4"
    assert main(["sign", "recognize", "--vocab", "office", str(similar)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert SPAN.match(line) and (line.endswith("나?") or "not recognised" in line), line


def test_unsure_sign_line_is_a_question(
    msl_vocabulary: SignVocabulary, video_landmarks: dict[str, LandmarkSequence]
) -> None:
    strict = SignStreamConfig(recogniser=RecogniserConfig(accept_spreads=1.0, unsure_spreads=4.0))
    (event,) = recognise_landmarks(video_landmarks["dolor"], SignStream(msl_vocabulary, strict))
    assert isinstance(event, SignUnsure)
    line = _describe(event)
    assert SPAN.match(line) and line.endswith("아파요 (통증)?")
    assert "not recognised" not in line and event.reason in line

"""The `changgu` command as a person runs it: real processes, real models, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from kiosk.setup.model_store import ModelManager
from tests.asr.test_audio import _jpeg_bytes, write_mp3_8k_stereo


def changgu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def assert_one_clear_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_transcribe_prints_times_and_language(clip_by_id):
    result = changgu("transcribe", str(clip_by_id["ru_css10_ess_0021"].path), "--langs", "ko,ru")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) >= 1
    assert all(line.startswith("[00:0") and "] ru " in line for line in lines)


def test_transcribe_json_lines(clip_by_id, tmp_path):
    mp3 = tmp_path / "phone.mp3"
    from asr.audio import load_audio

    write_mp3_8k_stereo(load_audio(clip_by_id["en_libri_61-70968-0000"].path), mp3)
    result = changgu("transcribe", str(mp3), "--langs", "ko,en", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["final"] and r["lang"] == "en" for r in rows)
    assert "wizard" in " ".join(r["text"] for r in rows).lower()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.wav", None, ("not found",)),
        ("empty.wav", b"", ("empty",)),
        ("photo.wav", "jpeg", ("no audio",)),
    ],
)
def test_bad_audio_files(tmp_path, name, content, words):
    path = tmp_path / name
    if content == "jpeg":
        path.write_bytes(_jpeg_bytes())
    elif content is not None:
        path.write_bytes(content)
    assert_one_clear_error(changgu("transcribe", str(path)), name, *words)


def test_unknown_language_code(clip_by_id):
    result = changgu("transcribe", str(clip_by_id["en_mfa_cv_22058266"].path), "--langs", "ko,xx")
    assert_one_clear_error(result, "xx")


def test_corrupted_model_file(tmp_path, clip_by_id):
    installed = ModelManager()
    data = tmp_path / "data"
    for name in ("whisper-base", "silero-vad"):
        shutil.copytree(installed.folder(name), data / "models" / name)
    with (data / "models" / "whisper-base" / "model.bin").open("r+b") as fh:
        fh.truncate(1_000_000)
    clip = str(clip_by_id["en_mfa_cv_22058266"].path)
    result = changgu("transcribe", clip, env={"CHANGGU_DATA_DIR": str(data)})
    assert_one_clear_error(result, "damaged", "changgu models install whisper-base")


def test_missing_model(tmp_path, clip_by_id):
    result = changgu(
        "transcribe",
        str(clip_by_id["en_mfa_cv_22058266"].path),
        env={"CHANGGU_DATA_DIR": str(tmp_path / "empty")},
    )
    assert_one_clear_error(result, "not installed", "changgu models install")


def test_no_input_device(tmp_path):
    # no sound card and no sound server: what a counter PC without a microphone sees
    result = changgu(
        "listen",
        env={"PULSE_SERVER": f"unix:{tmp_path}/no-server", "XDG_RUNTIME_DIR": str(tmp_path)},
    )
    assert_one_clear_error(result, "no microphone found")


def test_doctor_reports_every_check():
    result = changgu("doctor")
    for topic in ("model whisper-base", "font for Korean", "microphone", "camera"):
        assert topic in result.stdout
    assert result.returncode in (0, 1)


def test_translation_pack_from_a_usb_stick_archive(tmp_path):
    """Staff copy an MT pack archive from a USB stick: `models install --from` checks and installs
    it where the kiosk finds it, and it translates what no phrase covers."""
    import tarfile

    from tests.translate.mt_models import word_pack
    from translate import Translator
    from translate.mt import find_packs

    folder = word_pack(tmp_path / "made", "words-id-en", "id", "en", {"kucing": "cat"}, ["satu"])
    stick = tmp_path / "usb" / "words-id-en.tar.gz"
    stick.parent.mkdir()
    with tarfile.open(stick, "w:gz") as archive:
        archive.add(folder, arcname=folder.name)
    data = tmp_path / "data"
    result = changgu("models", "install", "--from", str(stick), env={"CHANGGU_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert "words-id-en installed" in result.stdout
    mt_dir = data / "models" / "mt"
    packs, problems = find_packs(mt_dir)
    assert [p.name for p in packs] == ["words-id-en"] and problems == []
    translator = Translator.load(tmp_path / "cache", mt_dir, semantic=False)
    translation = translator.translate("kucing", "id", "en")
    assert translation.kind.value == "machine" and translation.text.strip().lower() == "cat"

    # a folder that is not a pack: one clear line, naming what to do instead
    (tmp_path / "usb" / "whisper-small").mkdir()
    wrong = changgu(
        "models",
        "install",
        "--from",
        str(tmp_path / "usb" / "whisper-small"),
        env={"CHANGGU_DATA_DIR": str(data)},
    )
    assert wrong.returncode == 2 and "changgu models install whisper-small --from" in wrong.stdout


def test_output_cut_short_by_its_reader_is_not_a_failure():
    # `changgu models list | head -0`: the reader is gone before the command writes (it takes a
    # second to start), so its first write meets a closed pipe
    with subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "models", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, err
    assert err == ""

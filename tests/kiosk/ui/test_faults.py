"""Faults injected into the running kiosk: what staff see, what keeps working, what comes back.

Each fault is real — a camera path that vanishes and returns, a model file deleted from the data
folder, a full disk and a read-only mount for export, a PATH without espeak-ng — and each test
drives the real `Kiosk` behind the real screens. In every case quick replies and typing keep
working, the staff status bar names the problem, and the kiosk recovers by itself once the cause
is gone.

The microphone pulled out mid-visit and plugged back in (a PulseAudio source unloaded and loaded
again) is `test_health.py::test_microphone_lost_mid_visit_and_back`; here, the microphone that is
missing when the kiosk starts and plugged in later.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from asr.audio import load_audio
from asr.events import Side
from kiosk.core.events import VisitMode
from kiosk.core.session import KSL, TurnKind
from kiosk.runtime.sign_input import CameraOpener
from kiosk.setup import paths
from kiosk.setup.settings import Settings
from kiosk.ui.theme import THEME
from tests.conftest import require
from tests.kiosk.ui.conftest import close, make_ui, status_colour, status_text, wait_for_turn

DEMO = Path(str(resources.files("assets").joinpath("demo")))
SIGN_VIDEO = DEMO / "msl_ambulancia_001.mp4"
ENGLISH = DEMO / "synthetic_en_02_fee.wav"


def _still_serves(qtbot: object, kiosk: object, ui: object, typed: str) -> None:
    """A quick reply reaches the visitor's screen at once, and typed Korean is translated."""
    reply = kiosk.quick_reply("greet.wait")  # type: ignore[attr-defined]
    assert reply is not None and reply.translated_text
    assert ui.visitor.newest_label.text() == reply.translated_text  # type: ignore[attr-defined]
    kiosk.send_typed(typed)  # type: ignore[attr-defined]
    turn = wait_for_turn(qtbot, kiosk, lambda t: t.text == typed and t.kind is not TurnKind.PENDING)
    assert turn.translated_text and turn.kind is not TurnKind.NONE
    assert turn.turn_id in ui.staff.cards  # type: ignore[attr-defined]


# -- microphone ------------------------------------------------------------------------------------


@pytest.mark.pulse
def test_microphone_missing_at_start_is_picked_up_when_plugged_in(qtbot, pulse_microphone):
    mic = pulse_microphone
    mic.unplug()  # the counter is switched on with the microphone's cable out
    kiosk, ui = make_ui(qtbot)
    try:
        kiosk.choose_language("en")
        kiosk.start_microphones()
        qtbot.waitUntil(
            lambda: THEME.untranslated in status_colour(ui, "mic:counter"), timeout=20_000
        )
        assert "mic:counter" in status_text(ui, "mic:counter")
        _still_serves(qtbot, kiosk, ui, "잠시만 기다려 주세요.")

        mic.plug_in()
        qtbot.waitUntil(lambda: THEME.verified in status_colour(ui, "mic:counter"), timeout=30_000)
        mic.play(np.concatenate([load_audio(ENGLISH), np.zeros(16000, np.float32)]))
        said = wait_for_turn(
            qtbot,
            kiosk,
            lambda t: t.side is Side.VISITOR and t.final and t.kind is not TurnKind.PENDING,
        )
        assert said.lang == "en" and "fee" in said.text.lower()
    finally:
        close(ui)


# -- camera ----------------------------------------------------------------------------------------


def test_camera_vanishes_in_deaf_visitor_mode_and_comes_back(qtbot, tmp_path):
    """The camera is a device path (here a video file read through the same OpenCV capture as a
    /dev/video node): absent when the Deaf visitor arrives, then plugged in, then pulled out and
    plugged in again."""
    device = tmp_path / "video0.mp4"
    kiosk, ui = make_ui(qtbot, load_speech=False)
    try:
        kiosk.sign.retry_s = 0.5
        kiosk.camera.video = CameraOpener(str(device))  # the camera the settings would name
        kiosk.choose_language(KSL)
        qtbot.waitUntil(lambda: THEME.untranslated in status_colour(ui, "camera"), timeout=20_000)
        assert "no camera found" in status_text(ui, "camera")
        _still_serves(qtbot, kiosk, ui, "천천히 말씀해 주세요.")

        shutil.copyfile(SIGN_VIDEO, device)  # plugged in: found without anyone doing anything
        qtbot.waitUntil(lambda: THEME.verified in status_colour(ui, "camera"), timeout=60_000)

        device.unlink()  # pulled out while it streams
        qtbot.waitUntil(lambda: THEME.verified not in status_colour(ui, "camera"), timeout=60_000)
        assert kiosk.conversation.mode is VisitMode.DEAF  # still a Deaf visitor: captions go on
        _still_serves(qtbot, kiosk, ui, "다시 한 번 보여 주세요.")

        shutil.copyfile(SIGN_VIDEO, device)  # and back
        qtbot.waitUntil(lambda: THEME.verified in status_colour(ui, "camera"), timeout=60_000)
        assert kiosk.sign.running
    finally:
        close(ui)


# -- a model file removed --------------------------------------------------------------------------


@pytest.fixture
def throwaway_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed_models: Path
) -> Path:
    """A copy of the installed models (and phrase index) in a data folder of the test's own."""
    data = tmp_path / "data"
    shutil.copytree(installed_models, data / "models")
    if paths.cache_dir().is_dir():
        shutil.copytree(paths.cache_dir(), data / "cache")
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(data))
    return data / "models"


def test_model_files_removed_while_the_kiosk_runs(qtbot, throwaway_models):
    kiosk, ui = make_ui(qtbot)
    vad = throwaway_models / "silero-vad" / "silero_vad_v6.onnx"
    kept = vad.read_bytes()
    try:
        kiosk.choose_language("en")
        (throwaway_models / "whisper-base" / "model.bin").unlink()
        vad.unlink()

        kiosk.open_feed(realtime=False)  # the microphone is (re)opened: it needs the VAD file
        qtbot.waitUntil(lambda: bool(status_colour(ui, "mic:feed:counter")), timeout=10_000)
        assert THEME.untranslated in status_colour(ui, "mic:feed:counter")
        assert "changgu models install silero-vad" in status_text(ui, "mic:feed:counter")
        _still_serves(qtbot, kiosk, ui, "잠시만 기다려 주세요.")

        vad.write_bytes(kept)  # `changgu models install silero-vad` puts it back
        kiosk.play_file(ENGLISH, realtime=False)  # Whisper is still in memory: speech works
        qtbot.waitUntil(
            lambda: THEME.verified in status_colour(ui, "mic:feed:counter"), timeout=10_000
        )
        said = wait_for_turn(
            qtbot,
            kiosk,
            lambda t: t.side is Side.VISITOR and t.final and t.kind is not TurnKind.PENDING,
        )
        assert said.lang == "en" and "fee" in said.text.lower() and said.translated_text
    finally:
        close(ui)


# -- export ----------------------------------------------------------------------------------------


@contextmanager
def _mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "changgu-test", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


@pytest.fixture
def visit_to_export(qtbot: object) -> Iterator[tuple[object, object]]:
    """A kiosk with both screens and a short visit on them: two quick replies to an English
    visitor."""
    kiosk, ui = make_ui(qtbot, load_speech=False)
    kiosk.choose_language("en")
    kiosk.quick_reply("greet.hello")
    kiosk.quick_reply("fee.amount", {"amount": "1200"})
    yield kiosk, ui
    close(ui)


def _assert_export_refused(ui: object, kiosk: object, target: Path, reason: str) -> None:
    turns = list(kiosk.session.turns)  # type: ignore[attr-defined]
    assert ui.export(path=target, confirm=False) is None  # type: ignore[attr-defined]
    assert THEME.untranslated in status_colour(ui, "export")
    message = status_text(ui, "export")
    assert str(target) in message and reason in message and "다른 위치" in message
    assert list(kiosk.session.turns) == turns  # the visit stays in memory, on both screens
    assert all(t.turn_id in ui.staff.cards for t in turns)  # type: ignore[attr-defined]


def test_export_to_a_full_or_read_only_disk(visit_to_export, tmp_path):
    kiosk, ui = visit_to_export
    # a device, not a file (/dev/full would take the transcript and fail): refused before writing
    _assert_export_refused(ui, kiosk, Path("/dev/full"), "not a regular file")
    with _mounted_tmpfs(tmp_path / "full", "size=4k") as full:
        (full / "filler").write_bytes(b"\0" * 4096)  # the stick is full
        _assert_export_refused(ui, kiosk, full / "visit.txt", "disk full")
        assert [p.name for p in full.iterdir()] == ["filler"]  # no half-written transcript
    with _mounted_tmpfs(tmp_path / "ro", "ro,size=64k") as read_only:
        _assert_export_refused(ui, kiosk, read_only / "visit.txt", "read-only")

    saved = ui.export(path=tmp_path / "visit.txt", confirm=False)  # another place: saved
    assert saved is not None and THEME.verified in status_colour(ui, "export")
    assert kiosk.session.turns[-1].translated_text in saved.read_text(encoding="utf-8")


def _disk_full_mid_write(fdopen: Callable[..., IO[str]]) -> Callable[..., IO[str]]:
    """`os.fdopen` on a disk that fills up: the first half of what is written lands, then the
    write fails with ENOSPC."""

    def opened(fd: int, *args: object, **kwargs: object) -> IO[str]:
        out = fdopen(fd, *args, **kwargs)
        write = out.write

        def half_then_full(text: str) -> int:
            write(text[: len(text) // 2])
            out.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        out.write = half_then_full
        return out

    return opened


def _rename_on_full_disk(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("fails", ["while writing", "at the rename"])
def test_export_failing_over_an_earlier_file_leaves_it_whole(
    visit_to_export, tmp_path, monkeypatch, fails
):
    kiosk, ui = visit_to_export
    folder = tmp_path / "usb"
    folder.mkdir()
    earlier = folder / "visit.txt"
    kept = "Changgu visit transcript (ko / vi)\n[09:00:00] staff (ko): 안녕하세요\n" * 200
    earlier.write_text(kept, encoding="utf-8")
    with monkeypatch.context() as disk:
        if fails == "while writing":
            disk.setattr(os, "fdopen", _disk_full_mid_write(os.fdopen))
        else:
            disk.setattr(os, "replace", _rename_on_full_disk)
        _assert_export_refused(ui, kiosk, earlier, "disk full")
    assert earlier.read_text(encoding="utf-8") == kept  # the earlier transcript, whole
    assert [p.name for p in folder.iterdir()] == ["visit.txt"]  # nothing half-written beside it


def test_export_to_a_folder_writes_a_file_inside_it(visit_to_export, tmp_path):
    kiosk, ui = visit_to_export
    folder = tmp_path / "usb"
    folder.mkdir()
    saved = ui.export(path=folder, confirm=False)
    assert saved is not None and saved.parent == folder and saved.suffix == ".txt"
    assert [p.name for p in folder.iterdir()] == [saved.name]
    text = saved.read_text(encoding="utf-8")
    assert all(t.text in text and t.translated_text in text for t in kiosk.session.turns)
    assert THEME.verified in status_colour(ui, "export")
    assert str(saved) in status_text(ui, "export")  # staff read where it went


# -- speech out without espeak-ng ------------------------------------------------------------------


def test_espeak_missing_then_installed(qtbot, tmp_path, monkeypatch):
    require(bool(shutil.which("espeak-ng")), "espeak-ng", "apt-get install espeak-ng")
    kiosk, ui = make_ui(qtbot, load_speech=False, settings=Settings(speak_translations=True))
    try:
        kiosk.choose_language("en")
        path = os.environ["PATH"]
        bare = tmp_path / "bin"
        bare.mkdir()
        monkeypatch.setenv("PATH", str(bare))  # espeak-ng is not installed
        hello = kiosk.quick_reply("greet.hello")
        assert hello is not None and ui.visitor.newest_label.text() == hello.translated_text
        assert THEME.machine in status_colour(ui, "speech out")
        assert "apt-get install espeak-ng" in status_text(ui, "speech out")
        _still_serves(qtbot, kiosk, ui, "잠시만 기다려 주세요.")

        monkeypatch.setenv("PATH", path)  # installed while the kiosk runs: spoken again
        kiosk.quick_reply("greet.hello")
        assert THEME.verified in status_colour(ui, "speech out")
    finally:
        close(ui)

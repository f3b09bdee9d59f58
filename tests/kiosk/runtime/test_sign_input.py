"""Deaf-visitor mode end to end: a real MSL-150 video (or real photos) as the camera, real
MediaPipe, the real recogniser and vocabulary store, the real kiosk and staff screen.

Videos are paced in real time like a live camera (about 2 s each). The office vocabulary lives
in a temporary data folder; settings and logs too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from asr.events import Side
from kiosk.core import strings
from kiosk.core.events import CameraState, VisitMode
from kiosk.core.session import KSL
from kiosk.runtime.kiosk import Kiosk
from kiosk.runtime.sign_input import LatestSlot, LiveFrame
from kiosk.setup.settings import Layout, Settings
from kiosk.ui.theme import REFERENCE_DPI
from sign.frames import Frame
from sign.store import DEFAULT_VOCABULARY, VocabularyStore, demo_vocabulary
from sign.stream import Mode as SignMode

WAIT_MS = 30_000


@pytest.fixture(autouse=True)
def _own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gc.collect()  # an earlier test's Qt objects die here, on the UI thread, not on a worker's
    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CHANGGU_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "data"))  # the office vocabulary


@pytest.fixture
def msl_video(shared_dir: Path) -> Path:
    folder = shared_dir / "sign" / "msl150" / "original_source"
    if not folder.is_dir():
        pytest.skip(f"MSL-150 videos not found at {folder}")
    return folder


def _kiosk_ui(camera: str) -> tuple[Kiosk, object]:
    """The kiosk and its screens, phrasebook-only (no speech or MT models are needed here)."""
    from kiosk.setup import paths
    from kiosk.ui.window import KioskUI
    from translate import Translator

    kiosk = Kiosk(Settings(layout=Layout.TWO_WINDOWS, camera=camera))
    kiosk.translator = Translator.load(paths.cache_dir(), semantic=False)
    ui = KioskUI(kiosk, dpi=REFERENCE_DPI)
    for window in ui.windows:
        window.resize(1920, 1080)
        window.show()
    return kiosk, ui


@pytest.fixture
def screens(request: pytest.FixtureRequest, qtbot: object) -> Iterator[tuple[Kiosk, object]]:
    kiosk, ui = _kiosk_ui(getattr(request, "param", "0"))
    yield kiosk, ui
    for window in ui.windows:  # type: ignore[attr-defined]
        window.allow_close = True
        window.close()
    kiosk.stop()
    QApplication.processEvents()


def _visitor_turns(kiosk: Kiosk) -> list[object]:
    return [t for t in kiosk.session.turns if t.side is Side.VISITOR]


def test_a_sign_on_camera_becomes_a_korean_turn_on_the_staff_screen(
    screens: tuple[Kiosk, object], msl_video: Path, qtbot: object, tmp_path: Path
) -> None:
    kiosk, ui = screens
    staff = ui.staff  # type: ignore[attr-defined]
    painted: list[object] = []
    staff.painted = painted.append
    kiosk.settings.camera = str(msl_video / "ambulancia_001.mp4")  # the video is the camera
    kiosk.choose_language(KSL)  # deaf-visitor mode: the camera starts
    assert staff.camera.isVisibleTo(staff)
    qtbot.waitUntil(lambda: staff.camera.frames_shown >= 5, timeout=WAIT_MS)  # type: ignore[attr-defined]
    staff.grab().save(str(tmp_path / "staff-live.png"))
    qtbot.waitUntil(lambda: bool(_visitor_turns(kiosk)), timeout=WAIT_MS)  # type: ignore[attr-defined]

    (turn,) = _visitor_turns(kiosk)
    assert turn.lang == KSL and turn.text == "구급차"  # the sign's name (gloss)
    assert turn.translated_lang == "ko" and turn.translated_text == "구급차"
    assert turn.kind == "sign" and turn.final  # no phrasebook id for this sign
    card = staff.cards[turn.turn_id]
    assert card.other.text() == "구급차" and card.isVisibleTo(staff)
    assert strings.staff("sign_recognised", percent=0).split()[0] in card.kind.text()
    assert painted == [turn]  # the benchmark hook saw it painted
    (timing,) = kiosk.sign_timings
    assert timing.turn_id == turn.turn_id and timing.ended_at <= timing.recognised_at + 0.05
    # the live view: frames with landmarks, throttled (the clip has 66 frames at 30 fps)
    assert staff.camera.landmarked_frames >= 3
    assert staff.camera.frames_shown <= 66
    assert staff.camera.vocabulary.text() == strings.staff("sign_demo_vocabulary")
    # the visitor sees what the machine understood
    assert "구급차" in ui.visitor.own_label.text()  # type: ignore[attr-defined]
    staff.grab().save(str(tmp_path / "staff-turn.png"))

    kiosk.new_visit()  # the next visitor: camera off, nothing of this one left
    assert not kiosk.sign.running and not staff.camera.isVisibleTo(staff)
    assert staff.cards == {} and kiosk.conversation.sign_results == {}


def test_an_unknown_sign_asks_staff_to_have_it_repeated_or_written(
    screens: tuple[Kiosk, object], msl_video: Path, qtbot: object, tmp_path: Path
) -> None:
    kiosk, ui = screens
    staff = ui.staff  # type: ignore[attr-defined]
    office = demo_vocabulary()
    office.name = DEFAULT_VOCABULARY
    office.remove_gloss("구급차")  # the office never enrolled this sign
    from kiosk.setup import paths

    VocabularyStore(paths.data_dir() / "sign").save(office)
    kiosk.play_sign_file(msl_video / "ambulancia_001.mp4")
    qtbot.waitUntil(lambda: bool(staff.notices), timeout=WAIT_MS)  # type: ignore[attr-defined]

    assert _visitor_turns(kiosk) == []  # nothing made up
    (notice,) = staff.notices
    assert strings.staff("sign_not_recognised") in notice.text()
    assert notice.isVisibleTo(staff)
    assert staff.camera.vocabulary.text() == strings.staff("sign_office_vocabulary")
    staff.grab().save(str(tmp_path / "staff-not-recognised.png"))
    kiosk.new_visit()
    assert staff.notices == []


class StillHand:
    """A real signer holding one fingerspelling hand shape still (SILFA photos), like a camera."""

    is_file = True

    def __init__(self, photo: Path, seconds: float = 2.0) -> None:
        image = cv2.imread(str(photo))
        assert image is not None
        self.image = np.asarray(image, np.uint8)
        self.n = int(seconds * 30)
        self.closed = False

    def __call__(self, on_status: object) -> StillHand:
        return self

    def frames(self) -> Iterator[Frame]:
        import time

        started = time.monotonic()
        for i in range(self.n):
            if self.closed:
                return
            time.sleep(max(0.0, started + i / 30 - time.monotonic()))
            yield Frame(self.image, i / 30, i)

    def close(self) -> None:
        self.closed = True


def test_someone_not_signing_produces_nothing(
    screens: tuple[Kiosk, object], shared_dir: Path, qtbot: object
) -> None:
    photo = shared_dir / "sign" / "silfa" / "images" / "A" / "frame_0000.jpg"
    if not photo.is_file():
        pytest.skip("SILFA photos not found")
    kiosk, ui = screens
    staff = ui.staff  # type: ignore[attr-defined]
    kiosk.camera.video = StillHand(photo)
    kiosk.choose_language(KSL)
    qtbot.waitUntil(lambda: staff.camera.landmarked_frames >= 3, timeout=WAIT_MS)  # type: ignore[attr-defined]
    staff.camera.spelling_button.click()  # fingerspelling: still no letter this office enrolled
    assert kiosk.sign.mode is SignMode.SPELLING
    qtbot.waitUntil(lambda: not kiosk.sign.running or _ended(staff), timeout=WAIT_MS)  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert _visitor_turns(kiosk) == [] and staff.notices == []
    kiosk.new_visit()
    assert kiosk.sign.mode is SignMode.SIGNS and not staff.camera.spelling_button.isChecked()


def _ended(staff: object) -> bool:
    label = staff.status_labels.get("camera")  # type: ignore[attr-defined]
    return label is not None and strings.staff("camera_ended") in label.text()


@pytest.mark.parametrize("screens", ["97"], indirect=True)  # no camera has that index
def test_a_missing_camera_is_a_status_and_the_counter_keeps_working(
    screens: tuple[Kiosk, object], qtbot: object, tmp_path: Path
) -> None:
    kiosk, ui = screens
    staff = ui.staff  # type: ignore[attr-defined]
    kiosk.choose_language(KSL)
    qtbot.waitUntil(lambda: "camera" in staff.status_labels, timeout=WAIT_MS)  # type: ignore[attr-defined]
    label = staff.status_labels["camera"]
    assert strings.staff("camera_missing") in label.text()
    assert "97" in label.toolTip()  # the details, for whoever fixes it
    assert kiosk.sign.running  # it keeps looking for the camera
    # staff can still answer: typing and quick replies
    staff.input.setText("잠시만 기다려 주세요.")
    staff._send()
    kiosk.quick_reply("dir.elevator", {})
    qtbot.waitUntil(lambda: len(staff.cards) == 2, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert {t.kind for t in kiosk.session.turns} == {"original"}
    assert ui.visitor.newest_label.text()  # type: ignore[attr-defined]
    staff.grab().save(str(tmp_path / "staff-no-camera.png"))
    kiosk.choose_language("en")  # another language: the camera is not needed any more
    assert not kiosk.sign.running and not staff.camera.isVisibleTo(staff)


def test_only_the_newest_live_frame_waits_for_the_screen() -> None:
    slot = LatestSlot()
    frames = [LiveFrame(np.zeros((2, 2, 3), np.uint8), i / 30, True, True, False) for i in range(5)]
    told = [slot.put(f) for f in frames]
    assert told == [True, False, False, False, False]  # one notification, however many frames
    assert slot.take() is frames[-1] and slot.take() is None
    assert slot.put(frames[0]) is True


def test_the_camera_setting(msl_video: Path) -> None:
    from kiosk.runtime.sign_input import CameraOpener, VideoOpener, camera_source
    from kiosk.setup.settings import camera_device

    assert Settings().camera == "0"
    assert Settings.from_dict({"camera": 1}).camera == "1"
    bad = Settings.from_dict({"camera": "  "})
    assert bad.camera == "0" and bad.problems  # reported to staff, default kept
    assert camera_device("2") == 2 and camera_device("/dev/video2") == "/dev/video2"
    assert isinstance(camera_source(0), CameraOpener)
    assert isinstance(camera_source("/dev/video0"), CameraOpener)
    assert isinstance(camera_source(str(msl_video / "hoy_001.mp4")), VideoOpener)  # the demo


@pytest.mark.parametrize("screens", ["97"], indirect=True)
def test_enrolment_borrows_the_camera_and_gives_it_back(
    screens: tuple[Kiosk, object], qtbot: object
) -> None:
    from PySide6.QtCore import QTimer

    kiosk, ui = screens
    kiosk.choose_language(KSL)
    assert kiosk.sign.running
    seen: dict[str, object] = {}

    def while_open() -> None:
        dialog = ui.enrolment  # type: ignore[attr-defined]
        seen["dialog"] = dialog is not None and dialog.isVisible()
        seen["camera busy"] = kiosk.sign.running
        qtbot.waitUntil(lambda: "97" in dialog.message.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
        seen["message"] = dialog.message.text()
        dialog.reject()  # nothing recorded: closes without asking

    QTimer.singleShot(100, while_open)
    ui.open_enrolment(check_pin=False)  # type: ignore[attr-defined]
    assert seen["dialog"] is True and seen["camera busy"] is False
    assert ui.enrolment is None and kiosk.sign.running  # type: ignore[attr-defined]


def test_a_video_without_a_picture_in_the_cameras_place_says_so(
    screens: tuple[Kiosk, object], qtbot: object, sound_only_mp4: Path
) -> None:
    kiosk, ui = screens
    staff = ui.staff  # type: ignore[attr-defined]
    states: list[CameraState] = []
    kiosk.sign.activity.connect(states.append)
    kiosk.play_sign_file(sound_only_mp4, realtime=False)
    qtbot.waitUntil(lambda: "camera" in staff.status_labels, timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not kiosk.sign.running, timeout=WAIT_MS)  # type: ignore[attr-defined]
    label = staff.status_labels["camera"]
    assert "has no video picture" in label.toolTip() + label.text()
    assert CameraState.NO_CAMERA not in states  # a file that cannot be played is no lost camera
    assert kiosk.conversation.mode is VisitMode.DEAF  # the visit goes on: staff can still type

"""The staff's sign enrolment screen on a real MSL-150 video played as the camera (real MediaPipe,
the real vocabulary store): record takes, review, delete one, save; only landmarks reach the disk.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from kiosk.core import strings
from kiosk.runtime.sign_input import VideoOpener
from kiosk.runtime.take_camera import TakeCamera
from kiosk.runtime.workers import Bridge
from kiosk.ui.theme import REFERENCE_DPI, stylesheet
from sign.store import DEFAULT_VOCABULARY, VocabularyStore

WAIT_MS = 30_000


@pytest.fixture
def video(shared_dir: Path) -> Path:
    path = shared_dir / "sign" / "msl150" / "original_source" / "ambulancia_001.mp4"
    if not path.is_file():
        pytest.skip(f"MSL-150 video not found at {path}")
    return path


@pytest.fixture
def dialog(qtbot: object, tmp_path: Path, video: Path) -> Iterator[object]:
    from kiosk.ui.enrol import EnrolDialog

    gc.collect()  # earlier tests' Qt objects die here, on the UI thread
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(stylesheet())
    store = VocabularyStore(tmp_path / "data" / "sign")
    dialog = EnrolDialog(
        store,
        TakeCamera(VideoOpener(video, realtime=True), Bridge()),  # the video file is the camera
        REFERENCE_DPI,
        phrase_ids=["emer.ambulance", "emer.sick"],
        countdown_s=0,
    )
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    yield dialog
    dialog.shut_down()


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_record_review_delete_and_save_takes(dialog: object, qtbot: object, tmp_path: Path) -> None:
    d = dialog
    before = _files(tmp_path)
    d.record()  # type: ignore[attr-defined]
    assert strings.staff("enrol_choose_gloss") == d.message.text()  # type: ignore[attr-defined]

    d.gloss_name.setText("구급차")  # type: ignore[attr-defined]
    d.gloss_text.setText("구급차를 불러 주세요")  # type: ignore[attr-defined]
    d.gloss_phrase.setEditText("emer.ambulance")  # type: ignore[attr-defined]
    d.add_gloss_button.click()  # type: ignore[attr-defined]
    assert d.gloss == "구급차"  # type: ignore[attr-defined]

    for n in (1, 2):
        d.record_button.click()  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda n=n: d.takes.count() == n, timeout=WAIT_MS)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: d.record_button.isEnabled(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert d.frames_shown > 0  # the live picture, with landmarks drawn, was on screen  # type: ignore[attr-defined]
    takes = d.vocabulary.takes_for("구급차")  # type: ignore[attr-defined]
    assert len(takes) == 2 and all(len(t.landmarks) >= 20 for t in takes)
    assert all(t.landmarks.present[:, 0].all() for t in takes)  # the signer's body every frame
    assert strings.staff("enrol_new_take") in d.takes.item(0).text()  # type: ignore[attr-defined]
    d.grab().save(str(tmp_path / "enrol-two-takes.png"))  # type: ignore[attr-defined]

    d.takes.setCurrentRow(0)  # type: ignore[attr-defined]
    d.replay_button.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not d._replay_timer.isActive(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert not d.video.pixmap().isNull()  # type: ignore[attr-defined]
    kept = takes[1]
    d.takes.setCurrentRow(0)  # type: ignore[attr-defined]
    d.delete_button.click()  # type: ignore[attr-defined]
    assert d.takes.count() == 1 and d.vocabulary.takes_for("구급차") == [kept]  # type: ignore[attr-defined]

    assert _files(tmp_path) - before == {tmp_path / "enrol-two-takes.png"}  # all in memory
    assert d.save()  # type: ignore[attr-defined]
    assert not d.dirty  # type: ignore[attr-defined]
    assert d.message.text() == strings.staff("enrol_saved", takes=1)  # type: ignore[attr-defined]

    store = VocabularyStore(tmp_path / "data" / "sign")
    saved = store.load(DEFAULT_VOCABULARY)
    gloss = saved.glosses["구급차"]
    assert gloss.text_ko == "구급차를 불러 주세요" and gloss.phrase_id == "emer.ambulance"
    (take,) = saved.takes
    assert take.id == kept.id and len(take.landmarks) == len(kept.landmarks)
    assert np.allclose(take.landmarks.pose, kept.landmarks.pose)
    # only landmark data was written: the manifest and one .npz of arrays, nothing else
    folder = store.path(DEFAULT_VOCABULARY)
    written = _files(tmp_path) - before - {tmp_path / "enrol-two-takes.png"}
    assert written == {folder / "vocabulary.json", folder / "takes" / f"{take.id}.npz"}
    with np.load(folder / "takes" / f"{take.id}.npz") as arrays:
        assert set(arrays.files) == {
            "t",
            "pose",
            "left_hand",
            "right_hand",
            "face",
            "present",
            "aspect",
        }
        assert all(arrays[k].dtype != np.uint8 for k in arrays.files)  # no pictures hidden in it
    d.reject()  # type: ignore[attr-defined]
    assert not d.isVisible()  # type: ignore[attr-defined]

"""The staff's sign enrolment screen: record takes of a sign from the camera, review, delete, save.

Staff (and Deaf advisers) choose a sign or add one (its name, the Korean text the staff screen
shows, optionally the phrasebook id it answers to), then record a few takes: a countdown, then the
camera's picture with the landmarks drawn over it until the signer lowers their hands. Each take is
listed with a drawing of its landmarks and its length, can be replayed (as landmarks, never as
video) or deleted. Nothing reaches the disk until Save, and Save writes only landmarks to the
office vocabulary (`sign.store.VocabularyStore`): no picture of anyone is ever stored.

The camera is the kiosk's (`kiosk.runtime.take_camera.TakeCamera`, built by `kiosk.camera.take()`):
the dialog builds no engine and only listens to its signals.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.runtime.take_camera import TakeCamera
from kiosk.ui.fonts import font_for
from kiosk.ui.theme import THEME
from sign.draw import draw_landmarks
from sign.errors import VocabularyError
from sign.events import ResultKind
from sign.landmarks import Landmarks, LandmarkSequence
from sign.store import DEFAULT_VOCABULARY, VocabularyStore
from sign.vocabulary import Gloss, SignVocabulary, Take

log = logging.getLogger(__name__)

COUNTDOWN_S = 3
THUMB = (128, 72)  # at most; the take's own aspect


class EnrolDialog(QDialog):
    def __init__(
        self,
        store: VocabularyStore,
        camera: TakeCamera,
        dpi: float,
        phrase_ids: list[str] | None = None,
        vocabulary: str = DEFAULT_VOCABULARY,
        countdown_s: int = COUNTDOWN_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(strings.staff("enrol_title"))
        self.store = store
        self.camera = camera
        self.live = camera.live  # a camera: preview at once; a video file: one take per play
        self.dpi = dpi
        self.countdown_s = countdown_s
        self.dirty = False
        self.new_takes: set[str] = set()
        self.frames_shown = 0
        self.font_ = font_for("ko", 3.0, dpi)
        self._countdown_left = 0
        self._replay: list[Landmarks] = []
        self._armed = False
        camera.take.connect(self._take_recorded)
        camera.no_sign.connect(self._no_sign)
        camera.frame_ready.connect(self._show_frame)
        camera.problem.connect(self._worker_status)
        camera.ended.connect(self._worker_ended)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._replay_timer = QTimer(self)
        self._replay_timer.timeout.connect(self._replay_step)
        self.load_problem = ""
        try:
            self.vocabulary = store.load_or_new(vocabulary)
        except VocabularyError as exc:  # a damaged pack is never overwritten from here
            self.vocabulary = SignVocabulary(name=vocabulary)
            self.load_problem = strings.staff("enrol_cannot_load", error=exc)
        self._build(phrase_ids or [])
        self._fill_glosses()
        if self.load_problem:
            self._say(self.load_problem, THEME.untranslated)
            self.save_button.setEnabled(False)
        else:
            self._say(strings.staff("enrol_privacy"), THEME.muted)

    # -- building --------------------------------------------------------------------------------

    def _build(self, phrase_ids: list[str]) -> None:
        f = self.font_
        self.setFont(f)
        self.gloss_box = QComboBox()
        self.gloss_box.currentIndexChanged.connect(lambda _: self._fill_takes())
        self.gloss_name = QLineEdit()
        self.gloss_text = QLineEdit()
        self.gloss_phrase = QComboBox()
        self.gloss_phrase.setEditable(True)
        self.gloss_phrase.addItem("")
        self.gloss_phrase.addItems(phrase_ids)
        self.gloss_letter = QCheckBox(strings.staff("enrol_letter"))
        self.add_gloss_button = QPushButton(strings.staff("enrol_add_gloss"))
        self.add_gloss_button.clicked.connect(self.add_gloss)
        self.signer = QLineEdit("staff")

        new_box = QGroupBox(strings.staff("enrol_new_gloss"))
        form = QFormLayout(new_box)
        form.addRow(strings.staff("enrol_gloss_name"), self.gloss_name)
        form.addRow(strings.staff("enrol_text_ko"), self.gloss_text)
        form.addRow(strings.staff("enrol_phrase"), self.gloss_phrase)
        form.addRow(self.gloss_letter, self.add_gloss_button)

        width = round(self.dpi * 5.2)
        self.video = QLabel()
        self.video.setFixedSize(width, width * 3 // 4)
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.video.setStyleSheet(f"background: #000000; color: {THEME.muted}; border-radius: 8px;")
        self.countdown = QLabel()
        self.countdown.setFont(font_for("ko", 5.0, self.dpi, bold=True))
        self.countdown.setStyleSheet(f"color: {THEME.accent};")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.record_button = QPushButton(strings.staff("enrol_record"))
        self.record_button.clicked.connect(self.record)
        self.stop_button = QPushButton(strings.staff("enrol_stop"))
        self.stop_button.clicked.connect(self.stop_recording)
        self.stop_button.setEnabled(False)

        self.takes = QListWidget()
        self.takes.setIconSize(QSize(*THUMB))
        self.replay_button = QPushButton(strings.staff("enrol_replay"))
        self.replay_button.clicked.connect(self.replay)
        self.delete_button = QPushButton(strings.staff("enrol_delete"))
        self.delete_button.setObjectName("danger")
        self.delete_button.clicked.connect(self.delete_take)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(strings.staff("enrol_save"))
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(strings.staff("enrol_close"))
        self.close_button.clicked.connect(self.reject)

        left = QVBoxLayout()
        gloss_row = QFormLayout()
        gloss_row.addRow(strings.staff("enrol_gloss"), self.gloss_box)
        gloss_row.addRow(strings.staff("enrol_signer"), self.signer)
        left.addLayout(gloss_row)
        left.addWidget(new_box)
        left.addStretch(1)

        middle = QVBoxLayout()
        middle.addWidget(self.video)
        middle.addWidget(self.countdown)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button, stretch=1)
        buttons.addWidget(self.stop_button)
        middle.addLayout(buttons)

        right = QVBoxLayout()
        right.addWidget(QLabel(strings.staff("enrol_takes")))
        right.addWidget(self.takes, stretch=1)
        take_buttons = QHBoxLayout()
        take_buttons.addWidget(self.replay_button)
        take_buttons.addWidget(self.delete_button)
        right.addLayout(take_buttons)

        columns = QHBoxLayout()
        columns.addLayout(left, stretch=1)
        columns.addLayout(middle)
        columns.addLayout(right, stretch=1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, stretch=1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        root = QVBoxLayout(self)
        root.addLayout(columns, stretch=1)
        root.addLayout(bottom)
        for button in self.findChildren(QPushButton):
            button.setMinimumHeight(round(self.dpi * 0.4))
            button.setAutoDefault(False)
        self.resize(round(self.dpi * 15), round(self.dpi * 7))

    # -- glosses ---------------------------------------------------------------------------------

    @property
    def gloss(self) -> str | None:
        data = self.gloss_box.currentData()
        return str(data) if data else None

    def add_gloss(self) -> bool:
        name = self.gloss_name.text().strip()
        text = self.gloss_text.text().strip() or name
        phrase = self.gloss_phrase.currentText().strip() or None
        kind = ResultKind.LETTER if self.gloss_letter.isChecked() else ResultKind.SIGN
        try:
            self.vocabulary.add_gloss(Gloss(name, text, phrase, kind))
        except VocabularyError as exc:
            self._say(str(exc), THEME.untranslated)
            return False
        self.dirty = True
        self._say(strings.staff("enrol_privacy"), THEME.muted)
        self._fill_glosses(select=name)
        self.gloss_name.clear()
        self.gloss_text.clear()
        self.gloss_phrase.setCurrentIndex(0)
        self.gloss_letter.setChecked(False)
        return True

    def _fill_glosses(self, select: str | None = None) -> None:
        current = select or self.gloss
        self.gloss_box.blockSignals(True)
        self.gloss_box.clear()
        for gloss in self.vocabulary.glosses.values():
            label = gloss.id if gloss.text_ko == gloss.id else f"{gloss.id} — {gloss.text_ko}"
            if gloss.phrase_id:
                label += f" ({gloss.phrase_id})"
            self.gloss_box.addItem(label, gloss.id)
        index = self.gloss_box.findData(current) if current else 0
        self.gloss_box.setCurrentIndex(max(0, index))
        self.gloss_box.blockSignals(False)
        self._fill_takes()

    # -- takes -----------------------------------------------------------------------------------

    def _fill_takes(self) -> None:
        self.takes.clear()
        gloss = self.gloss
        if gloss is None:
            return
        for n, take in enumerate(self.vocabulary.takes_for(gloss), 1):
            text = strings.staff(
                "enrol_take", n=n, frames=len(take.landmarks), seconds=take.landmarks.duration_s
            )
            if take.id in self.new_takes:
                text += f" · {strings.staff('enrol_new_take')}"
            item = QListWidgetItem(QIcon(_thumbnail(take.landmarks)), text)
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            self.takes.addItem(item)
        self.takes.setCurrentRow(self.takes.count() - 1)

    def selected_take(self) -> Take | None:
        item = self.takes.currentItem()
        if item is None:
            return None
        take_id = item.data(Qt.ItemDataRole.UserRole)
        return next((t for t in self.vocabulary.takes if t.id == take_id), None)

    def delete_take(self) -> None:
        take = self.selected_take()
        if take is None:
            return
        self.vocabulary.remove_take(take.id)
        self.new_takes.discard(take.id)
        self.dirty = True
        self._fill_takes()

    def replay(self) -> None:
        """Play the selected take's landmarks (a stick figure; there is no video to play)."""
        take = self.selected_take()
        if take is None:
            return
        self._replay = take.landmarks.frames()
        self._replay_timer.start(33)

    def _replay_step(self) -> None:
        if not self._replay:
            self._replay_timer.stop()
            return
        frame = self._replay.pop(0)
        h = self.video.height()
        w = min(self.video.width(), round(h * frame.aspect))
        self._put_picture(draw_landmarks(np.zeros((h, w, 3), np.uint8), frame, copy=False))

    def save(self) -> bool:
        """Write the vocabulary (landmarks only) to the store; the kiosk uses it from now on."""
        try:
            self.store.save(self.vocabulary)
        except (VocabularyError, OSError) as exc:
            self._say(str(exc), THEME.untranslated)
            return False
        self.dirty = False
        self.new_takes.clear()
        self._fill_takes()
        self._say(strings.staff("enrol_saved", takes=len(self.vocabulary.takes)), THEME.verified)
        return True

    # -- recording -------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._timer.isActive() or self._armed

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.live and not self.camera.running:
            self.camera.start(armed=False)  # staff see themselves before recording

    def record(self) -> None:
        if self.gloss is None:
            self._say(strings.staff("enrol_choose_gloss"), THEME.untranslated)
            return
        if self.recording:
            return
        self.record_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._countdown_left = self.countdown_s
        if self._countdown_left <= 0:
            self._arm()
            return
        self.countdown.setText(strings.staff("enrol_get_ready", n=self._countdown_left))
        self._timer.start(1000)

    def stop_recording(self) -> None:
        self._timer.stop()
        self._armed = False
        self.camera.disarm()
        self._recording_done("")

    def _tick(self) -> None:
        self._countdown_left -= 1
        if self._countdown_left > 0:
            self.countdown.setText(strings.staff("enrol_get_ready", n=self._countdown_left))
            return
        self._timer.stop()
        self._arm()

    def _arm(self) -> None:
        self.countdown.setText(strings.staff("enrol_sign_now"))
        self._armed = True
        self.camera.arm()  # a video file plays from its start now

    def _take_recorded(self, landmarks: LandmarkSequence) -> None:
        gloss = self.gloss
        self._armed = False
        if gloss is None:
            return
        source = "camera" if self.live else "video file"
        take = self.vocabulary.add_take(gloss, self.signer.text().strip(), landmarks, source)
        self.new_takes.add(take.id)
        self.dirty = True
        self._say(strings.staff("enrol_recorded"), THEME.verified)
        if not self.live:  # a file is one take: the next Record replays it
            self.camera.stop()
        self._fill_takes()
        self._recording_done("")

    def _no_sign(self) -> None:
        self._armed = False
        self._recording_done(strings.staff("enrol_no_sign"))

    def _recording_done(self, problem: str) -> None:
        self.countdown.setText("")
        self.record_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if problem:
            self._say(problem, THEME.untranslated)

    def _show_frame(self) -> None:
        frame = self.camera.latest_frame()
        if frame is None or self._replay_timer.isActive():
            return
        self._put_picture(frame.image)
        self.frames_shown += 1

    def _worker_status(self, message: str) -> None:
        self._say(message, THEME.untranslated)

    def _worker_ended(self) -> None:
        # a file played out, or the camera failed: the next Record restarts it
        self._armed = False
        if not self._timer.isActive():
            self._recording_done("")

    # -- closing ---------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.dirty:
            answer = QMessageBox.question(
                self, strings.staff("enrol_title"), strings.staff("enrol_unsaved")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.shut_down()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def shut_down(self, wait_s: float = 3.0) -> None:
        """Stop the camera and let go of it (the kiosk needs it back)."""
        self._timer.stop()
        self._replay_timer.stop()
        self._armed = False
        self.camera.stop(wait_s)

    # -- helpers ---------------------------------------------------------------------------------

    def _put_picture(self, image: npt.NDArray[np.uint8]) -> None:
        h, w = image.shape[:2]
        picture = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888)
        self.video.setPixmap(
            QPixmap.fromImage(picture).scaled(
                self.video.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour};")


def _thumbnail(landmarks: LandmarkSequence) -> QPixmap:
    """The take's middle frame as a stick figure (landmarks only, no picture of the signer)."""
    h = THUMB[1]
    w = min(THUMB[0], max(1, round(h * landmarks.aspect)))
    frame = landmarks.frames()[len(landmarks) // 2]
    image = draw_landmarks(np.zeros((h, w, 3), np.uint8), frame, copy=False)
    picture = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888)
    return QPixmap.fromImage(picture)

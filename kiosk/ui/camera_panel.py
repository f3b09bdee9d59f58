"""The staff's live view of the visitor's camera in deaf-visitor mode: the picture with the
landmarks MediaPipe found drawn over it, whether a sign is in progress, and the fingerspelling
switch. Pictures arrive already downscaled and drawn (`kiosk.runtime.sign_input.LiveFrame`); this
widget only puts the newest one on the glass and keeps none of them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QImage, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kiosk.core import strings
from kiosk.core.events import CameraState
from kiosk.runtime.sign_input import LiveFrame
from kiosk.ui.theme import THEME

VIDEO_WIDTH_IN = 4.4  # the picture is about 11 cm wide on the staff's monitor


class CameraPanel(QFrame):
    spelling = Signal(bool)  # fingerspelling mode on / off

    def __init__(self, dpi: float, font: QFont, title_font: QFont) -> None:
        super().__init__()
        self.setObjectName("card")
        self.frames_shown = 0
        self.landmarked_frames = 0  # of those, frames where MediaPipe found the body
        self.max_video_width = round(dpi * VIDEO_WIDTH_IN)
        self.video = QLabel()
        self.set_video_width(self.max_video_width)
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.video.setWordWrap(True)  # for the messages shown instead of a picture
        self.video.setFont(font)
        self.video.setStyleSheet(f"background: #000000; color: {THEME.muted}; border-radius: 8px;")
        self.title = QLabel(strings.staff("camera_title"))
        self.title.setFont(title_font)
        self.indicator = QLabel()
        self.indicator.setFont(font)
        self.vocabulary = QLabel()
        self.vocabulary.setFont(font)
        self.vocabulary.setWordWrap(True)
        self.vocabulary.setObjectName("muted")
        self.spelling_button = QPushButton(strings.staff("fingerspelling"))
        self.spelling_button.setFont(font)
        self.spelling_button.setCheckable(True)
        self.spelling_button.setMinimumHeight(round(dpi * 0.4))
        self.spelling_button.toggled.connect(self.spelling.emit)

        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.indicator)
        side.addWidget(self.vocabulary)
        side.addStretch(1)
        side.addWidget(self.spelling_button)
        row = QHBoxLayout(self)
        row.addWidget(self.video)
        row.addLayout(side, stretch=1)
        self.set_activity(CameraState.OFF)

    def set_video_width(self, width: int) -> None:
        """The picture's width (4:3), at most `max_video_width`: a narrow staff screen (one
        window split in two) keeps its room for the conversation."""
        width = max(160, min(width, self.max_video_width))
        if width != self.video.width():
            self.video.setFixedSize(width, width * 3 // 4)

    def show_frame(self, frame: LiveFrame) -> None:
        image = frame.image
        h, w = image.shape[:2]
        picture = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888)
        pixmap = QPixmap.fromImage(picture).scaled(  # copies: the array may go
            self.video.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.video.setPixmap(pixmap)
        self.frames_shown += 1
        self.landmarked_frames += frame.pose

    def set_activity(self, activity: CameraState) -> None:
        key, colour = {
            CameraState.STARTING: ("sign_starting", THEME.working),
            CameraState.NO_CAMERA: ("sign_no_camera", THEME.untranslated),
            CameraState.WATCHING: ("sign_watching", THEME.listening),
            CameraState.SIGNING: ("sign_signing", THEME.accent),
        }.get(activity, ("sign_off", THEME.muted))
        self.indicator.setText(f"● {strings.staff(key)}")
        self.indicator.setStyleSheet(f"color: {colour};")
        if activity is CameraState.NO_CAMERA:
            self.clear_picture(strings.staff("camera_missing"))
        elif activity in (CameraState.OFF, CameraState.STARTING):
            self.clear_picture(strings.staff(key))

    def set_vocabulary(self, demo: bool) -> None:
        self.vocabulary.setText(
            strings.staff("sign_demo_vocabulary" if demo else "sign_office_vocabulary")
        )
        colour = THEME.machine if demo else THEME.muted
        self.vocabulary.setStyleSheet(f"color: {colour};")

    def set_spelling(self, on: bool) -> None:
        self.spelling_button.setChecked(on)

    def clear_picture(self, text: str = "") -> None:
        self.video.clear()
        self.video.setText(text)

"""The admin settings (behind the PIN): microphones, languages offered, text size, idle timeout,
layout and screens, speech out, camera, speech model and building server. `apply()` writes the
choices into the `Settings` (and a newly typed building server token into its own file); saving
them and telling the kiosk is the window's part. A button opens the office phrase editor
(`kiosk.ui.office_phrases`), which saves its own file; `office_phrases_saved` tells the window
to have the kiosk take the phrases up."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from asr.audio import InputDevice
from kiosk.core import strings
from kiosk.setup.settings import OFFERED_LANGUAGES, Layout, Settings
from kiosk.ui.theme import REFERENCE_DPI

DEFAULT_SPEECH_MODEL = "whisper-base"  # offered as the default entry, not under its own name


class SettingsDialog(QDialog):
    """The admin settings (behind the PIN): devices, languages, text size, timeout, screens."""

    office_phrases_saved = Signal()  # the office phrase editor wrote the office's phrase file
    undo_office_pack = Signal()  # staff undo the latest pack taken from the city's shared folder

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        devices: Sequence[InputDevice] = (),
        dpi: float = REFERENCE_DPI,
    ) -> None:
        super().__init__(parent)
        from translate import languages

        self.settings = settings
        self.dpi = dpi
        self.setWindowTitle(strings.staff("settings"))
        form = QFormLayout(self)
        self.staff_device = QComboBox()
        self.visitor_device = QComboBox()
        for box, current in (
            (self.staff_device, settings.staff_device),
            (self.visitor_device, settings.visitor_device),
        ):
            box.addItem(strings.staff("setting_default_mic"), "")
            for d in devices:
                box.addItem(f"{d.index}: {d.name}", d.name)
            box.setCurrentIndex(max(0, box.findData(current)))
        self.languages = QListWidget()
        for code in OFFERED_LANGUAGES:
            item = QListWidgetItem(f"{languages.get(code).native} ({code})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(
                Qt.CheckState.Checked if code in settings.languages else Qt.CheckState.Unchecked
            )
            self.languages.addItem(item)
        self.scale = QDoubleSpinBox()
        self.scale.setRange(1.0, 2.0)
        self.scale.setSingleStep(0.25)
        self.scale.setValue(settings.font_scale)
        self.timeout = QSpinBox()
        self.timeout.setRange(30, 3600)
        self.timeout.setValue(settings.idle_timeout_s)
        self.layout_box = QComboBox()
        for option in Layout:
            self.layout_box.addItem(option.value, option)
        self.layout_box.setCurrentIndex(self.layout_box.findData(settings.layout))
        self.staff_screen = QSpinBox()
        self.visitor_screen = QSpinBox()
        for spin, value in (
            (self.staff_screen, settings.staff_screen),
            (self.visitor_screen, settings.visitor_screen),
        ):
            # a screen not connected now (a test display, a monitor switched off) is kept, not
            # rewritten to one that is
            spin.setRange(0, max(value, len(QGuiApplication.screens()) - 1))
            spin.setValue(value)
        self.speak = QCheckBox()
        self.speak.setChecked(settings.speak_translations)
        self.camera = QLineEdit(settings.camera)
        self.speech_model = QComboBox()
        self.speech_model.addItem(strings.staff("setting_default_model"), "")
        for name in _installed_speech_models():
            if name != DEFAULT_SPEECH_MODEL:
                self.speech_model.addItem(name, name)
        self.speech_model.setCurrentIndex(max(0, self.speech_model.findData(settings.speech_model)))
        form.addRow(strings.staff("setting_staff_mic"), self.staff_device)
        form.addRow(strings.staff("setting_visitor_mic"), self.visitor_device)
        form.addRow(strings.staff("setting_languages"), self.languages)
        form.addRow(strings.staff("setting_text_size"), self.scale)
        form.addRow(strings.staff("setting_idle_timeout"), self.timeout)
        form.addRow(strings.staff("setting_layout"), self.layout_box)
        form.addRow(strings.staff("setting_staff_screen"), self.staff_screen)
        form.addRow(strings.staff("setting_visitor_screen"), self.visitor_screen)
        form.addRow(strings.staff("speak_out"), self.speak)
        form.addRow(strings.staff("camera_setting"), self.camera)
        form.addRow(strings.staff("setting_speech_model"), self.speech_model)
        # the building server (from the next start): address, token (never shown), CA bundle
        from kiosk.setup.building import read_token

        self.building_url = QLineEdit(settings.building_url)
        self.building_url.setPlaceholderText("https://changgu.cityhall.local:8400")
        self.building_token = QLineEdit()
        self.building_token.setEchoMode(QLineEdit.EchoMode.Password)
        saved = bool(read_token()[0])
        self.building_token.setPlaceholderText(
            strings.staff(
                "setting_building_token_saved" if saved else "setting_building_token_none"
            )
        )
        self.building_ca = QLineEdit(settings.building_ca)
        self.building_ca.setPlaceholderText("/etc/ssl/certs/city-ca.pem")
        form.addRow(strings.staff("setting_building_url"), self.building_url)
        form.addRow(strings.staff("setting_building_token"), self.building_token)
        form.addRow(strings.staff("setting_building_ca"), self.building_ca)
        self.problems: list[str] = []  # what `apply` could not take (shown by the window)
        # what the city's system policy locks: shown, greyed out, with its reason
        for key, widget in (
            ("languages", self.languages),
            ("idle_timeout_s", self.timeout),
            ("speak_translations", self.speak),
            ("speech_model", self.speech_model),
            ("building_url", self.building_url),
            ("building_token", self.building_token),
        ):
            reason = settings.locked(key)
            if reason is not None:
                widget.setEnabled(False)
                widget.setToolTip(strings.staff("locked_by_policy", reason=reason))
        # said on the screen too: a touch screen shows no tooltips
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        if settings.policy.locked:
            reason = settings.policy.lock_reason(next(iter(settings.policy.locked))) or ""
            self.locked_note.setText(strings.staff("locked_note", reason=reason))
            form.insertRow(0, self.locked_note)
        else:
            self.locked_note.hide()
        self.office_phrases = QPushButton(strings.staff("office_phrases"))
        self.office_phrases.setMinimumHeight(round(dpi * 0.5))
        self.office_phrases.setAutoDefault(False)
        self.office_phrases.clicked.connect(self.open_office_phrases)
        form.addRow(self.office_phrases)
        self.undo_pack = QPushButton(strings.staff("undo_office_pack"))
        self.undo_pack.setMinimumHeight(round(dpi * 0.5))
        self.undo_pack.setAutoDefault(False)
        self.undo_pack.clicked.connect(self.undo_office_pack.emit)
        self.undo_pack.clicked.connect(lambda: self.undo_pack.setEnabled(False))
        if settings.policy.office_packs is not None:  # packs come from the city's shared folder
            form.addRow(self.undo_pack)
        else:
            self.undo_pack.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(strings.staff("ok"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(strings.staff("cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def open_office_phrases(self) -> None:
        """The office phrase editor; when it saved, the kiosk is told (through the window)."""
        from kiosk.setup.paths import office_phrases
        from kiosk.ui.office_phrases import OfficePhrasesDialog

        editor = OfficePhrasesDialog(office_phrases(), self.dpi, parent=self)
        editor.exec()
        if editor.saves:
            self.office_phrases_saved.emit()

    def apply(self) -> None:
        s = self.settings
        s.staff_device = str(self.staff_device.currentData() or "")
        s.visitor_device = str(self.visitor_device.currentData() or "")
        chosen = (
            tuple(
                str(self.languages.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.languages.count())
                if self.languages.item(i).checkState() == Qt.CheckState.Checked
            )
            or s.languages
        )
        if not s.locked("languages"):  # a locked item keeps the policy's value (and its order)
            s.languages = chosen
        s.font_scale = float(self.scale.value())
        if not s.locked("idle_timeout_s"):
            s.idle_timeout_s = int(self.timeout.value())
        s.layout = Layout(self.layout_box.currentData())
        s.staff_screen = int(self.staff_screen.value())
        s.visitor_screen = int(self.visitor_screen.value())
        if not s.locked("speak_translations"):
            s.speak_translations = self.speak.isChecked()
        s.camera = self.camera.text().strip() or s.camera
        if not s.locked("speech_model"):
            s.speech_model = str(self.speech_model.currentData() or "")
        if not s.locked("building_url"):
            s.building_url = self.building_url.text().strip()
        s.building_ca = self.building_ca.text().strip()
        token = self.building_token.text().strip()
        self.problems = []
        if token and not s.locked("building_token"):
            from kiosk.setup.building import save_token

            try:
                save_token(token)
            except (ValueError, OSError) as exc:
                self.problems.append(f"building server token not saved: {exc}")


def _installed_speech_models() -> list[str]:
    """Whisper sizes installed on this counter (e.g. whisper-small from a USB stick)."""
    from kiosk.setup.model_store import ModelManager

    try:
        return [spec.name for spec in ModelManager().installed("asr")]
    except Exception:  # a damaged manifest must not keep staff out of the settings
        return []

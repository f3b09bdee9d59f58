"""The staff PIN, asked before the settings, the sign enrolment screen and leaving kiosk mode."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from kiosk.core import strings


def pin_given(parent: QWidget, pin: str) -> bool:
    """Ask for the PIN; True if staff typed `pin`. A wrong PIN is told as such, a cancel is not."""
    typed, ok = QInputDialog.getText(
        parent,
        strings.staff("settings"),
        strings.staff("pin_prompt"),
        QLineEdit.EchoMode.Password,
    )
    if ok and typed == pin:
        return True
    if ok:
        QMessageBox.warning(parent, strings.staff("settings"), strings.staff("pin_wrong"))
    return False

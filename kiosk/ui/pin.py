"""The staff PIN, asked before the settings, the sign enrolment screen and leaving kiosk mode."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from kiosk.core import strings
from kiosk.setup.policy import pin_matches


def pin_given(parent: QWidget, pin: str, pin_hash: str | None = None) -> bool:
    """Ask for the PIN; True if staff typed `pin` (or, when the city's policy sets `pin_hash`, the
    PIN it was made from). A wrong PIN is told as such, a cancel is not."""
    typed, ok = QInputDialog.getText(
        parent,
        strings.staff("settings"),
        strings.staff("pin_prompt"),
        QLineEdit.EchoMode.Password,
    )
    if ok and (pin_matches(typed, pin_hash) if pin_hash else typed == pin):
        return True
    if ok:
        QMessageBox.warning(parent, strings.staff("settings"), strings.staff("pin_wrong"))
    return False

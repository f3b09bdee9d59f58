"""Exporting the visit's transcript: an explicit staff action, confirmed first, written where staff
choose (a file, or a folder to put a dated file in). `Session.export_text` writes beside the target
and renames, so a failed export (a full disk, a read-only stick) leaves an earlier file whole; staff
read why on the status bar, and the visit stays on both screens."""

from __future__ import annotations

import errno
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from asr.events import Status
from kiosk.core import strings
from kiosk.core.health import Component, State
from kiosk.core.session import Session
from kiosk.ui.staff import StaffScreen


def export_transcript(
    session: Session, staff: StaffScreen, path: Path | None = None, confirm: bool = True
) -> Path | None:
    """Save the bilingual transcript, only after staff confirm; nothing is saved otherwise.
    Returns the file written, or None (cancelled, or failed: the status bar says why)."""
    if confirm:
        answer = QMessageBox.question(
            staff, strings.staff("export"), strings.staff("export_confirm")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
    if path is None:
        name, _ = QFileDialog.getSaveFileName(
            staff, strings.staff("export"), "visit.txt", "Text (*.txt)"
        )
        if not name:
            return None
        path = Path(name)
    try:
        saved = session.export_text(path)
    except OSError as exc:
        staff.show_status(Status(Component.EXPORT, State.ERROR, export_failed(path, exc)))
        return None
    staff.show_status(Status(Component.EXPORT, State.OK, strings.staff("export_done", path=saved)))
    return saved


def export_failed(path: Path, exc: OSError) -> str:
    """What staff read when the transcript could not be saved (nothing of the visit is lost)."""
    reason = {
        errno.ENOSPC: "디스크가 가득 찼습니다 (disk full)",
        errno.EROFS: "읽기 전용입니다 (read-only)",
        errno.EACCES: "쓰기 권한이 없습니다 (no permission)",
        errno.EPERM: "쓰기 권한이 없습니다 (no permission)",
        errno.ENOENT: "폴더가 없습니다 (no such folder)",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return (
        f"저장하지 못했습니다: {path} — {reason}. 대화는 화면에 그대로 있습니다; "
        "다른 위치(USB 등)를 골라 다시 내보내세요. "
        f"(not saved: {reason}; the visit is kept — export again to another place)"
    )

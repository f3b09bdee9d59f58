"""Puts the two screens on the glass: two windows on two monitors, or one window split in two
(optionally with the visitor half turned 180° for a flat screen between two people), in a
full-screen kiosk mode a visitor cannot leave by accident (staff leave with Ctrl+Shift+Q and the
PIN). `KioskUI` wires the screens to the kiosk and opens the staff's dialogs: the PIN
(`kiosk.ui.pin`), export (`kiosk.ui.export`), settings (`kiosk.ui.settings_dialog`) and sign
enrolment (`kiosk.ui.enrol`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QWidget,
)

from asr.events import Side, Status
from kiosk.core import strings
from kiosk.core.events import Activity
from kiosk.core.health import Component, State
from kiosk.core.picker import Picker
from kiosk.core.session import KSL, Turn
from kiosk.core.takeaway import Note
from kiosk.runtime.engines import TranslationEngine
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup import paths
from kiosk.setup.settings import OFFERED_LANGUAGES, Layout
from kiosk.ui.export import export_transcript
from kiosk.ui.pin import pin_given
from kiosk.ui.settings_dialog import SettingsDialog
from kiosk.ui.staff import StaffScreen
from kiosk.ui.theme import REFERENCE_DPI, stylesheet
from kiosk.ui.visitor import VisitorScreen


class KioskWindow(QWidget):
    """A top-level window that ignores close requests unless staff unlocked it."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setWindowTitle(title)
        self.allow_close = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
        else:
            event.ignore()


class KioskUI(QObject):
    """Builds the screens for a `Kiosk` and keeps them in step with it."""

    def __init__(self, kiosk: Kiosk, dpi: float | None = None, kiosk_mode: bool = False) -> None:
        super().__init__()
        self.kiosk = kiosk
        settings = kiosk.settings
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setStyleSheet(stylesheet())
        self.dpi = dpi or _physical_dpi()
        offered = tuple(code for code in settings.languages if code in OFFERED_LANGUAGES)
        picker = Picker.load(paths.office_phrases())  # the book's phrases, and the office's own
        self.visitor = VisitorScreen(offered, self.dpi, settings.font_scale, picker=picker)
        self.staff = StaffScreen(kiosk.translator, offered, self.dpi)
        self.kiosk_mode = kiosk_mode
        self.windows = self._lay_out(settings.layout, kiosk_mode)
        self.enrolment: QDialog | None = None  # the sign enrolment screen while it is open
        self._connect()
        for status in list(kiosk.health.values()):  # what happened before the screens existed
            self.staff.show_status(status)
        self.visitor.show_chooser()
        self.visitor.set_state(Activity.IDLE)

    # -- wiring ----------------------------------------------------------------------------------

    def _connect(self) -> None:
        k, v, s = self.kiosk, self.visitor, self.staff
        v.language_chosen.connect(self._visitor_chose)
        v.talk.connect(k.set_push_to_talk)
        v.confirmed.connect(k.confirm)
        v.written.connect(lambda text, lang: k.send_typed(text, Side.VISITOR, lang))
        v.phrase_picked.connect(k.visitor_phrase)
        v.print_requested.connect(self._print_note)
        s.show_note.connect(v.show_note)
        s.confirmed.connect(k.confirm)
        s.nearest_picked.connect(k.confirm)
        v.scale_changed.connect(self._scale_changed)
        s.quick_reply.connect(lambda pid, slots: k.quick_reply(pid, slots))
        s.typed.connect(k.send_typed)
        s.language_override.connect(k.choose_language)
        s.new_visit.connect(k.new_visit)
        s.export.connect(self.export)
        s.settings.connect(self.open_settings)
        s.mute.connect(k.set_muted)
        s.speak_out.connect(self._speak_out)
        s.enrol.connect(self.open_enrolment)
        s.camera.spelling.connect(k.camera.set_fingerspelling)
        k.sign.frame_ready.connect(self._sign_frame)
        k.sign.activity.connect(s.camera.set_activity)
        k.sign.demo_vocabulary.connect(s.camera.set_vocabulary)
        k.sign_rejected.connect(s.show_sign_rejected)
        k.sign_rejected.connect(v.show_sign_rejected)
        k.turn_changed.connect(self._turn_changed)
        k.state_changed.connect(self._state_changed)
        # not `status`: a worker's status emitted just before this screen existed reaches
        # `health` only after the replay below, and would be missed
        k.health_changed.connect(self._status)
        k.visit_reset.connect(self._reset)
        k.language_changed.connect(self._language_changed)
        self._exit_shortcuts()

    def _exit_shortcuts(self) -> None:
        """Staff leave with Ctrl+Shift+Q (and the PIN), from any of the windows."""
        for window in self.windows:
            shortcut = QShortcut(QKeySequence("Ctrl+Shift+Q"), window)
            shortcut.activated.connect(self.request_exit)

    def _print_note(self, note: Note | None) -> None:
        """The visitor asked for a print-out of their note: staff's printer, or a PDF where staff
        choose (nothing else is written)."""
        from kiosk.ui.note import print_or_save_pdf

        if note is not None:
            print_or_save_pdf(note, self.staff)

    def _visitor_chose(self, lang: str | None) -> None:
        self.kiosk.choose_language(lang)

    def _language_changed(self, lang: str | None) -> None:
        self.visitor.set_language(lang)
        self.staff.set_language(lang)
        self.staff.set_deaf_visitor(lang == KSL)

    def _turn_changed(self, turn: Turn) -> None:
        self.staff.show_turn(turn, self.kiosk.conversation.sign_results.get(turn.turn_id))
        self.visitor.show_turn(turn)

    def _sign_frame(self) -> None:
        frame = self.kiosk.sign.latest_frame()  # only the newest picture; older ones are gone
        if frame is not None and self.staff.camera.isVisible():
            self.staff.camera.show_frame(frame)

    def _state_changed(self, side: Side, state: Activity) -> None:
        # either side's progress shows; back to "your turn" when the last of it is done
        self.visitor.set_state(state)

    def _status(self, status: Status) -> None:
        self.staff.show_status(status)

    def _reset(self) -> None:
        self.staff.clear()
        self.visitor.show_chooser()

    def _scale_changed(self, scale: float) -> None:
        self.kiosk.settings.font_scale = scale

    def _speak_out(self, on: bool) -> None:
        self.kiosk.settings.speak_translations = on
        self.kiosk.settings_changed()

    # -- staff actions ---------------------------------------------------------------------------

    def export(self, path: Path | None = None, confirm: bool = True) -> Path | None:
        """The transcript, after staff confirm, to `path` or where they choose."""
        return export_transcript(self.kiosk.session, self.staff, path, confirm)

    def check_pin(self) -> bool:
        settings = self.kiosk.settings
        return pin_given(self.staff, settings.pin, settings.policy.pin_hash)

    def open_settings(self) -> None:
        if not self.check_pin():
            return
        dialog = SettingsDialog(
            self.kiosk.settings, self.staff, self.kiosk.microphones.devices(), dpi=self.dpi
        )
        # the office phrase editor saves its own file, whether or not the settings are kept
        dialog.office_phrases_saved.connect(self.kiosk.reload_office_phrases)
        dialog.undo_office_pack.connect(self.kiosk.undo_office_pack)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            camera = self.kiosk.settings.camera
            placed = _placement(self.kiosk.settings)
            dialog.apply()
            if _placement(self.kiosk.settings) != placed:
                self.relay_out()  # a new layout or screen: at once
            # what the screen could not prevent
            for problem in [*dialog.problems, *self.kiosk.settings.check()]:
                self.staff.show_status(Status(Component.SETTINGS, State.WARNING, problem))
            try:
                self.kiosk.settings.save()
            except OSError as exc:  # a read-only or full disk: the settings apply until restart
                self.staff.show_status(Status(Component.SETTINGS, State.ERROR, f"not saved: {exc}"))
            self.visitor.set_scale(self.kiosk.settings.font_scale)
            offered = tuple(
                code for code in self.kiosk.settings.languages if code in OFFERED_LANGUAGES
            )
            self.visitor.set_offered(offered)  # languages turned on or off: at once
            self.staff.set_offered(offered)
            self.kiosk.settings_changed()
            if self.kiosk.settings.camera != camera:
                self.kiosk.resume_sign()  # watch the newly chosen camera

    def open_enrolment(self, check_pin: bool = True) -> None:
        """The sign enrolment screen (behind the PIN). It borrows the camera: sign recognition
        pauses while it is open and resumes with the updated vocabulary afterwards."""
        from kiosk.ui.enrol import EnrolDialog

        if check_pin and not self.check_pin():
            return
        self.kiosk.camera.stop(wait_s=3.0)
        dialog = EnrolDialog(
            self.kiosk.camera.store(),
            self.kiosk.camera.take(),
            self.dpi,
            phrase_ids=_phrase_ids(self.kiosk.translator),
            parent=self.staff,
        )
        self.enrolment = dialog
        try:
            dialog.exec()
        finally:
            self.enrolment = None
            self.kiosk.resume_sign()

    def request_exit(self) -> None:
        if self.check_pin():
            self.close_all()

    def close_all(self) -> None:
        for window in self.windows:
            window.allow_close = True
            window.close()
        self.kiosk.stop()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # -- layouts ---------------------------------------------------------------------------------

    def relay_out(self) -> None:
        """Place the two screens anew, as Settings have them now (layout, screens): the screens
        move into new windows with all they show; the old windows go."""
        shown = any(window.isVisible() for window in self.windows)
        old = self.windows
        for window in old:
            for view in window.findChildren(RotatedView):
                view.release()  # the visitor screen out of the upside-down view
        for screen in (self.staff, self.visitor):
            screen.setParent(None)
        self.windows = self._lay_out(self.kiosk.settings.layout, self.kiosk_mode)
        self._exit_shortcuts()
        if shown:
            self.show(self.kiosk_mode)  # the new windows first: the program never has none
        for window in old:
            window.allow_close = True
            window.close()
            window.deleteLater()

    def _lay_out(self, layout: Layout, kiosk_mode: bool) -> list[KioskWindow]:
        if layout is Layout.TWO_WINDOWS:
            staff = KioskWindow(strings.staff("title"))
            _fill(staff, self.staff)
            visitor = KioskWindow(strings.staff("visitor_title"))
            _fill(visitor, self.visitor)
            windows = [staff, visitor]
            screens = QGuiApplication.screens()
            targets = [
                self.kiosk.settings.staff_screen,
                self.kiosk.settings.visitor_screen,
            ]
            for window, index in zip(windows, targets, strict=True):
                screen = screens[index] if index < len(screens) else screens[-1]
                _place(window, screen.geometry() if kiosk_mode else None)
            return windows
        window = KioskWindow(strings.staff("title"))
        row = QHBoxLayout(window)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.staff, stretch=1)
        if layout is Layout.SPLIT_ROTATED:
            row.addWidget(RotatedView(self.visitor), stretch=1)
        else:
            row.addWidget(self.visitor, stretch=1)
        screen = QGuiApplication.primaryScreen()
        _place(window, screen.geometry() if kiosk_mode and screen else None)
        return [window]

    def show(self, kiosk_mode: bool = False) -> None:
        for window in self.windows:
            if kiosk_mode:
                window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
                window.showFullScreen()  # without a window manager this is ignored: geometry is set
            else:
                window.show()


class RotatedView(QGraphicsView):
    """Shows a widget upside down (for the person across a flat screen); input still works."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.scene_ = QGraphicsScene(self)
        self.widget_ = widget
        self.proxy = self.scene_.addWidget(widget)
        self.setScene(self.scene_)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.rotate(180)

    def release(self) -> None:
        """Give the widget back (a new layout takes it): out of the scene, parentless."""
        self.proxy.setWidget(None)  # type: ignore[arg-type]
        self.widget_.setParent(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.proxy.resize(self.viewport().width(), self.viewport().height())
        self.scene_.setSceneRect(self.proxy.boundingRect())
        self.fitInView(self.proxy, Qt.AspectRatioMode.KeepAspectRatio)
        super().resizeEvent(event)


def _placement(settings: object) -> tuple[object, ...]:
    """What decides where the windows go: the layout and the two screens."""
    return tuple(getattr(settings, name) for name in ("layout", "staff_screen", "visitor_screen"))


def _phrase_ids(translator: TranslationEngine | None) -> list[str]:
    """Phrasebook ids a sign can answer to (offered when enrolling a sign)."""
    if translator is None:
        return []
    try:
        return sorted(p.id for p in translator.phrases())
    except Exception:
        return []


def _fill(window: QWidget, content: QWidget) -> None:
    layout = QHBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(content)


def _place(window: QWidget, geometry: QRect | None) -> None:
    if geometry is not None:
        window.setGeometry(geometry)
    else:
        window.resize(1600, 900)


def _physical_dpi() -> float:
    screen = QGuiApplication.primaryScreen()
    if screen is None or QGuiApplication.platformName() in ("offscreen", "minimal"):
        return REFERENCE_DPI
    dpi = float(screen.physicalDotsPerInchY())
    return dpi if 50 <= dpi <= 400 else REFERENCE_DPI

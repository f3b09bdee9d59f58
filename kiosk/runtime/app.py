"""Starting the kiosk: the Qt application, and `changgu run` on the real microphone.

With no display (no $DISPLAY / $WAYLAND_DISPLAY) Qt runs offscreen. The demo (`kiosk.demo`) starts
the same kiosk with recordings in the microphone's place.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtWidgets import QApplication

from asr.events import Status
from kiosk.core.health import Component, State
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup.settings import Settings

log = logging.getLogger(__name__)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def make_app(offscreen: bool | None = None) -> QApplication:
    if offscreen or (offscreen is None and not has_display()):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Changgu")
    return app


def run_kiosk(settings: Settings, kiosk_mode: bool = True) -> int:
    """The real kiosk: microphones once the models are loaded, until staff exit with the PIN."""
    from kiosk.ui.window import KioskUI

    app = make_app()
    kiosk = Kiosk(settings)
    kiosk.start()
    ui = KioskUI(kiosk, kiosk_mode=kiosk_mode)
    kiosk.models_ready.connect(kiosk.start_microphones)
    for problem in settings.problems:
        ui.staff.show_status(Status(Component.SETTINGS, State.WARNING, problem))
    ui.show(kiosk_mode)
    code = app.exec()
    kiosk.stop(wait_s=10.0)  # and let its threads leave native code before Python exits
    return int(code)

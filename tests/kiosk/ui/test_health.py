"""What staff see when something is wrong, and that the counter keeps working meanwhile.

- The microphone is pulled out mid-visit (a real PortAudio stream on a PulseAudio pipe source):
  the status bar says so, and when it is plugged back in, speech is heard again.
- Models still loading: quick replies and typing already work, and the UI keeps running.
- Models missing: a clear status naming the command that fixes it; the counter still works.
"""

from __future__ import annotations

import time
from dataclasses import replace
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from asr.audio import load_audio
from asr.events import Side
from kiosk.core.session import TurnKind
from kiosk.runtime.engines import Engines
from kiosk.setup.settings import Settings
from kiosk.ui.theme import THEME
from tests.kiosk.ui.conftest import close, make_ui, status_colour, status_text, wait_for_turn

DEMO = Path(str(resources.files("assets").joinpath("demo")))


@pytest.mark.pulse
def test_microphone_lost_mid_visit_and_back(qtbot, pulse_microphone):
    mic = pulse_microphone
    kiosk, ui = make_ui(qtbot)
    try:
        kiosk.choose_language("en")
        kiosk.start_microphones()
        qtbot.waitUntil(lambda: THEME.verified in status_colour(ui, "mic:counter"), timeout=10_000)

        mic.unplug()  # the cable is pulled
        qtbot.waitUntil(
            lambda: THEME.untranslated in status_colour(ui, "mic:counter"), timeout=15_000
        )
        assert "mic:counter" in status_text(ui, "mic:counter")
        # the rest of the counter works on: a quick reply reaches the visitor
        kiosk.quick_reply("greet.wait")
        assert ui.visitor.newest_label.text()

        mic.plug_in()  # and back
        qtbot.waitUntil(lambda: THEME.verified in status_colour(ui, "mic:counter"), timeout=20_000)
        speech = load_audio(DEMO / "synthetic_en_02_fee.wav")
        mic.play(np.concatenate([speech, np.zeros(16000, np.float32)]))
        said = wait_for_turn(
            qtbot,
            kiosk,
            lambda t: t.side is Side.VISITOR and t.final and t.kind is not TurnKind.PENDING,
        )
        assert said.lang == "en" and "fee" in said.text.lower()
        assert said.turn_id in ui.staff.cards
    finally:
        close(ui)


def test_quick_replies_and_typing_work_while_models_load(qtbot):
    real = Engines.real()
    assert real.speech is not None
    load_speech = real.speech

    def slow_speech(settings: Settings) -> object:
        time.sleep(2.0)  # a slow disk: the real models, loaded 2 s later than they could be
        return load_speech(settings)

    kiosk, ui = make_ui(qtbot, wait_ready=False, engines=replace(real, speech=slow_speech))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(kiosk.ready))
    timer.start(10)
    try:
        assert not kiosk.ready
        # "loading… (quick replies and typing work now)"
        assert "불러오는 중" in status_text(ui, "models")
        kiosk.choose_language("vi")
        button = next(b for b in ui.staff.phrase_buttons if b.property("phrase") == "greet.hello")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        hello = kiosk.session.turns[-1]
        assert hello.phrase_id == "greet.hello" and hello.kind is TurnKind.VERIFIED
        assert ui.visitor.newest_label.text() == hello.translated_text
        assert not kiosk.ready  # shown before the models finished loading

        ui.staff.input.setText("잠시만 기다려 주세요.")
        qtbot.mouseClick(ui.staff.send_button, Qt.MouseButton.LeftButton)
        typed = wait_for_turn(
            qtbot,
            kiosk,
            lambda t: "잠시만" in t.text and t.kind is not TurnKind.PENDING,
            timeout_s=60,
        )
        assert typed.kind is TurnKind.VERIFIED and typed.translated_lang == "vi"

        qtbot.waitUntil(lambda: kiosk.ready, timeout=60_000)
        assert "준비됨" in status_text(ui, "models")
        assert False in ticks  # the UI thread kept running while the models loaded
    finally:
        timer.stop()
        close(ui)


def test_missing_models_are_reported_and_the_counter_keeps_working(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "empty"))
    kiosk, ui = make_ui(qtbot, wait_ready=False)
    try:
        qtbot.waitUntil(lambda: THEME.untranslated in status_colour(ui, "models"), timeout=30_000)
        message = ui.staff.status_labels["models"].toolTip()
        assert "changgu models install" in message
        assert not kiosk.ready
        kiosk.choose_language("zh")
        reply = kiosk.quick_reply("fee.amount", {"amount": "1200"})
        assert reply is not None and ui.visitor.newest_label.text() == reply.translated_text
        kiosk.start_microphones()  # staff try the microphone anyway: a status, not a crash
        assert "mic" in " ".join(ui.staff.status_labels)
    finally:
        close(ui)


def test_a_status_a_worker_reports_just_before_the_screens_exist_is_shown(qtbot):
    # a worker's status is queued to the UI thread; the screens are built before it is handled
    # (the building server's health check can answer that fast): it must still reach them
    import threading

    from asr.events import Status
    from kiosk.core.health import Component, State
    from kiosk.runtime.kiosk import Kiosk
    from kiosk.ui.window import KioskUI

    kiosk = Kiosk(Settings())  # not started: nothing else reports meanwhile
    reported = Status(Component.BUILDING, State.OK, "http://building.example answers")
    worker = threading.Thread(target=kiosk.status.emit, args=(reported,))
    worker.start()
    worker.join()  # emitted, not yet handled: the UI thread has not run its events since
    ui = KioskUI(kiosk)
    try:
        qtbot.waitUntil(lambda: "answers" in status_text(ui, Component.BUILDING), timeout=5_000)
    finally:
        close(ui)

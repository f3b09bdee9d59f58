"""`changgu demo`: a scripted counter visit played through the live path.

Recordings go into the counter microphone's place (opened before anyone chooses a language, as
at the live counter), videos into the camera's, and staff's taps and typing reach the kiosk as the
screens would send them. With no display the demo prints the bilingual transcript and saves
screenshots of both screens.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from asr.events import Side
from kiosk.core.events import CameraState, MicRole
from kiosk.core.session import Turn, TurnKind
from kiosk.demo.script import Script, Step, StepKind, demo_script
from kiosk.keyboards import Level
from kiosk.runtime.app import make_app
from kiosk.runtime.engines import slot_values
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup.settings import Layout, Settings

#: how long the picker or the pad stays on screen before the tap or Send (a screenshot is taken)
PICK_SHOWN_MS = 1500

if TYPE_CHECKING:  # the screens are built only when the demo runs
    from kiosk.ui.window import KioskUI


class DemoDriver(QObject):
    """Plays a script through the live path: recordings in the counter microphone's place, videos
    in the camera's, staff's taps and typing as the screens would send them; each step after the
    previous one has been shown."""

    finished = Signal()
    step_started = Signal(int, object)

    def __init__(
        self,
        kiosk: Kiosk,
        script: Script,
        pause_s: float = 1.2,
        realtime: bool = True,
        ui: KioskUI | None = None,
    ) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.ui = ui  # the screens: the visitor's writing pad and note are used through them
        self.script = script
        self.steps = script.steps
        self.pause_ms = int(pause_s * 1000)
        self.realtime = realtime
        self.index = -1
        self.visit = 1
        self.step_times: list[tuple[Step, float]] = []
        self._playing = False
        self._signing = False
        kiosk.playback_finished.connect(self._playback_done)
        kiosk.sign.activity.connect(self._sign_activity)

    def start(self) -> None:
        QTimer.singleShot(self.pause_ms, self._next)

    def _next(self) -> None:
        self.index += 1
        if self.index >= len(self.steps):
            self.finished.emit()
            return
        step = self.steps[self.index]
        if step.kind is StepKind.SPEECH and not self.kiosk.ready:
            self.index -= 1
            QTimer.singleShot(200, self._next)  # wait for the speech model
            return
        self.step_started.emit(self.index, step)
        self.step_times.append((step, time.perf_counter()))
        if self._play(step):
            self._when_settled(self._schedule_next)

    def _play(self, step: Step) -> bool:
        """Carry out one step as the counter would see it; False if it goes on by itself (a
        recording, a video, a note on screen, a wait) and calls for the next step when done."""
        k = self.kiosk
        match step.kind:
            case StepKind.NEW_VISIT:
                self.visit += 1
                k.new_visit()
            case StepKind.VISITOR_LANG:
                k.choose_language(step.lang or None)
            case StepKind.PHRASE:
                k.quick_reply(step.phrase, step.slots)
            case StepKind.TYPE if step.side == "visitor" and self.ui is not None:
                pad = self.ui.visitor.pad  # the visitor writes on the pad, as a visitor would
                self.ui.visitor.show_pad()
                pad.field.setPlainText(step.text)
                pad.send()
            case StepKind.TYPE:
                k.send_typed(step.text, Side(step.side or "staff"), step.lang or None)
            case StepKind.NOTE if self.ui is not None:
                self.ui.visitor.show_note()  # the visitor takes the answer home
                QTimer.singleShot(int((step.seconds or 3.0) * 1000), self._close_note)
                return False
            case StepKind.CONFIRM:
                turns = reversed(k.session.turns)
                asked = next((t for t in turns if t.kind is TurnKind.CONFIRM), None)
                if asked is not None:
                    yes = step.answer == "yes" and asked.candidates
                    k.confirm(asked.turn_id, asked.candidates[0].phrase_id if yes else None)
            case StepKind.TEXT_SIZE if self.ui is not None:
                self.ui.visitor.set_scale(step.size)
            case StepKind.PICK if self.ui is not None:
                self._pick(step)
                return False  # the phrase is tapped once the picker has been seen
            case StepKind.PICK:
                k.visitor_phrase(step.phrase, slot_values(step.slots))
            case StepKind.KEYS if self.ui is not None:
                self._keys(step)
                return False  # sent once the keys have been seen
            case StepKind.KEYS:
                k.send_typed(step.text, Side.VISITOR)
            case StepKind.WAIT:
                settle = lambda: self._when_settled(self._next)  # noqa: E731
                QTimer.singleShot(int(step.seconds * 1000), settle)
                return False
            case StepKind.SPEECH:
                self._playing = True
                role = MicRole(step.side) if step.side else MicRole.COUNTER
                k.play_file(self.script.path(step.audio), role, self.realtime, 1.0)
                return False  # goes on in _playback_done
            case StepKind.SIGN:
                self._signing = True
                k.play_sign_file(self.script.path(step.video), self.realtime)
                return False  # goes on in _sign_activity, when the video has ended
        return True

    def _pick(self, step: Step) -> None:
        """The visitor opens the picker, the phrase's topic, and taps the phrase."""
        assert self.ui is not None
        visitor = self.ui.visitor
        visitor.show_picker()
        shown = visitor.picker.model.phrase(step.phrase, visitor.picker.lang)
        visitor.picker.open_topic(shown.topic)

        def tap() -> None:
            visitor.show_conversation()
            self.kiosk.visitor_phrase(step.phrase, slot_values(step.slots))
            self._when_settled(self._schedule_next)

        QTimer.singleShot(PICK_SHOWN_MS, tap)

    def _keys(self, step: Step) -> None:
        """The visitor opens the pad and taps each character's key (Shift first where the
        character is on the upper level), then Send."""
        assert self.ui is not None
        visitor = self.ui.visitor
        visitor.show_pad()
        pad = visitor.pad
        for char in step.text:
            found = pad.keyboard_layout.find(char)
            if char == " ":
                pad.space_key.click()
            elif found is None:
                pad.type_key(char)  # not on this layout's keys: as a keyboard would type it
            else:
                key, level = found
                if level is Level.SHIFT:
                    pad.shift_key.click()
                elif level is Level.ALT:
                    pad.alt_key.click()
                pad.character_keys[key.position].click()

        def send() -> None:
            pad.send()
            self._when_settled(self._schedule_next)

        QTimer.singleShot(PICK_SHOWN_MS, send)

    def _close_note(self) -> None:
        if self.ui is not None:
            self.ui.visitor.show_conversation()
        self._schedule_next()

    def _playback_done(self) -> None:
        if self._playing:
            self._playing = False
            self._when_settled(self._schedule_next)

    def _sign_activity(self, activity: CameraState) -> None:
        if self._signing and activity is CameraState.OFF:
            self._signing = False
            self.kiosk.camera.video = None  # the camera of the settings again
            self._when_settled(self._schedule_next)

    def _schedule_next(self) -> None:
        QTimer.singleShot(self.pause_ms, self._next)

    def _when_settled(self, then: Callable[[], None]) -> None:
        """Call `then` once no turn is waiting for its translation."""
        if any(t.kind is TurnKind.PENDING for t in self.kiosk.session.turns):
            QTimer.singleShot(50, lambda: self._when_settled(then))
        else:
            then()


def run_demo(
    screenshots: Path | None,
    offscreen: bool | None = None,
    exit_when_done: bool | None = None,
    realtime: bool = True,
    layout: Layout = Layout.TWO_WINDOWS,
    script: Script | None = None,
    as_json: bool = False,
) -> int:
    """Play a script (the bundled visit by default) in the kiosk. With `as_json`, stdout carries
    one JSON object per finished turn and everything else goes to stderr."""
    from kiosk.ui.window import KioskUI

    script = script or demo_script()
    say = _stderr if as_json else print
    app = make_app(offscreen)
    headless = os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    exit_when_done = headless if exit_when_done is None else exit_when_done
    settings = Settings(layout=layout)  # the demo never reads or changes the counter's settings
    kiosk = Kiosk(settings)
    started = time.perf_counter()
    # connected before the kiosk starts: with a warm cache the models can be ready within the
    # first processEvents() below, and a signal nobody listens to yet is lost
    kiosk.models_ready.connect(
        lambda: say(f"models ready after {time.perf_counter() - started:.1f} s")
    )
    # the recordings' player opens in the counter microphone's place as soon as speech can be
    # recognised, before anyone has chosen a language: the live counter's order
    kiosk.models_ready.connect(lambda: kiosk.open_feed(MicRole.COUNTER, realtime))
    kiosk.start()
    ui = KioskUI(kiosk, kiosk_mode=False)
    for window in ui.windows:
        window.resize(1920, 1080)
    ui.show()
    app.processEvents()
    say(f"Changgu demo: screens up in {time.perf_counter() - started:.1f} s; loading models…")
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
        _save(ui, screenshots, "0-start")
    driver = DemoDriver(kiosk, script, realtime=realtime, ui=ui)
    printer = TurnPrinter(lambda: driver.visit, as_json)
    kiosk.turn_changed.connect(printer.show)
    kiosk.visit_reset.connect(printer.shown.clear)
    shots = {"n": 0}

    def step_started(index: int, step: Step) -> None:
        if step.kind is StepKind.NEW_VISIT:
            say("\n--- New visit: the previous visitor's conversation is wiped ---\n")
        shot = (StepKind.NEW_VISIT, StepKind.NOTE, StepKind.CONFIRM, StepKind.PICK, StepKind.KEYS)
        if screenshots and step.kind in shot:
            shots["n"] += 1
            stem = f"{shots['n']}-{step.kind.replace('_', '-')}"
            if step.kind in (StepKind.PICK, StepKind.KEYS):
                stem += f"-{kiosk.session.visitor_lang}"
            if step.kind in (StepKind.NOTE, StepKind.PICK, StepKind.KEYS):  # once on screen
                QTimer.singleShot(300, lambda: _save(ui, screenshots, stem))
            else:
                _save(ui, screenshots, stem)

    def finished() -> None:
        if not as_json:  # the JSON lines already carry every turn
            say("\n--- bilingual transcript of the last visit ---")
            say(kiosk.session.transcript().rstrip("\n"))
        if screenshots:
            paths = _save(ui, screenshots, "9-end")
            say(f"screenshots: {', '.join(str(p) for p in paths)} (and earlier ones there)")
        if exit_when_done:
            ui.close_all()

    driver.step_started.connect(step_started)
    driver.finished.connect(finished)
    driver.start()
    code = app.exec()
    kiosk.stop(wait_s=10.0)  # and let its threads leave native code before Python exits
    return int(code)


class TurnPrinter:
    """Prints each finished turn once: readable lines, or one JSON object a line (`as_json`)."""

    def __init__(self, visit: Callable[[], int], as_json: bool = False) -> None:
        self.visit = visit  # () -> the visit's number (1 for the first)
        self.as_json = as_json
        self.shown: set[tuple[int, str]] = set()

    def show(self, turn: Turn) -> None:
        key = (turn.turn_id, str(turn.kind))
        waiting = turn.kind in (TurnKind.PENDING, TurnKind.CONFIRM)
        if not turn.final or waiting or key in self.shown:
            return
        self.shown.add(key)
        if self.as_json:
            record = {
                "visit": self.visit(),
                "side": turn.side.value,
                "lang": turn.lang,
                "text": turn.text,
                "kind": str(turn.kind),
                "translated_lang": turn.translated_lang,
                "translated_text": turn.translated_text,
                "phrase_id": turn.phrase_id,
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
            return
        print(f"[{turn.side.value}] ({turn.lang}) {turn.text}", flush=True)
        if turn.kind is not TurnKind.ORIGINAL:
            print(f"    → ({turn.translated_lang}, {turn.kind}) {turn.translated_text or '—'}")


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _save(ui: KioskUI, folder: Path, stem: str) -> list[Path]:
    saved = []
    for name, widget in (("staff", ui.staff), ("visitor", ui.visitor)):
        path = folder / f"{stem}-{name}.png"
        widget.grab().save(str(path))
        saved.append(path)
    return saved

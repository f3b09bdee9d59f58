"""`changgu doctor`: checks models, fonts, audio and camera, and says what to fix.

The checks here are quick (nothing is loaded); `kiosk.setup.selftest` reuses them and adds the
slow ones (every model loaded, every language rendered).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.setup.model_store import ModelManager, ModelState


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("doctor", help="check models, fonts, audio and camera; say what to fix")
    p.set_defaults(func=_doctor)


def run_checks() -> list[Check]:
    checks: list[Check] = []
    for probe in (
        check_models,
        check_speech_tier,
        check_settings,
        check_fonts,
        check_audio,
        check_camera,
    ):
        checks.extend(probe())
    return checks


def check_speech_tier() -> list[Check]:
    """Which speech model the kiosk runs and why (timing each installed one on this PC once)."""
    from kiosk.runtime.speech_tiers import choose_speech_model
    from kiosk.setup.model_store import ModelError
    from kiosk.setup.settings import Settings

    try:
        choice = choose_speech_model(preferred=Settings.load().speech_model)
    except (ModelError, OSError) as exc:
        return [Check("speech model", False, str(exc), fix="changgu models verify")]
    return [Check("speech model", True, choice.reason)]


def print_check(c: Check) -> None:
    mark = "ok  " if c.ok else ("FAIL" if c.required else "warn")
    print(f"[{mark}] {c.name}: {c.detail}", flush=True)
    if not c.ok and c.fix:
        print(f"       fix: {c.fix}", flush=True)


def summary(checks: Sequence[Check]) -> int:
    """Print the closing line; the exit code: 0 when every required check passed."""
    failed = [c for c in checks if not c.ok and c.required]
    warned = [c for c in checks if not c.ok and not c.required]
    if failed:
        print(f"\n{len(failed)} problem(s) to fix: {', '.join(c.name for c in failed)}.")
    else:
        note = f" ({len(warned)} warning(s))" if warned else ""
        print(f"\nAll required checks passed{note}.")
    return 1 if failed else 0


def _doctor(args: argparse.Namespace) -> int:
    checks = run_checks()
    for c in checks:
        print_check(c)
    return summary(checks)


def check_models() -> list[Check]:
    manager = ModelManager()
    out = []
    for spec in manager.specs:
        if not spec.default:
            continue
        state = manager.state(spec.name)
        detail = state.value
        if state is ModelState.DAMAGED:
            detail += f" ({'; '.join(manager.problems(spec.name))})"
        out.append(
            Check(
                f"model {spec.name}",
                state is ModelState.INSTALLED,
                detail,
                fix=f"changgu models install {spec.name}",
            )
        )
    return out


def check_settings() -> list[Check]:
    """The settings file: each value that the kiosk replaced by its default, named."""
    from kiosk.setup.settings import Settings, default_path

    path = default_path()
    problems = Settings.load(path).problems
    if not problems:
        where = str(path) if path.exists() else "defaults (no settings file yet)"
        return [Check("settings", True, where)]
    return [
        Check(
            "settings",
            False,
            problem,
            fix=f"correct it in Settings on the staff screen (PIN), or in {path}",
            required=False,
        )
        for problem in problems
    ]


def check_fonts() -> list[Check]:
    """The fonts the kiosk itself uses: each language's own name rendered in the family the
    language table names for it (`kiosk.setup.selftest.check_fonts_render`, the same check as
    the self-test's), not the first font the system happens to have for the script."""
    from kiosk.setup.selftest import check_fonts_render

    return check_fonts_render()


def start_qt() -> None:
    """A QApplication, which font checks need (off screen when there is no display)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    # a QApplication (not only a QGuiApplication): the process may show widgets after this check
    if QApplication.instance() is None:
        QApplication([])


def check_audio() -> list[Check]:
    """The inputs there are, and the default one opened the kiosk's way, for a second of sound."""
    from asr.audio import list_input_devices, listen_briefly
    from asr.errors import AudioDeviceError

    try:
        devices = list_input_devices()
    except AudioDeviceError as exc:
        return [Check("microphone", False, str(exc), fix="apt-get install libportaudio2")]
    if not devices:
        return [
            Check(
                "microphone",
                False,
                "no audio input found",
                fix="plug in a microphone; check PulseAudio/PipeWire is running",
                required=False,
            )
        ]
    try:
        works, what = listen_briefly(None)
    except AudioDeviceError as exc:
        works, what = False, str(exc)
    inputs = f"{len(devices)} input(s); "
    if works:
        return [Check("microphone", True, inputs + what)]
    return [
        Check(
            "microphone",
            False,
            inputs + what,
            fix="check the microphone's cable, and that no other program is using it",
            required=False,
        )
    ]


def check_camera() -> list[Check]:
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")  # its own probe messages are noise here
    import cv2

    names = list_cameras()
    cap = cv2.VideoCapture(0)
    try:
        ok = bool(cap.isOpened())
    finally:
        cap.release()
    if ok:
        detail = f"camera 0 opens ({', '.join(names) if names else 'unnamed'})"
    elif names:
        detail = f"found {', '.join(names)}, but camera 0 does not open (in use, or no permission?)"
    else:
        detail = "no camera found (needed only for sign language)"
    return [
        Check(
            "camera",
            ok,
            detail,
            fix="plug in a USB camera for deaf-visitor mode; the user must be in the 'video' group",
            required=False,
        )
    ]


def list_cameras() -> list[str]:
    """Names of the video devices the system knows (Linux: V4L2), e.g. ['video0: HD Webcam']."""
    if not sys.platform.startswith("linux"):
        return []
    found = []
    for node in sorted(Path("/sys/class/video4linux").glob("video*")):
        try:
            name = (node / "name").read_text(encoding="utf-8").strip()
        except OSError:
            name = "?"
        found.append(f"{node.name}: {name}")
    return found

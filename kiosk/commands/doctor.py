"""`changgu doctor`: checks models, fonts, audio and camera, and says what to fix."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.models import ModelManager, ModelState


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
    for probe in (_check_models, _check_fonts, _check_audio, _check_camera):
        checks.extend(probe())
    return checks


def _doctor(args: argparse.Namespace) -> int:
    checks = run_checks()
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.required else "warn")
        print(f"[{mark}] {c.name}: {c.detail}")
        if not c.ok and c.fix:
            print(f"       fix: {c.fix}")
    failed = [c for c in checks if not c.ok and c.required]
    print("\nAll required checks passed." if not failed else f"\n{len(failed)} problem(s) to fix.")
    return 1 if failed else 0


def _check_models() -> list[Check]:
    manager = ModelManager()
    out = []
    for spec in manager.specs:
        if not spec.default:
            continue
        state = manager.state(spec.name)
        out.append(
            Check(
                f"model {spec.name}",
                state is ModelState.INSTALLED,
                state.value,
                fix=f"changgu models install {spec.name}",
            )
        )
    return out


def _check_fonts() -> list[Check]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    del app
    systems: dict[str, Callable[[], QFontDatabase.WritingSystem]] = {
        "Korean": lambda: QFontDatabase.WritingSystem.Korean,
        "Chinese": lambda: QFontDatabase.WritingSystem.SimplifiedChinese,
        "Japanese": lambda: QFontDatabase.WritingSystem.Japanese,
        "Thai": lambda: QFontDatabase.WritingSystem.Thai,
        "Khmer": lambda: QFontDatabase.WritingSystem.Khmer,
        "Devanagari (Nepali)": lambda: QFontDatabase.WritingSystem.Devanagari,
        "Cyrillic": lambda: QFontDatabase.WritingSystem.Cyrillic,
        "Vietnamese": lambda: QFontDatabase.WritingSystem.Vietnamese,
    }
    out = []
    for label, system in systems.items():
        families = QFontDatabase.families(system())
        out.append(
            Check(
                f"font for {label}",
                bool(families),
                families[0] if families else "none: text would show as empty boxes",
                fix="apt-get install fonts-noto-cjk fonts-noto-core",
            )
        )
    return out


def _check_audio() -> list[Check]:
    from asr.audio import list_input_devices
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
    default = devices[0]
    return [Check("microphone", True, f"{len(devices)} input(s), default '{default.name}'")]


def _check_camera() -> list[Check]:
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")  # its own probe messages are noise here
    import cv2

    cap = cv2.VideoCapture(0)
    try:
        ok = bool(cap.isOpened())
    finally:
        cap.release()
    return [
        Check(
            "camera",
            ok,
            "camera 0 opens" if ok else "no camera found (needed only for sign language)",
            fix="plug in a USB camera for deaf-visitor mode",
            required=False,
        )
    ]

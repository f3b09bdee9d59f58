"""Kiosk settings: one typed object, validated when loaded, stored as JSON in the config folder.

Changed only through the PIN-protected settings dialog. A damaged or hand-edited file never stops
the kiosk: invalid values fall back to defaults and the problem is reported to staff.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path

from kiosk import paths

log = logging.getLogger(__name__)

OFFERED_LANGUAGES = ("zh", "vi", "th", "en", "uz", "ru", "mn", "ne", "km", "tl", "id", "ja")


class Layout(StrEnum):
    TWO_WINDOWS = "two-windows"  # staff and visitor screens on two monitors
    SPLIT = "split"  # one window, two halves side by side
    SPLIT_ROTATED = "split-rotated"  # one flat screen between two people: visitor half upside down


@dataclass
class Settings:
    staff_device: str = ""  # "" = default input
    visitor_device: str = ""  # "" = one microphone for both sides
    languages: tuple[str, ...] = OFFERED_LANGUAGES
    font_scale: float = 1.0  # 1.0 .. 2.0 (up to 200%)
    idle_timeout_s: int = 300
    layout: Layout = Layout.TWO_WINDOWS
    staff_screen: int = 0
    visitor_screen: int = 1
    speak_translations: bool = False
    camera: str = "0"  # sign-language camera: index ("0", "1"), device path, or a video file (demo)
    speech_model: str = ""  # "" = the default (whisper-base); another installed Whisper size
    pin: str = "0000"
    problems: list[str] = field(default_factory=list, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or default_path()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            return cls(problems=[f"settings file {path} unreadable ({exc}); using defaults"])
        return cls.from_dict(raw if isinstance(raw, dict) else {})

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Settings:
        settings = cls()
        known = {f.name for f in fields(cls)} - {"problems"}
        for key, value in raw.items():
            if key not in known:
                settings.problems.append(f"unknown setting {key!r} ignored")
                continue
            try:
                setattr(settings, key, _coerce(key, value))
            except (TypeError, ValueError) as exc:
                settings.problems.append(f"setting {key!r}: {exc}; default kept")
        return settings

    def save(self, path: Path | None = None) -> None:
        path = path or default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if k != "problems"}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)


def default_path() -> Path:
    return paths.config_dir() / "settings.json"


def camera_device(camera: str) -> int | str:
    """The `camera` setting as OpenCV wants it: an index for digits, else the path as given."""
    return int(camera) if camera.strip().isdigit() else camera.strip()


def _coerce(key: str, value: object) -> object:
    if key == "font_scale":
        scale = float(value)  # type: ignore[arg-type]
        if not 1.0 <= scale <= 2.0:
            raise ValueError("must be between 1.0 and 2.0 (100% to 200%)")
        return scale
    if key in ("idle_timeout_s", "staff_screen", "visitor_screen"):
        number = int(value)  # type: ignore[call-overload]
        if number < 0 or (key == "idle_timeout_s" and number < 30):
            raise ValueError("out of range")
        return number
    if key == "languages":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of language codes")
        return tuple(value)
    if key == "layout":
        return Layout(str(value))
    if key == "speak_translations":
        return bool(value)
    if key == "camera":
        camera = str(value).strip()
        if not camera:
            raise ValueError("give a camera index (0, 1, …) or a device path such as /dev/video2")
        return camera
    if key == "pin":
        pin = str(value)
        if not pin.isdigit() or not 4 <= len(pin) <= 8:
            raise ValueError("must be 4 to 8 digits")
        return pin
    return str(value)

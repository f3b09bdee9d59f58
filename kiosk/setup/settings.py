"""Kiosk settings: one typed object, validated when loaded, stored as JSON in the config folder.

Changed only through the PIN-protected settings dialog. A damaged or hand-edited file never stops
the kiosk: every value is checked for its type and range (the ranges the settings dialog offers;
`true`/`false` without quotes for switches; language codes from the offered list), an invalid one
falls back to its default, and `problems` names the setting and what it must be, for the staff
screen. A file that is not JSON, is nested too deeply or is implausibly large gives the defaults.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kiosk.setup import paths
from kiosk.setup.policy import Policy, load_policy
from kiosk.setup.regular_files import NotRegularFileError, open_regular
from translate import languages

log = logging.getLogger(__name__)

# Every visitor language of the registry (assets/languages.toml), in its order: the chooser's.
OFFERED_LANGUAGES = tuple(code for code in languages.codes() if code != languages.STAFF_LANGUAGE)


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
    # a building's inference server (`changgu serve`, or any OpenAI-transcription / LibreTranslate
    # server): "" = everything on this counter. Its token is kept apart (kiosk.setup.building).
    building_url: str = ""
    building_ca: str = ""  # the city's CA bundle (PEM), when its certificate is not public
    building_model: str = ""  # the `model` a server wants named (speaches, vLLM); "" = "whisper"
    problems: list[str] = field(default_factory=list, compare=False)
    # the city's system policy (kiosk.setup.policy): what it set and locked; never saved here
    policy: Policy = field(default_factory=Policy, compare=False)

    @classmethod
    def load(cls, path: Path | None = None, policy: Policy | None = None) -> Settings:
        """The settings file, each bad value replaced by its default and named in `problems`,
        then the city's system policy over it (`/etc/changgu/policy.toml`; a refused policy is
        named in `problems` too)."""
        settings = cls._load_own(path)
        settings.apply_policy(policy if policy is not None else load_policy())
        return settings

    def apply_policy(self, policy: Policy) -> None:
        """Take the policy's values (staff's own choices give way) and remember what it locks."""
        self.policy = policy
        self.problems.extend(policy.problems)
        for key, value in policy.values.items():
            setattr(self, key, value)

    def locked(self, key: str) -> str | None:
        """Why staff may not change `key` here (None: they may)."""
        return self.policy.lock_reason(key)

    @classmethod
    def _load_own(cls, path: Path | None = None) -> Settings:
        """The settings file, each bad value replaced by its default and named in `problems`."""
        path = path or default_path()
        try:
            with open_regular(path) as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return cls()
        except NotRegularFileError:
            return cls(
                problems=[
                    f"settings file {path} is not a plain file (a pipe or a device?); defaults "
                    "used. Save the settings on the staff screen to replace it"
                ]
            )
        except OSError as exc:
            return cls(
                problems=[f"settings file {path} unreadable ({exc.strerror}); defaults used"]
            )
        if len(data) > MAX_FILE_BYTES:
            return cls(problems=[f"settings file {path} is implausibly large; defaults used"])
        try:
            raw = json.loads(data.decode("utf-8-sig"))  # Windows Notepad starts with a BOM
        except (ValueError, RecursionError) as exc:
            what = "nested too deeply" if isinstance(exc, RecursionError) else f"not JSON: {exc}"
            return cls(problems=[f"settings file {path} is damaged ({what}); defaults used"])
        if not isinstance(raw, dict):
            return cls(problems=[f"settings file {path} does not hold settings; defaults used"])
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Settings:
        """Settings from parsed JSON: every value type- and range-checked; a bad one keeps its
        default and adds a line to `problems` that names the setting and what it must be."""
        settings = cls()
        for key, value in raw.items():
            rule = _RULES.get(key)
            if rule is None:
                settings.problems.append(f"unknown setting {str(key)[:40]!r} ignored")
                continue
            try:
                setattr(settings, key, rule(value))
            except _Partly as exc:
                setattr(settings, key, exc.value)
                settings.problems.append(f"setting {key!r}: {exc}")
            except _Invalid as exc:
                shown = "the PIN given" if key == "pin" else _show(value)
                settings.problems.append(
                    f"setting {key!r}: {shown} is not valid: {exc}; using the default "
                    f"({_show_default(key, getattr(settings, key))})"
                )
        return settings

    def check(self) -> list[str]:
        """Problems with the current values (e.g. before saving what a screen changed)."""
        data = {k: getattr(self, k) for k in _RULES}
        data["languages"] = list(self.languages)
        data["layout"] = self.layout.value if isinstance(self.layout, Layout) else self.layout
        return Settings.from_dict(data).problems

    def save(self, path: Path | None = None) -> None:
        """Write the settings whole or not at all (an OSError leaves the old file as it was).

        Each save writes a temporary file of its own beside the settings and renames it over
        them, so two processes saving at once never write into the same file.
        """
        path = path or default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: getattr(self, k) for k in _RULES}
        data["languages"] = list(self.languages)
        text = json.dumps(data, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())  # the rename must not land before the bytes do
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def default_path() -> Path:
    return paths.config_dir() / "settings.json"


def camera_device(camera: str) -> int | str:
    """The `camera` setting as OpenCV wants it: an index for digits, else the path as given."""
    return int(camera) if camera.strip().isdigit() else camera.strip()


MAX_FILE_BYTES = 1 << 20
IDLE_TIMEOUT_S = (30, 3600)  # what the settings screen offers
MAX_SCREEN = 15
_MAX_TEXT = 512


class _Invalid(ValueError):
    """A settings value that is not acceptable; the message says what it must be."""


class _Partly(ValueError):
    """A value usable in part (`value`); the message says what was left out."""

    def __init__(self, value: object, message: str) -> None:
        super().__init__(message)
        self.value = value


def _whole(low: int, high: int, unit: str = "") -> Callable[[object], int]:
    def rule(value: object) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(f"give a whole number{unit} from {low} to {high}")
        return value

    return rule


def _font_scale(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid("give a number from 1.0 to 2.0 (100% to 200%)")
    scale = float(value)
    if not (math.isfinite(scale) and 1.0 <= scale <= 2.0):
        raise _Invalid("give a number from 1.0 to 2.0 (100% to 200%)")
    return scale


def _languages(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"give a list of language codes from: {', '.join(OFFERED_LANGUAGES)}")
    known = tuple(dict.fromkeys(v for v in value if v in OFFERED_LANGUAGES))
    if not known:
        raise _Invalid(f"offer at least one of: {', '.join(OFFERED_LANGUAGES)}")
    unknown = [v for v in value if v not in OFFERED_LANGUAGES]
    if unknown:
        shown = ", ".join(repr(v[:12]) for v in unknown[:5])
        raise _Partly(
            known,
            f"unknown language code(s) {shown} left out (codes: {', '.join(OFFERED_LANGUAGES)})",
        )
    return known


def _layout(value: object) -> Layout:
    try:
        return Layout(value if isinstance(value, str) else "")
    except ValueError:
        raise _Invalid(f"give one of {', '.join(x.value for x in Layout)}") from None


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("give true or false (without quotes)")
    return value


def _text(what: str) -> Callable[[object], str]:
    def rule(value: object) -> str:
        if not isinstance(value, str) or len(value) > _MAX_TEXT or "\x00" in value:
            raise _Invalid(f"give {what} as text")
        return value

    return rule


def _camera(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99:
        return str(value)
    camera = _text("a camera index (0, 1, …) or a device path such as /dev/video2")(value).strip()
    if not camera:
        raise _Invalid("give a camera index (0, 1, …) or a device path such as /dev/video2")
    return camera


def _speech_model(value: object) -> str:
    name = _text("the name of an installed Whisper model")(value)
    if name:
        from kiosk.setup.model_manifest import load_manifest

        known = [s.name for s in load_manifest() if s.role == "asr"]
        if name not in known:
            raise _Invalid(f"give one of {', '.join(known)}, or leave it empty for the default")
    return name


def _url(value: object) -> str:
    url = _text("an http:// or https:// address, or leave it empty")(value).strip()
    if url and not url.startswith(("http://", "https://")):
        raise _Invalid("give an http:// or https:// address, or leave it empty")
    return url


def _pin(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 99_999_999:
        value = str(value)
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise _Invalid("give 4 to 8 digits, in quotes")
    if not 4 <= len(value) <= 8:
        raise _Invalid("give 4 to 8 digits, in quotes")
    return value


_RULES: dict[str, Callable[[object], object]] = {
    "staff_device": _text("a microphone name, or leave it empty for the default"),
    "visitor_device": _text("a microphone name, or leave it empty for one microphone"),
    "languages": _languages,
    "font_scale": _font_scale,
    "idle_timeout_s": _whole(*IDLE_TIMEOUT_S, unit=" of seconds"),
    "layout": _layout,
    "staff_screen": _whole(0, MAX_SCREEN),
    "visitor_screen": _whole(0, MAX_SCREEN),
    "speak_translations": _flag,
    "camera": _camera,
    "speech_model": _speech_model,
    "pin": _pin,
    "building_url": _url,
    "building_ca": _text("the path of a CA bundle (PEM), or leave it empty"),
    "building_model": _text("the model name the building server wants, or leave it empty"),
}


def _show_default(key: str, default: object) -> str:
    if key == "pin":
        return "unchanged"  # never show a PIN on the staff screen
    if key == "languages":
        return "every offered language"
    if isinstance(default, Layout):
        return default.value
    return str(default) if default != "" else "empty"


def _show(value: object) -> str:
    """A bad value as staff can recognise it in the file, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        text = repr(value)
    if isinstance(value, float) and math.isnan(value):
        text = "NaN"
    elif isinstance(value, float) and math.isinf(value):
        text = "a number too large"
    return text if len(text) <= 40 else text[:37] + "..."

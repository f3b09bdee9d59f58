"""Counter scenarios as scripts: the bundled demo visit, tests, and any office's own rehearsal.

A script is a TOML file of `[[step]]` tables, played in order by `changgu demo --script FILE`
through the live path (recordings enter where the counter microphone would, videos where the
camera would). Paths are relative to the script's folder, or absolute. `load_script` checks the
whole script before anything starts and names the step that is wrong.

kinds:
  new_visit     staff press New visit
  visitor_lang  the visitor picks a language (lang = "en", "ksl" for sign language, "ko-captions",
                or "" to clear it)
  speech        a recording (audio = "file.wav") heard by the counter microphone: the kiosk decides
                who spoke. With side = "staff" | "visitor" it is heard by that side's own microphone
                (two-microphone counters)
  phrase        staff tap a quick reply (phrase = "fee.amount", slots = { amount = "1200" })
  type          typed text (text = "..."): staff's Korean, or with side = "visitor" the visitor's
                writing pad (lang = the language written, default the visitor's)
  sign          a video (video = "file.mp4") watched as the camera: the visitor signs
  confirm       the answer to "Did you mean …?" (answer = "yes" | "no")
  note          the visitor opens their take-away note (QR codes of staff's answers) for
                `seconds`
  pick          the visitor points at a phrase in the phrase picker (phrase = "fee.how_much",
                slots = { amount = "50000" } where it has them): its topic opens, then it is tapped
  keys          the visitor types on the pad's on-screen keys of their own script (text = "...",
                each character tapped on its key, Shift where it needs it), then sends
  text_size     the visitor's A+ / A− (size = 1.0 to 2.0)
  wait          nothing happens for `seconds` (e.g. to let an idle visit expire)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from enum import StrEnum
from importlib import resources
from pathlib import Path

from asr.audio import probe
from asr.errors import AsrError
from kiosk.errors import ChangguError
from sign.errors import SignError
from sign.frames import VideoFileSource


class StepKind(StrEnum):
    NEW_VISIT = "new_visit"
    VISITOR_LANG = "visitor_lang"
    SPEECH = "speech"
    PHRASE = "phrase"
    TYPE = "type"
    SIGN = "sign"
    CONFIRM = "confirm"
    NOTE = "note"
    WAIT = "wait"
    PICK = "pick"
    KEYS = "keys"
    TEXT_SIZE = "text_size"


KINDS = tuple(k.value for k in StepKind)
_NEEDS = {
    StepKind.SPEECH: "audio",
    StepKind.PHRASE: "phrase",
    StepKind.TYPE: "text",
    StepKind.SIGN: "video",
    StepKind.CONFIRM: "answer",
    StepKind.PICK: "phrase",
    StepKind.KEYS: "text",
}
MAX_STEPS = 10_000
MAX_WAIT_S = 3600.0


class ScriptError(ChangguError):
    """A scenario script that cannot be played; the message names the step and the fix."""


@dataclass(frozen=True)
class Step:
    kind: StepKind
    lang: str = ""
    side: str = ""  # "" = decided by the kiosk (speech), staff (typing)
    audio: str = ""
    phrase: str = ""
    slots: dict[str, str] = field(default_factory=dict)
    text: str = ""
    video: str = ""
    answer: str = ""
    seconds: float = 0.0
    size: float = 0.0  # text_size: the visitor's text size, 1.0 to 2.0


@dataclass(frozen=True)
class Script:
    folder: Path
    steps: tuple[Step, ...]

    def path(self, name: str) -> Path:
        return (self.folder / name).resolve()


def demo_script() -> Script:
    """The bundled demo visit."""
    folder = Path(str(resources.files("assets").joinpath("demo")))
    return load_script(folder / "script.toml")


def load_script(path: Path) -> Script:
    """Read and check a whole script; ScriptError names the first problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScriptError(f"script {path} not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(f"script {path} unreadable: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ScriptError(f"script {path} is not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ScriptError(f"script {path} is nested too deeply") from exc
    items = raw.get("step")
    if not isinstance(items, list) or not items:
        raise ScriptError(f"script {path} has no [[step]] tables")
    if len(items) > MAX_STEPS:
        raise ScriptError(f"script {path} has {len(items)} steps; at most {MAX_STEPS}")
    script = Script(
        path.resolve().parent, tuple(_step(i + 1, item) for i, item in enumerate(items))
    )
    checked: set[str] = set()
    for number, step in enumerate(script.steps, start=1):
        media = step.audio if step.kind is StepKind.SPEECH else step.video
        if step.kind in (StepKind.SPEECH, StepKind.SIGN) and media not in checked:
            problem = _media_problem(script.path(media), step.kind)
            if problem:
                raise ScriptError(
                    f"step {number} ({step.kind}): {media!r} {problem} "
                    f"(paths are relative to {script.folder})"
                )
            checked.add(media)
    return script


def _media_problem(path: Path, kind: StepKind) -> str | None:
    """Why `path` cannot be played as the step's recording or video; None if it can (it is
    opened and its first frame decoded now, so a bad file stops the script before it starts)."""
    try:
        if kind is StepKind.SPEECH:
            probe(path)
            return None
        video = VideoFileSource(path)
        try:
            first = next(iter(video.frames()), None)
        finally:
            video.close()
    except (AsrError, SignError) as exc:
        return f"cannot be played: {exc}"
    return None if first is not None else "has no picture that can be read"


def _step(number: int, item: object) -> Step:
    where = f"step {number}"
    if not isinstance(item, dict):
        raise ScriptError(f"{where}: expected a table of keys")
    kind = item.get("kind")
    if kind not in KINDS:
        raise ScriptError(f"{where}: unknown kind {kind!r}; one of {', '.join(KINDS)}")
    where = f"step {number} ({kind})"
    known = {f.name: f for f in fields(Step)}
    values: dict[str, object] = {}
    for key, value in item.items():
        if key not in known:
            raise ScriptError(f"{where}: unknown key {key!r}")
        if key == "slots":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str | int) for k, v in value.items()
            ):
                raise ScriptError(f"{where}: slots must be a table of names to text or numbers")
            value = {k: str(v) for k, v in value.items()}
        elif key == "seconds":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ScriptError(f"{where}: seconds must be a number")
            if not 0 <= value <= MAX_WAIT_S:
                raise ScriptError(f"{where}: seconds must be between 0 and {MAX_WAIT_S:.0f}")
            value = float(value)
        elif key == "size":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ScriptError(f"{where}: size must be a number")
            if not 1.0 <= value <= 2.0:
                raise ScriptError(f"{where}: size must be between 1.0 and 2.0")
            value = float(value)
        elif not isinstance(value, str):
            raise ScriptError(f"{where}: {key} must be text, not {type(value).__name__}")
        values[key] = value
    step_kind = StepKind(kind)
    needed = _NEEDS.get(step_kind)
    if needed and not values.get(needed):
        raise ScriptError(f"{where}: needs {needed} = …")
    if values.get("side", "") not in ("", "staff", "visitor"):
        raise ScriptError(f"{where}: side must be 'staff' or 'visitor'")
    if step_kind is StepKind.CONFIRM and values["answer"] not in ("yes", "no"):
        raise ScriptError(f"{where}: answer must be 'yes' or 'no'")
    if step_kind is StepKind.TEXT_SIZE and not values.get("size"):
        raise ScriptError(f"{where}: needs size = 1.0 … 2.0")
    text = {k: v for k, v in values.items() if isinstance(v, str)}
    slots, seconds = values.get("slots", {}), values.get("seconds", 0.0)
    size = values.get("size", 0.0)
    assert isinstance(slots, dict) and isinstance(seconds, float) and isinstance(size, float)
    return Step(
        step_kind,
        lang=text.get("lang", ""),
        side=text.get("side", ""),
        audio=text.get("audio", ""),
        phrase=text.get("phrase", ""),
        slots=slots,
        text=text.get("text", ""),
        video=text.get("video", ""),
        answer=text.get("answer", ""),
        seconds=seconds,
        size=size,
    )

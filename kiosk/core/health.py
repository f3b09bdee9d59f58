"""What the staff's status bar reports on: the kiosk's components and their states.

`asr.events.Status(component, state, message)` carries them; these enums are the values the kiosk
uses (strings underneath, so engines' own statuses mix with them freely).
"""

from __future__ import annotations

from enum import StrEnum


class Component(StrEnum):
    MODELS = "models"
    TRANSLATION = "translation"
    QUICK_REPLY = "quick reply"
    MICROPHONE = "microphone"
    CAMERA = "camera"
    SIGN = "sign"
    VISIT = "visit"
    SPEECH_OUT = "speech out"
    EXPORT = "export"
    SETTINGS = "settings"
    BUILDING = "building server"
    METRICS = "health metrics"
    OFFICE_PACKS = "office packs"

    @staticmethod
    def microphone(tag: str) -> str:
        """One microphone's own component ("mic:counter", "mic:staff", "mic:visitor")."""
        return f"mic:{tag}"


class State(StrEnum):
    OK = "ok"
    WORKING = "working"
    WARNING = "warning"
    ERROR = "error"
    ENDED = "ended"  # a video file played as the camera came to its end
    LOST = "lost"  # the camera stopped delivering pictures (sign.frames)

"""The camera of deaf-visitor mode: what it watches (the settings' camera, or a video file in its
place), the sign vocabulary it recognises against, and the enrolment camera."""

from __future__ import annotations

from pathlib import Path

from kiosk.runtime.sign_input import SignInput, SourceOpener, VideoOpener, camera_source
from kiosk.runtime.take_camera import TakeCamera
from kiosk.runtime.workers import Bridge
from kiosk.setup import paths
from kiosk.setup.settings import Settings, camera_device
from sign.store import VocabularyStore, office_or_demo
from sign.stream import Mode
from sign.vocabulary import SignVocabulary


class Camera:
    """The sign engine on its camera (`sign`, a `SignInput` whose signals the kiosk listens to)."""

    def __init__(self, settings: Settings, bridge: Bridge) -> None:
        self.settings = settings
        self.bridge = bridge
        self.sign = SignInput(self.vocabulary, bridge=bridge)
        self.video: SourceOpener | None = None  # a video file in the camera's place, until None

    @property
    def running(self) -> bool:
        return self.sign.running

    def opener(self) -> SourceOpener:
        """What the sign engine watches: a video given to `play`, else the settings' camera."""
        return self.video or camera_source(camera_device(self.settings.camera))

    def play(self, path: Path, realtime: bool = True) -> None:
        """Watch a video file instead of the camera (the demo; tests), from now on."""
        self.video = VideoOpener(Path(path), realtime)

    def watch(self) -> None:
        """(Re)start watching (after enrolment, a settings change, or a video given)."""
        self.sign.start(self.opener())

    def switch(self, on: bool) -> None:
        """On (deaf-visitor mode) or off, whichever it is not yet."""
        if on and not self.running:
            self.watch()
        elif not on and self.running:
            self.stop()

    def stop(self, wait_s: float = 0.0) -> None:
        self.sign.stop(wait_s=wait_s)

    def set_fingerspelling(self, on: bool) -> None:
        self.sign.set_mode(Mode.SPELLING if on else Mode.SIGNS)

    def store(self) -> VocabularyStore:
        """The office's enrolled sign vocabularies (landmarks only), in the user data folder."""
        return VocabularyStore(paths.data_dir() / "sign")

    def vocabulary(self) -> tuple[SignVocabulary, bool]:
        """The office's enrolled vocabulary, else the bundled MSL demo pack (True); loaded on the
        camera's worker."""
        return office_or_demo(self.store())

    def take(self) -> TakeCamera:
        """The camera for the sign enrolment screen; stop sign recognition before using it."""
        return TakeCamera(self.opener(), self.bridge)

"""Speaking translations to the visitor with espeak-ng (offline, no files written).

Optional per visit; only where espeak-ng has a voice for the language (the language table says
which). A new sentence interrupts the one still being spoken. The text goes to espeak-ng through a
pipe, never on its command line: any local user can read a process's command line in /proc.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from asr.events import Status
from kiosk.core.health import Component, State

log = logging.getLogger(__name__)

MAX_CHARS = 4000  # well under a pipe's 64 KB, even in 4-byte characters


class Speaker:
    def __init__(self, program: str = "espeak-ng") -> None:
        self.name = program
        self.program = shutil.which(program)  # None: not installed (looked for again each time)
        self._current: subprocess.Popen[bytes] | None = None

    def voice_for(self, lang: str) -> str | None:
        from translate import languages

        try:
            voice = languages.get(lang).espeak
        except Exception:
            return None
        return voice or None

    def say(self, text: str, lang: str) -> bool:
        """Start speaking; False if there is no voice or no espeak-ng (nothing is spoken)."""
        voice = self.voice_for(lang)
        self.program = shutil.which(self.name)  # installed or removed while the kiosk runs
        if not (self.program and voice and text.strip()):
            return False
        self.stop()
        try:
            process = subprocess.Popen(
                [self.program, "-v", voice, "-s", "150", "--stdin"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # removed (or made unrunnable) since it was found
            log.info("espeak-ng could not be started")
            self.program = None
            return False
        self._current = process
        assert process.stdin is not None
        try:  # a caption fits the pipe's buffer, so this never waits for espeak-ng
            process.stdin.write(text[:MAX_CHARS].encode("utf-8"))
            process.stdin.close()
        except OSError:  # espeak-ng ended at once (no audio output): nothing is spoken
            log.info("espeak-ng did not take the text")
            return False
        return True

    def status(self) -> Status:
        """What staff are told about speech out (a missing espeak-ng is a warning to act on)."""
        if self.program is None:
            return Status(
                Component.SPEECH_OUT,
                State.WARNING,
                "espeak-ng is not installed: translations are not spoken aloud "
                "(apt-get install espeak-ng); captions work as before",
            )
        return Status(Component.SPEECH_OUT, State.OK, "speaking")

    def stop(self) -> None:
        if self._current and self._current.poll() is None:
            self._current.terminate()
        self._current = None

"""A user-space PulseAudio server with a pipe source: a real PortAudio microphone fed from a file.

Used by tests (and the end-to-end benchmark) to exercise the real capture path on machines
without a sound card. `FakeMicrophone.play(audio)` writes 16 kHz PCM into the source in real time;
between plays it writes silence, as a quiet room would (PulseAudio stalls a reader otherwise).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

BLOCK_S = 0.05


class PulseUnavailable(RuntimeError):
    pass


class FakeMicrophone:
    def __init__(self, runtime_dir: Path) -> None:
        if not shutil.which("pulseaudio") or not shutil.which("pactl"):
            raise PulseUnavailable("pulseaudio/pactl not installed (apt-get install pulseaudio)")
        self.runtime_dir = runtime_dir
        self.fifo = runtime_dir / "mic.fifo"
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime_dir), "HOME": str(runtime_dir)}
        self._queue: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._server: subprocess.Popen[bytes] | None = None
        self._writer: threading.Thread | None = None

    def start(self) -> None:
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        self._server = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disable-shm=yes",
                # no other source: when the pipe source goes, the stream has nowhere to move to
                "-L",
                "module-native-protocol-unix",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if self._pactl("info", check=False).returncode == 0:
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise PulseUnavailable("the PulseAudio server did not start")
        self.plug_in()

    def plug_in(self) -> None:
        """Create the pipe source (the microphone appears) and start feeding it."""
        self.fifo.unlink(missing_ok=True)
        self._pactl(
            "load-module",
            "module-pipe-source",
            "source_name=fake_mic",
            f"file={self.fifo}",
            "format=s16le",
            "rate=16000",
            "channels=1",
        )
        self._pactl("set-default-source", "fake_mic")
        self._stop.clear()
        self._writer = threading.Thread(target=self._write_loop, daemon=True)
        self._writer.start()

    def unplug(self) -> None:
        """The microphone goes silent and disappears, as when its cable is pulled."""
        self._stop.set()
        if self._writer:
            self._writer.join(timeout=2)
        self._pactl("unload-module", "module-pipe-source", check=False)

    def play(self, audio: np.ndarray) -> None:
        with self._lock:
            self._queue.append(audio.astype(np.float32))

    def idle(self) -> bool:
        with self._lock:
            return not self._queue

    def stop(self) -> None:
        self.unplug()
        if self._server:
            self._server.terminate()
            try:
                self._server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._server.kill()

    def _write_loop(self) -> None:
        fd = os.open(self.fifo, os.O_WRONLY)
        block = int(16000 * BLOCK_S)
        pending = np.zeros(0, dtype=np.float32)
        started, written = time.monotonic(), 0
        try:
            while not self._stop.is_set():
                if not len(pending):
                    with self._lock:
                        pending = self._queue.pop(0) if self._queue else pending
                chunk = pending[:block] if len(pending) else np.zeros(block, np.float32)
                pending = pending[len(chunk) :]
                pcm = (np.clip(chunk, -1, 1) * 32767).astype("<i2").tobytes()
                os.write(fd, pcm)
                written += len(chunk)
                delay = started + written / 16000 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, check=check)


def reinitialise_portaudio() -> None:
    """PortAudio lists devices once, when it starts: start it again to see the new server."""
    import sounddevice as sd

    sd._terminate()
    sd._initialize()


@contextmanager
def fake_microphone(runtime_dir: Path) -> Iterator[FakeMicrophone]:
    """A started FakeMicrophone that PortAudio (in this process) sees as the default input.

    Raises PulseUnavailable when no PulseAudio server can run here (callers skip the test).
    """
    mic = FakeMicrophone(runtime_dir)
    saved = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "PULSE_SERVER")}
    mic.start()
    os.environ["XDG_RUNTIME_DIR"] = str(mic.runtime_dir)
    os.environ["PULSE_SERVER"] = f"unix:{mic.runtime_dir}/pulse/native"
    reinitialise_portaudio()
    try:
        yield mic
    finally:
        mic.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reinitialise_portaudio()

"""Audio sources: everything becomes float32, 16 kHz, mono frames of a fixed size.

`FileSource` decodes any format PyAV reads (optionally paced in real time, so a file behaves like a
live microphone), and `probe` checks that a file is such audio without decoding it all;
`MicrophoneSource` reads a PortAudio input (through sounddevice, in its own process:
`asr.mic_worker`) at the device's own rate, resampled, and survives the device vanishing by
reporting a status and reopening it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import av
import numpy as np
import numpy.typing as npt

from asr.errors import AudioDeviceError, AudioFileError
from asr.events import Status

SAMPLE_RATE = 16_000
FRAME_SAMPLES = 512  # 32 ms, the window Silero VAD works on

Audio = npt.NDArray[np.float32]
StatusCallback = Callable[[Status], None]

log = logging.getLogger(__name__)


class AudioSource(Protocol):
    """Yields float32 mono 16 kHz frames of FRAME_SAMPLES samples until the input ends or closes."""

    def frames(self) -> Iterator[Audio]: ...

    def backlog_s(self) -> float:
        """Seconds of audio captured but not yet taken: how far the consumer is behind."""
        ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------------------------
# Files


def load_audio(path: str | Path) -> Audio:
    """Decode a whole file to float32 16 kHz mono (for offline transcription and tests)."""
    source = FileSource(path)
    chunks = list(source.frames())
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def probe(path: str | Path) -> float:
    """Seconds of audio in `path`, checked without decoding it all: the file opens, has an audio
    track, and its first packets decode to sound. AudioFileError says what is wrong otherwise.

    The duration is the container's own (estimated from the bit rate where a format stores none),
    or read from the packets' times where it has none at all.
    """
    path = Path(path)
    with _open_container(path) as container:
        stream = _audio_stream(container, path)
        end_s = 0.0
        heard = False
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and packet.duration:
                    end_s = max(end_s, float((packet.pts + packet.duration) * packet.time_base))
                heard = heard or any(frame.samples for frame in packet.decode())
                if heard and _stored_duration_s(container, stream) is not None:
                    break
        except av.error.FFmpegError as exc:
            if not heard:
                raise _damaged(path, exc) from exc
        if not heard:
            raise _no_samples(path)
        stored = _stored_duration_s(container, stream)
        return stored if stored is not None else end_s


class _Paced:
    """Frames released no faster than real time (when `realtime`), like a live microphone."""

    realtime: bool
    speed: float

    def _init_pacing(self, realtime: bool, speed: float) -> None:
        self.realtime = realtime
        self.speed = speed
        self._closed = threading.Event()
        self._started_at: float | None = None
        self._released_samples = 0

    def _paced(self, chunks: Iterator[Audio]) -> Iterator[Audio]:
        self._started_at = time.monotonic()
        self._released_samples = 0
        for frame in _rechunk(chunks, FRAME_SAMPLES):
            if self._closed.is_set():
                return
            if self.realtime:
                due = self._started_at + self._released_samples / SAMPLE_RATE / self.speed
                delay = due - time.monotonic()
                if delay > 0 and self._closed.wait(delay):
                    return
            self._released_samples += len(frame)
            yield frame

    def backlog_s(self) -> float:
        if not self.realtime or self._started_at is None:
            return 0.0
        captured = (time.monotonic() - self._started_at) * self.speed
        return max(0.0, captured - self._released_samples / SAMPLE_RATE)

    def elapsed_s(self) -> float:
        """Seconds since the first frame was taken (the stream's own clock); 0 before."""
        return 0.0 if self._started_at is None else time.monotonic() - self._started_at

    def close(self) -> None:
        self._closed.set()


class FileSource(_Paced):
    """Frames from an audio (or video) file; `realtime=True` paces them like a live microphone."""

    def __init__(
        self,
        path: str | Path,
        realtime: bool = False,
        speed: float = 1.0,
        trailing_silence_s: float = 0.0,
    ) -> None:
        self.path = Path(path)
        self._init_pacing(realtime, speed)
        # a live microphone goes on after the speaker stops: `trailing_silence_s` of a quiet room
        # after the file, so end-of-utterance detection works as it does live
        self.trailing_silence_s = trailing_silence_s
        _check_regular_file(self.path)  # refuse a bad path now, not at the first frame

    def frames(self) -> Iterator[Audio]:
        yield from self._paced(self._with_silence())

    def _with_silence(self) -> Iterator[Audio]:
        yield from self._decode()
        samples = int(self.trailing_silence_s * SAMPLE_RATE)
        if samples > 0:
            yield np.zeros(samples, dtype=np.float32)

    def _decode(self) -> Iterator[Audio]:
        # checked again: the path may have been replaced since the source was made
        with _open_container(self.path) as container:
            stream = _audio_stream(container, self.path)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            produced = False
            try:
                # None at the end drains what the resampler still holds
                for packet_frame in itertools.chain(container.decode(stream), [None]):
                    for out in resampler.resample(packet_frame):
                        produced = True
                        yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            except av.error.FFmpegError as exc:
                if not produced:
                    raise _damaged(self.path, exc) from exc
                log.warning("audio file ends in damaged data; using what was decoded")
            if not produced:
                raise _no_samples(self.path)


class ArraySource(_Paced):
    """Frames from audio already in memory (16 kHz mono float32), optionally paced in real time:
    a recording assembled in memory (joined clips, a test signal) heard as if live."""

    def __init__(self, audio: Audio, realtime: bool = False, speed: float = 1.0) -> None:
        self.audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        self._init_pacing(realtime, speed)

    def frames(self) -> Iterator[Audio]:
        chunk = SAMPLE_RATE // 10  # 100 ms at a time, as a sound card delivers it
        pieces = (self.audio[i : i + chunk] for i in range(0, len(self.audio), chunk))
        yield from self._paced(pieces)


def _open_container(path: Path) -> av.container.InputContainer:
    _check_regular_file(path)
    try:
        return av.open(str(path))
    except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioFileError(
            f"cannot read {path}: it is not an audio file this program can decode "
            f"({_short(exc)}). Use a WAV, MP3, FLAC, OGG or M4A recording."
        ) from exc


def _audio_stream(container: av.container.InputContainer, path: Path) -> av.AudioStream:
    if not container.streams.audio:
        raise AudioFileError(f"{path} contains no audio track. Choose a file with recorded sound.")
    return container.streams.audio[0]


def _stored_duration_s(
    container: av.container.InputContainer, stream: av.AudioStream
) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _damaged(path: Path, exc: BaseException) -> AudioFileError:
    return AudioFileError(f"cannot decode {path}: the file is damaged ({_short(exc)}).")


def _no_samples(path: Path) -> AudioFileError:
    return AudioFileError(f"{path} contains no audio samples (it is empty).")


def _check_regular_file(path: Path) -> None:
    """Refuse what a decoder must not open: opening a named pipe waits for a writer that may never
    come, and a device can be read forever."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AudioFileError(
            f"audio file not found: {path}. Check the path and try again."
        ) from None
    except OSError as exc:
        raise AudioFileError(f"cannot open {path}: {exc.strerror}.") from exc
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, info.st_mode)
    if info.st_size == 0:
        raise AudioFileError(f"{path} is empty (0 bytes). Record or copy the file again.")
    try:
        # non-blocking, so a path swapped for a named pipe since stat() cannot hang the check
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise AudioFileError(f"cannot open {path}: {exc.strerror}.") from exc
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        raise _not_regular(path, mode)


def _not_regular(path: Path, mode: int) -> AudioFileError:
    if stat.S_ISDIR(mode):
        kind = "a folder"
    elif stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "a special file"
    return AudioFileError(
        f"{path} is {kind}, not a regular file: give an audio file "
        "(a WAV, MP3, FLAC, OGG or M4A recording)."
    )


def _rechunk(chunks: Iterator[Audio], size: int) -> Iterator[Audio]:
    """Regroup arbitrary-length chunks into frames of exactly `size` (the last one zero-padded)."""
    pending = np.zeros(0, dtype=np.float32)
    for chunk in chunks:
        pending = np.concatenate([pending, chunk]) if len(pending) else chunk
        while len(pending) >= size:
            yield pending[:size].copy()
            pending = pending[size:]
    if len(pending):
        yield np.pad(pending, (0, size - len(pending))).astype(np.float32)


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."


# --------------------------------------------------------------------------------------------
# Microphones


@dataclass(frozen=True, slots=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_rate: float
    host_api: str
    is_default: bool


def list_input_devices() -> list[InputDevice]:
    """Every PortAudio device that can record, default first."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except Exception as exc:  # PortAudio errors are plain Exceptions with a message
        raise AudioDeviceError(f"the audio system did not answer ({_short(exc)}).") from exc
    found = [
        InputDevice(
            index=i,
            name=str(d["name"]),
            channels=int(d["max_input_channels"]),
            default_rate=float(d["default_samplerate"]),
            host_api=str(hostapis[d["hostapi"]]["name"]),
            is_default=(i == default_in),
        )
        for i, d in enumerate(devices)
        if int(d["max_input_channels"]) > 0
    ]
    return sorted(found, key=lambda d: (not d.is_default, d.index))


def find_input_device(device: int | str | None) -> InputDevice:
    """The device asked for by index or (part of its) name, or the default input."""
    devices = list_input_devices()
    if not devices:
        raise AudioDeviceError(
            "no microphone found. Plug in a microphone (or headset) and check that the system "
            "sees it; `changgu devices` lists what is available."
        )
    if device is None or device == "":
        return devices[0]
    if isinstance(device, int) or (isinstance(device, str) and device.isdigit()):
        wanted = int(device)
        for d in devices:
            if d.index == wanted:
                return d
        raise AudioDeviceError(
            f"there is no microphone with number {wanted}. `changgu devices` lists the inputs."
        )
    matches = [d for d in devices if device.lower() in d.name.lower()]
    if not matches:
        names = ", ".join(f"{d.index}: {d.name}" for d in devices)
        raise AudioDeviceError(f"no microphone named like {device!r}. Available: {names}.")
    return matches[0]


class MicrophoneSource:
    """A live microphone, captured in its own process (`asr.mic_worker`) at the device's native
    rate and resampled there to 16 kHz mono.

    The capture runs in a child process because a vanished device can leave PortAudio unable to
    stop its stream; a child is killed instead, so neither the kiosk nor its exit ever waits on a
    driver. If the device stops delivering audio, `on_status` is told and the device is reopened
    (in a new process, which lists the devices afresh) every `retry_s` seconds until it comes
    back or the source is closed.
    """

    def __init__(
        self,
        device: int | str | None = None,
        on_status: StatusCallback | None = None,
        max_queue_s: float = 30.0,
        stall_s: float = 2.0,
        retry_s: float = 1.0,
        component: str = "microphone",
        open_timeout_s: float = 15.0,
    ) -> None:
        self.device_spec = device
        self.on_status = on_status or (lambda status: None)
        self.stall_s = stall_s
        self.retry_s = retry_s
        self.open_timeout_s = open_timeout_s
        self.component = component
        self.dropped_blocks = 0
        self._block_s = MIC_BLOCK_SAMPLES / SAMPLE_RATE
        self._queue: queue.Queue[Audio | None] = queue.Queue(
            maxsize=max(1, int(max_queue_s / self._block_s))
        )
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._worker: subprocess.Popen[bytes] | None = None
        self.device = find_input_device(device)  # fail early and clearly if there is none

    def frames(self) -> Iterator[Audio]:
        while not self._closed.is_set():
            if not self._open():
                if self._closed.wait(self.retry_s):
                    return
                continue
            yield from self._read_until_stall()
            self._close_worker()
            if not self._closed.is_set():
                self.on_status(
                    Status(
                        self.component,
                        "error",
                        f"microphone '{self.device.name}' stopped sending sound; "
                        "check the cable. Reconnecting…",
                    )
                )

    def backlog_s(self) -> float:
        return self._queue.qsize() * self._block_s

    def close(self) -> None:
        self._closed.set()
        self._close_worker()

    # -- internals --

    def _open(self) -> bool:
        spec = "" if self.device_spec is None else str(self.device_spec)
        try:
            worker = subprocess.Popen(
                [*_worker_command(), spec],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # PortAudio's and ALSA's own chatter
                bufsize=0,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # Windows: no console
            )
        except OSError as exc:
            self.on_status(
                Status(self.component, "error", f"cannot start the microphone: {_short(exc)}")
            )
            return False
        with self._lock:
            if self._closed.is_set():
                _kill(worker)
                return False
            self._worker = worker
        headers: queue.Queue[dict[str, Any]] = queue.Queue()
        assert worker.stdout is not None
        threading.Thread(
            target=self._read_worker, args=(worker.stdout, headers), daemon=True
        ).start()
        try:
            header = headers.get(timeout=self.open_timeout_s)
        except queue.Empty:
            header = {"ok": False, "error": "the audio system did not answer"}
        if not header.get("ok"):
            self._close_worker()
            self.on_status(
                Status(
                    self.component,
                    "error",
                    f"cannot open the microphone: {header.get('error', 'unknown error')}",
                )
            )
            return False
        self.device = InputDevice(
            index=int(header["index"]),
            name=str(header["name"]),
            channels=self.device.channels,
            default_rate=float(header["rate"]),
            host_api=self.device.host_api,
            is_default=self.device.is_default,
        )
        self.on_status(Status(self.component, "ok", f"listening on '{self.device.name}'"))
        return True

    def _read_worker(self, pipe: Any, headers: queue.Queue[dict[str, Any]]) -> None:
        """The header line, then blocks of samples into the queue; None when the pipe ends."""
        try:
            line = pipe.readline()
            try:
                header = json.loads(line) if line else {}
            except ValueError:
                header = {}
            if not isinstance(header, dict) or "ok" not in header:
                header = {"ok": False, "error": "the microphone process ended unexpectedly"}
            headers.put(header)
            if not header["ok"]:
                return
            while True:
                data = _read_exactly(pipe, _MIC_BLOCK_BYTES)
                if data is None:
                    break
                block = np.frombuffer(data, dtype="<f4").astype(np.float32)
                try:
                    self._queue.put_nowait(block)
                except queue.Full:
                    self.dropped_blocks += 1
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the worker was stopped
        finally:
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)

    def _read_until_stall(self) -> Iterator[Audio]:
        pending = np.zeros(0, dtype=np.float32)
        while not self._closed.is_set():
            try:
                block = self._queue.get(timeout=self.stall_s)
            except queue.Empty:
                return  # no sound for stall_s: the device is gone or dead
            if block is None:
                return  # the microphone's process ended
            pending = np.concatenate([pending, block])
            while len(pending) >= FRAME_SAMPLES:
                yield pending[:FRAME_SAMPLES].copy()
                pending = pending[FRAME_SAMPLES:]

    def _close_worker(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            _kill(worker)
        while not self._queue.empty():
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break


def listen_briefly(device: int | str | None = None, listen_s: float = 1.0) -> tuple[bool, str]:
    """Open a microphone the way the kiosk does and take `listen_s` of its sound.

    Returns (it delivered sound, what happened, for a person). Raises AudioDeviceError when there
    is no such input at all.
    """
    statuses: list[Status] = []
    source: MicrophoneSource

    def on_status(status: Status) -> None:
        statuses.append(status)
        if status.state == "error":
            source.close()  # one attempt: a probe does not wait for the cable

    source = MicrophoneSource(device, on_status=on_status, stall_s=listen_s + 2.0)
    timer = threading.Timer(listen_s + source.open_timeout_s + 5.0, source.close)
    timer.start()
    heard = 0
    try:
        for frame in source.frames():
            heard += len(frame)
            if heard >= listen_s * SAMPLE_RATE:
                break
    finally:
        timer.cancel()
        source.close()
    if heard >= listen_s * SAMPLE_RATE:
        return True, f"'{source.device.name}' delivers sound"
    problem = next((s.message for s in statuses if s.state == "error"), "no sound arrived")
    return False, f"'{source.device.name}': {problem}"


MIC_BLOCK_SAMPLES = 320  # 20 ms: how the microphone's process hands over its samples
MIC_WORKER_ARG = "__mic_worker__"  # the packaged binary's hidden sub-command for it
_MIC_BLOCK_BYTES = MIC_BLOCK_SAMPLES * 4


def _worker_command() -> list[str]:
    """How to start `asr.mic_worker`: the packaged binary has it as a hidden sub-command."""
    if getattr(sys, "frozen", False):
        return [sys.executable, MIC_WORKER_ARG]
    return [sys.executable, "-m", "asr.mic_worker"]


def _kill(worker: subprocess.Popen[bytes]) -> None:
    """Stop a microphone process now: it has nothing to save, and may be stuck in a driver."""
    with contextlib.suppress(OSError):
        worker.kill()
    try:
        worker.wait(timeout=5)
    except subprocess.TimeoutExpired:  # stuck in the kernel; the OS reaps it when it can
        log.warning("a microphone process did not end when stopped")
    if worker.stdout is not None:
        with contextlib.suppress(OSError):
            worker.stdout.close()


def _read_exactly(pipe: Any, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = pipe.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _sounddevice() -> Any:
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise AudioDeviceError(
            "the audio library PortAudio is missing (on Debian: apt-get install libportaudio2)."
        ) from exc
    return sd

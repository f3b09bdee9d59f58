"""Audio sources: everything becomes float32, 16 kHz, mono frames of a fixed size.

`FileSource` decodes any format PyAV reads (optionally paced in real time, so a file behaves like a
live microphone), and `probe` checks that a file is such audio without decoding it all;
`MicrophoneSource` reads a PortAudio input through sounddevice at the device's own rate, resamples,
and survives the device vanishing by reporting a status and reopening it.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import stat
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
    """A live microphone. Opens at the device's native rate and resamples to 16 kHz mono.

    The PortAudio callback only copies samples into a bounded queue (never blocks; counts drops).
    If the device stops delivering audio, `on_status` is told and the device is reopened every
    `retry_s` seconds until it comes back or the source is closed.
    """

    def __init__(
        self,
        device: int | str | None = None,
        on_status: StatusCallback | None = None,
        max_queue_s: float = 30.0,
        stall_s: float = 2.0,
        retry_s: float = 1.0,
        component: str = "microphone",
    ) -> None:
        self.device_spec = device
        self.on_status = on_status or (lambda status: None)
        self.stall_s = stall_s
        self.retry_s = retry_s
        self.component = component
        self.dropped_blocks = 0
        self._block_s = 0.02
        self._queue: queue.Queue[Audio] = queue.Queue(maxsize=max(1, int(max_queue_s / 0.02)))
        self._closed = threading.Event()
        self._stream: Any = None
        self._rate = SAMPLE_RATE
        self._queued_samples = 0
        self.device = find_input_device(device)  # fail early and clearly if there is none

    def frames(self) -> Iterator[Audio]:
        while not self._closed.is_set():
            if not self._open():
                if self._closed.wait(self.retry_s):
                    return
                continue
            yield from self._read_until_stall()
            self._close_stream()
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
        self._close_stream()

    # -- internals --

    def _open(self) -> bool:
        sd = _sounddevice()
        try:
            if self._stream is None and self.device_spec is not None:
                self.device = find_input_device(self.device_spec)
            elif self._stream is None:
                self.device = find_input_device(None)
            rate = int(self.device.default_rate) or SAMPLE_RATE
            blocksize = int(rate * self._block_s)
            self._rate = rate
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            self._stream = sd.InputStream(
                device=self.device.index,
                samplerate=rate,
                channels=min(2, max(1, self.device.channels)),
                dtype="float32",
                blocksize=blocksize,
                callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:
            self._stream = None
            self.on_status(
                Status(self.component, "error", f"cannot open the microphone: {_short(exc)}")
            )
            return False
        self.on_status(Status(self.component, "ok", f"listening on '{self.device.name}'"))
        return True

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        block = np.asarray(indata, dtype=np.float32)
        mono = block.mean(axis=1) if block.ndim == 2 and block.shape[1] > 1 else block.reshape(-1)
        try:
            self._queue.put_nowait(mono.copy())
        except queue.Full:
            self.dropped_blocks += 1

    def _read_until_stall(self) -> Iterator[Audio]:
        pending = np.zeros(0, dtype=np.float32)
        while not self._closed.is_set():
            try:
                block = self._queue.get(timeout=self.stall_s)
            except queue.Empty:
                return  # no sound for stall_s: the device is gone or dead
            pending = np.concatenate([pending, self._resample(block)])
            while len(pending) >= FRAME_SAMPLES:
                yield pending[:FRAME_SAMPLES].copy()
                pending = pending[FRAME_SAMPLES:]

    def _resample(self, block: Audio) -> Audio:
        if self._rate == SAMPLE_RATE:
            return block
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self._rate
        outs = self._resampler.resample(frame)
        if not outs:
            return np.zeros(0, dtype=np.float32)
        samples: Audio = np.concatenate([o.to_ndarray().reshape(-1) for o in outs])
        return samples.astype(np.float32, copy=False)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        # stop() can hang when a device has vanished; abort on a helper thread with a deadline
        closer = threading.Thread(target=_abort_quietly, args=(stream,), daemon=True)
        closer.start()
        closer.join(timeout=2.0)
        while not self._queue.empty():
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break


def _abort_quietly(stream: Any) -> None:
    try:
        stream.abort()
        stream.close()
    except Exception:
        log.debug("closing a vanished audio stream failed", exc_info=True)


def _sounddevice() -> Any:
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise AudioDeviceError(
            "the audio library PortAudio is missing (on Debian: apt-get install libportaudio2)."
        ) from exc
    return sd

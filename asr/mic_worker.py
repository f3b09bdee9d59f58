"""The microphone's own process: PortAudio capture, resampled to 16 kHz mono, written to stdout.

`MicrophoneSource` runs this as a child process. When a microphone is pulled out, some audio
drivers leave PortAudio's stream unable to stop (`Pa_AbortStream` never returns, and neither does
`Pa_Terminate` after it); in a child process such a stream is simply killed, and the kiosk, its
exit and the next reopening are never held up by it. A new process also lists the devices afresh,
so a microphone plugged in after the kiosk started is found.

Protocol (stdout): one JSON line, ``{"ok": true, "index": …, "name": …, "rate": …}`` once the
stream runs, or ``{"ok": false, "error": "…"}`` (exit code 2) if it cannot be opened; then raw
little-endian float32 samples, 16 kHz mono, in blocks of `asr.audio.MIC_BLOCK_SAMPLES`. The
process ends when its parent goes away (the pipe breaks, or the parent is gone) or is killed.

Run: ``python -m asr.mic_worker [DEVICE]`` (or ``changgu __mic_worker__ [DEVICE]`` when packaged).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO

import av
import numpy as np

from asr.audio import (
    MIC_BLOCK_SAMPLES,
    SAMPLE_RATE,
    Audio,
    _short,
    _sounddevice,
    find_input_device,
)
from asr.errors import AsrError

CAPTURE_BLOCK_S = 0.02


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    spec: str | None = args[0] if args and args[0] else None
    out = sys.stdout.buffer
    try:
        stream, rate, device = _open(spec)
    except Exception as exc:
        message = str(exc) if isinstance(exc, AsrError) else _short(exc)
        _header(out, {"ok": False, "error": message})
        return 2
    _header(out, {"ok": True, "index": device.index, "name": device.name, "rate": rate})
    try:
        _pump(stream.blocks, rate, out)
    except (BrokenPipeError, OSError):
        pass  # the parent closed the pipe: it is done with this microphone
    finally:
        os._exit(0)  # never wait for PortAudio to stop a stream (that is what can hang)


class _Stream:
    def __init__(self) -> None:
        self.blocks: queue.Queue[Audio] = queue.Queue(maxsize=int(30 / CAPTURE_BLOCK_S))

    def callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        block = np.asarray(indata, dtype=np.float32)
        mono = block.mean(axis=1) if block.ndim == 2 and block.shape[1] > 1 else block.reshape(-1)
        with contextlib.suppress(queue.Full):  # the parent stopped reading: it sees the gap
            self.blocks.put_nowait(mono.copy())


def _open(spec: str | None) -> tuple[_Stream, int, Any]:
    sd = _sounddevice()
    device = find_input_device(spec)
    rate = int(device.default_rate) or SAMPLE_RATE
    stream = _Stream()
    pa_stream = sd.InputStream(
        device=device.index,
        samplerate=rate,
        channels=min(2, max(1, device.channels)),
        dtype="float32",
        blocksize=int(rate * CAPTURE_BLOCK_S),
        callback=stream.callback,
    )
    pa_stream.start()
    stream.pa = pa_stream  # type: ignore[attr-defined]  # kept alive with the process
    return stream, rate, device


def _pump(blocks: queue.Queue[Audio], rate: int, out: BinaryIO) -> None:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    parent = os.getppid()
    pending = np.zeros(0, dtype=np.float32)
    while True:
        try:
            block = blocks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:
                return  # orphaned: the kiosk is gone
            continue  # a silent device: the parent decides when it has waited long enough
        pending = np.concatenate([pending, _resample(resampler, block, rate)])
        whole = len(pending) - len(pending) % MIC_BLOCK_SAMPLES
        if whole:
            out.write(pending[:whole].astype("<f4").tobytes())
            out.flush()
            pending = pending[whole:]


def _resample(resampler: av.AudioResampler, block: Audio, rate: int) -> Audio:
    if rate == SAMPLE_RATE:
        return block
    frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = rate
    outs = resampler.resample(frame)
    if not outs:
        return np.zeros(0, dtype=np.float32)
    samples: Audio = np.concatenate([o.to_ndarray().reshape(-1) for o in outs])
    return samples.astype(np.float32, copy=False)


def _header(out: BinaryIO, header: dict[str, Any]) -> None:
    out.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
    out.flush()


if __name__ == "__main__":
    sys.exit(main())

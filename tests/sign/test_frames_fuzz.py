"""Property tests for the video file reader: any file yields whole picture frames or a
VideoError that says what is wrong — never another exception."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sign.errors import VideoError
from sign.frames import VideoFileSource

REPO = Path(__file__).resolve().parents[2]
VIDEO = REPO / "assets" / "demo" / "msl_ambulancia_001.mp4"
MAX_FRAMES = 30


@cache
def _original() -> bytes:
    return VIDEO.read_bytes()


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input.{suffix}"
        path.write_bytes(data)
        try:
            source = VideoFileSource(path)
            assert 1.0 <= source.fps <= 240.0
            for count, frame in enumerate(source.frames()):
                image = frame.image
                assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
                assert image.shape[0] > 0 and image.shape[1] > 0
                assert frame.index == count and frame.t >= 0
                if count >= MAX_FRAMES:
                    source.close()
                    break
        except VideoError as exc:
            assert str(path) in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_video_is_read_or_refused_cleanly(data: st.DataObject) -> None:
    blob = bytearray(_original())
    for _ in range(data.draw(st.integers(0, 16))):
        at = data.draw(st.integers(0, len(blob) - 1))
        blob[at] = data.draw(st.integers(0, 255))
    whole = data.draw(st.booleans())  # damage inside a whole file, or a file cut short
    cut = len(blob) if whole else data.draw(st.integers(1, len(blob)))
    _read(bytes(blob[:cut]), data.draw(st.sampled_from(["mp4", "avi", "mkv", "bin"])))


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=4096), st.sampled_from(["mp4", "avi", "webm"]))
def test_any_bytes_as_a_video_are_read_or_refused_cleanly(blob: bytes, suffix: str) -> None:
    _read(blob, suffix)


def test_a_wav_as_a_video_is_refused() -> None:
    wav = REPO / "assets" / "selftest" / "en_libri_61-70968-0000.wav"
    _read(wav.read_bytes(), "mp4")

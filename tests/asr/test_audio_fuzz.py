"""Property tests for the audio file reader and `probe`: any file yields clean 16 kHz frames (and a
duration) or an AudioFileError that says what is wrong — never another exception."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asr.audio import FRAME_SAMPLES, FileSource, probe
from asr.errors import AudioFileError
from tests.asr.conftest import encode_all

REPO = Path(__file__).resolve().parents[2]
SAMPLES = {
    "wav": REPO / "assets" / "selftest" / "en_libri_61-70968-0000.wav",
    "mp4": REPO / "assets" / "demo" / "msl_ambulancia_001.mp4",  # a video with a quiet sound track
}
MAX_FRAMES = 400  # enough to reach the damage; a damaged file must not make the reader loop


@cache
def _original(kind: str) -> bytes:
    data = SAMPLES[kind].read_bytes()
    return data[:200_000]  # the head of the file: where the headers a decoder trusts live


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input.{suffix}"
        path.write_bytes(data)
        try:
            duration_s = probe(path)
            assert np.isfinite(duration_s) and duration_s >= 0
        except AudioFileError as exc:
            assert str(exc).strip() and str(path) in str(exc)
        try:
            source = FileSource(path)
            for count, frame in enumerate(source.frames()):
                assert frame.dtype == np.float32 and frame.shape == (FRAME_SAMPLES,)
                assert np.isfinite(frame).all()
                if count >= MAX_FRAMES:
                    break
        except AudioFileError as exc:
            assert str(exc).strip() and str(path) in str(exc)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLES)), st.data())
def test_damaged_media_file_is_read_or_refused_cleanly(kind: str, data: st.DataObject) -> None:
    blob = bytearray(_original(kind))
    for _ in range(data.draw(st.integers(0, 12))):
        at = data.draw(st.integers(0, min(len(blob) - 1, 4096)))  # mostly the headers
        blob[at] = data.draw(st.integers(0, 255))
    whole = data.draw(st.booleans())  # damage inside a whole file, or a file cut short
    cut = len(blob) if whole else data.draw(st.integers(1, len(blob)))
    _read(bytes(blob[:cut]), data.draw(st.sampled_from(["wav", "mp3", "mp4", "ogg", "bin"])))


@settings(max_examples=80, deadline=None)
@given(st.binary(min_size=1, max_size=2048), st.sampled_from(["wav", "mp3", "flac", "m4a"]))
def test_any_bytes_are_read_or_refused_cleanly(blob: bytes, suffix: str) -> None:
    _read(blob, suffix)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(20, 3000),
    st.sampled_from([1, 2, 6]),
    st.sampled_from([8000, 16000, 22050, 44100, 48000]),
    st.integers(0, 2**32 - 1),
)
def test_any_wav_decodes_to_the_right_length(
    duration_ms: int, channels: int, rate: int, seed: int
) -> None:
    """Real WAV files of any rate and layout: 16 kHz mono of the same duration."""
    import av

    samples = duration_ms * rate // 1000
    rng = np.random.default_rng(seed)
    pcm = (rng.standard_normal((channels, samples)) * 3000).astype(np.int16)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tone.wav"
        layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
        with av.open(str(path), "w") as out:
            stream = out.add_stream("pcm_s16le", rate=rate, layout=layout)
            frame = av.AudioFrame.from_ndarray(
                pcm.T.reshape(1, -1).copy(), format="s16", layout=layout
            )
            frame.sample_rate = rate
            encode_all(out, stream, [frame])
        frames = list(FileSource(path).frames())
    total = sum(len(f) for f in frames)
    expected = samples * 16000 / rate
    assert expected - 1 <= total and total < expected + FRAME_SAMPLES + 64
    assert all(np.isfinite(f).all() for f in frames)

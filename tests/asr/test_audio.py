"""Audio decoding: any format PyAV reads becomes 16 kHz mono float32; bad files say so clearly."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, FileSource, _rechunk, load_audio
from asr.errors import AudioFileError


def write_mp3_8k_stereo(audio: np.ndarray, path: Path) -> None:
    """Re-encode 16 kHz mono audio as an 8 kHz stereo MP3 (a typical phone recording)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mp3", rate=8000, layout="stereo")
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=8000)
        frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for converted in resampler.resample(frame):
            for packet in stream.encode(converted):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def test_wav_decodes_to_16k_mono(clip_by_id):
    clip = clip_by_id["en_libri_61-70968-0000"]
    audio = load_audio(clip.path)
    assert audio.dtype == np.float32
    assert abs(len(audio) / SAMPLE_RATE - clip.duration_s) < 0.05
    assert 0.01 < float(np.abs(audio).max()) <= 1.0


def test_mp3_8k_stereo_is_mixed_down_and_resampled(clip_by_id, tmp_path):
    clip = clip_by_id["en_libri_61-70968-0000"]
    original = load_audio(clip.path)
    mp3 = tmp_path / "phone.mp3"
    write_mp3_8k_stereo(original, mp3)
    with av.open(str(mp3)) as container:
        assert container.streams.audio[0].rate == 8000
        assert container.streams.audio[0].channels == 2
    decoded = load_audio(mp3)
    assert abs(len(decoded) - len(original)) / SAMPLE_RATE < 0.2
    # the speech survives: the loud parts line up with the original's
    n = min(len(decoded), len(original)) // 1600 * 1600
    env_a = np.abs(original[:n]).reshape(-1, 1600).mean(axis=1)
    env_b = np.abs(decoded[:n]).reshape(-1, 1600).mean(axis=1)
    assert np.corrcoef(env_a, env_b)[0, 1] > 0.8


def test_frames_have_the_vad_frame_size(clip_by_id):
    frames = list(FileSource(clip_by_id["en_mfa_cv_22058266"].path).frames())
    assert frames and all(len(f) == FRAME_SAMPLES for f in frames)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p / "missing.wav", "not found"),
        (lambda p: _write(p / "empty.wav", b""), "empty"),
        (lambda p: _write(p / "photo.wav", _jpeg_bytes()), "no audio"),
        (lambda p: _write(p / "noise.wav", b"RIFF\x00\x00\x00\x00WAVEjunk" * 10), "cannot"),
        (lambda p: p, "folder"),
    ],
    ids=["missing", "zero-byte", "jpeg-renamed", "broken-header", "directory"],
)
def test_bad_files_raise_one_clear_error(tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(AudioFileError) as err:
        load_audio(path)
    assert expected in str(err.value)
    assert str(path.name) in str(err.value) or expected == "folder"


@given(st.lists(st.integers(min_value=1, max_value=2000), min_size=1, max_size=20))
def test_rechunk_keeps_every_sample(sizes):
    chunks = [np.arange(n, dtype=np.float32) + i for i, n in enumerate(sizes)]
    joined = np.concatenate(chunks)
    out = list(_rechunk(iter(chunks), FRAME_SAMPLES))
    assert all(len(f) == FRAME_SAMPLES for f in out)
    flat = np.concatenate(out)
    assert np.array_equal(flat[: len(joined)], joined)
    assert not flat[len(joined) :].any()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _jpeg_bytes() -> bytes:
    """A real (tiny) JPEG image, encoded by PyAV's mjpeg encoder."""
    import io

    buf = io.BytesIO()
    with av.open(buf, "w", format="mjpeg") as out:
        stream = out.add_stream("mjpeg", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuvj420p"
        frame = av.VideoFrame.from_ndarray(np.full((16, 16, 3), 200, np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def test_trailing_silence_follows_the_file_like_a_quiet_room(clip_by_id):
    clip = clip_by_id["en_libri_61-70968-0000"]
    audio = load_audio(clip.path)
    frames = list(FileSource(clip.path, trailing_silence_s=1.5).frames())
    played = np.concatenate(frames)
    assert len(played) >= len(audio) + int(1.5 * SAMPLE_RATE) - FRAME_SAMPLES
    assert np.array_equal(played[: len(audio)], audio)
    assert not played[len(audio) :].any()  # silence, not a repeat or noise

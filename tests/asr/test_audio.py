"""Audio decoding: any format PyAV reads becomes 16 kHz mono float32; bad files say so clearly;
`probe` checks a file without decoding it all."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import wave
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, FileSource, _rechunk, load_audio, probe
from asr.errors import AudioFileError
from tests.asr.conftest import encode_all

REPO = Path(__file__).resolve().parents[2]
DEMO_MEDIA = sorted(p for p in (REPO / "assets" / "demo").iterdir() if p.suffix in (".wav", ".mp4"))


def write_mp3_8k_stereo(audio: np.ndarray, path: Path) -> None:
    """Re-encode 16 kHz mono audio as an 8 kHz stereo MP3 (a typical phone recording)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mp3", rate=8000, layout="stereo")
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=8000)
        frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        encode_all(out, stream, resampler.resample(frame))


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
    assert abs(probe(mp3) - len(original) / SAMPLE_RATE) < 0.2
    # the speech survives: the loud parts line up with the original's
    n = min(len(decoded), len(original)) // 1600 * 1600
    env_a = np.abs(original[:n]).reshape(-1, 1600).mean(axis=1)
    env_b = np.abs(decoded[:n]).reshape(-1, 1600).mean(axis=1)
    assert np.corrcoef(env_a, env_b)[0, 1] > 0.8


def test_frames_have_the_vad_frame_size(clip_by_id):
    frames = list(FileSource(clip_by_id["en_mfa_cv_22058266"].path).frames())
    assert frames and all(len(f) == FRAME_SAMPLES for f in frames)


READERS = {"load_audio": load_audio, "probe": probe}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p / "missing.wav", "not found"),
        (lambda p: _write(p / "empty.wav", b""), "empty"),
        (lambda p: _write(p / "photo.wav", _jpeg_bytes()), "no audio track"),
        (lambda p: _write(p / "noise.wav", b"RIFF\x00\x00\x00\x00WAVEjunk" * 10), "cannot"),
        (lambda p: _write(p / "notes.txt", "주민등록등본 신청서\n".encode()), "not an audio"),
        (lambda p: _video_without_sound(p / "signing.mp4"), "no audio track"),
        (lambda p: _wav_without_samples(p / "header.wav"), "no audio samples"),
        (lambda p: p, "folder"),
    ],
    ids=[
        "missing",
        "zero-byte",
        "jpeg-renamed",
        "broken-header",
        "text",
        "video-without-sound",
        "header-only-wav",
        "directory",
    ],
)
def test_bad_files_raise_one_clear_error(tmp_path, make, expected, reader):
    path = make(tmp_path)
    with pytest.raises(AudioFileError) as err:
        READERS[reader](path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


@pytest.mark.skipif(not Path("/etc/shadow").exists(), reason="no /etc/shadow on this system")
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_system_file_is_refused(reader):
    """Unreadable for a staff account, a text file for root: refused either way."""
    with pytest.raises(AudioFileError, match=r"cannot .*/etc/shadow"):
        READERS[reader]("/etc/shadow")


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("kind", ["named pipe", "device", "folder"])
def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path, kind, reader):
    if kind == "named pipe":
        path = tmp_path / "pipe.wav"
        os.mkfifo(path)
    else:
        path = Path(os.devnull) if kind == "device" else tmp_path
    error = _raised_within(5.0, path, lambda: READERS[reader](path))
    assert isinstance(error, AudioFileError), error
    assert f"{path} is a {kind}" in str(error)
    assert "not a regular file: give an audio file" in str(error)


def test_a_recording_replaced_by_a_named_pipe_before_it_plays_is_refused(clip_by_id, tmp_path):
    """The file is checked when the source is made and again when it is opened to play: a named
    pipe put in its place meanwhile would leave the decoder waiting for a writer for ever."""
    path = tmp_path / "recording.wav"
    shutil.copy(clip_by_id["en_libri_61-70968-0000"].path, path)
    source = FileSource(path)
    path.unlink()
    os.mkfifo(path)
    error = _raised_within(5.0, path, lambda: list(source.frames()))
    assert isinstance(error, AudioFileError), error
    assert "named pipe" in str(error)


@pytest.mark.parametrize("path", DEMO_MEDIA, ids=[p.name for p in DEMO_MEDIA])
def test_probe_gives_the_duration_of_the_demo_media(path):
    decoded_s = len(load_audio(path)) / SAMPLE_RATE
    assert abs(probe(path) - decoded_s) < 0.1


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


def _video_without_sound(path: Path) -> Path:
    """The demo's sign video with its picture alone (packets copied, not re-encoded)."""
    with av.open(str(REPO / "assets" / "demo" / "msl_ambulancia_001.mp4")) as source:
        video = source.streams.video[0]
        with av.open(str(path), "w") as out:
            copy = out.add_stream_from_template(video)
            for packet in source.demux(video):
                if packet.dts is not None:
                    packet.stream = copy
                    out.mux(packet)
    return path


def _wav_without_samples(path: Path) -> Path:
    """A WAV header and no sound, as a recorder stopped at once leaves it."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
    return path


def _raised_within(seconds: float, path: Path, call: Callable[[], object]) -> BaseException | None:
    """What `call` raised (None if nothing). If it is still running after `seconds` the test
    fails, and a reader left waiting on `path` (a named pipe) is let go by opening its other end."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(seconds)
        pytest.fail(f"still waiting on {path} after {seconds} s")
    return outcome[0]


def _jpeg_bytes() -> bytes:
    """A real (tiny) JPEG image, encoded by PyAV's mjpeg encoder."""
    import io

    buf = io.BytesIO()
    with av.open(buf, "w", format="mjpeg") as out:
        stream = out.add_stream("mjpeg", rate=1)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuvj420p"
        frame = av.VideoFrame.from_ndarray(np.full((16, 16, 3), 200, np.uint8), format="rgb24")
        encode_all(out, stream, [frame])
    return buf.getvalue()


def test_trailing_silence_follows_the_file_like_a_quiet_room(clip_by_id):
    clip = clip_by_id["en_libri_61-70968-0000"]
    audio = load_audio(clip.path)
    frames = list(FileSource(clip.path, trailing_silence_s=1.5).frames())
    played = np.concatenate(frames)
    assert len(played) >= len(audio) + int(1.5 * SAMPLE_RATE) - FRAME_SAMPLES
    assert np.array_equal(played[: len(audio)], audio)
    assert not played[len(audio) :].any()  # silence, not a repeat or noise

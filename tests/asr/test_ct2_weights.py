"""Whisper stored as int8: it decodes exactly as the float16 release did, and a file that is not
a CTranslate2 Whisper model is refused with a clear error."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from faster_whisper import WhisperModel

from asr.audio import load_audio
from asr.ct2_weights import WeightsError, quantize_whisper_int8, read_model
from kiosk.setup.model_store import ModelManager

SPEECH = Path(__file__).resolve().parents[2].parent / "shared" / "speech"
# one clip of each of three scripts, real speech (../shared/speech/manifest.tsv)
CLIPS = ("ko/sub100122a00243.wav", "zh/zh_fleurs_1883.wav", "ru/ru_css10_ess_0021.wav")


@pytest.fixture(scope="module")
def release(whisper_release: Path) -> Path:
    return whisper_release


def test_stored_int8_decodes_word_for_word_and_score_for_score_as_the_release(release):
    stored = ModelManager().path_for("asr", preferred="whisper-base")  # what the kiosk loads
    weight = "encoder/layer_0/ffn/linear_0/weight"
    assert read_model(stored / "model.bin").variables[weight].dtype == "int8"
    assert read_model(release / "model.bin").variables[weight].dtype == "float16"
    models = [
        WhisperModel(str(f), device="cpu", compute_type="int8", cpu_threads=2)
        for f in (release, stored)
    ]
    for clip in CLIPS:
        audio = load_audio(SPEECH / clip)
        a, b = (
            [(s.text, s.avg_logprob, s.start, s.end) for s in m.transcribe(audio, beam_size=5)[0]]
            for m in models
        )
        assert a == b and a, clip


def test_quantizing_is_reproducible_to_the_manifests_hash(release, tmp_path):
    from kiosk.setup.model_checks import sha256_file

    quantize_whisper_int8(release / "model.bin", tmp_path / "model.bin")
    expected = ModelManager().spec("whisper-base").files["model.bin"]
    assert sha256_file(tmp_path / "model.bin") == expected


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _other_version(data: bytes) -> bytes:
    return struct.pack("<I", 5) + data[4:]


def _trailing(data: bytes) -> bytes:
    return data + b"\0"


def _huge_count(data: bytes) -> bytes:
    name_len = struct.unpack("<H", data[4:6])[0]
    at = 6 + name_len + 4  # version, name, revision, then the number of variables
    return data[:at] + struct.pack("<I", 0xFFFFFFFF) + data[at + 4 :]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_truncated, "cut short"),
        (_other_version, "binary version 5"),
        (_trailing, "bytes after its last alias"),
        (_huge_count, "implausible number"),
    ],
    ids=["truncated", "version", "trailing", "count"],
)
def test_a_damaged_model_file_is_refused(release, tmp_path, damage, message):
    bad = tmp_path / "model.bin"
    bad.write_bytes(damage((release / "model.bin").read_bytes()))
    with pytest.raises(WeightsError, match=message):
        quantize_whisper_int8(bad, tmp_path / "out.bin")
    assert not (tmp_path / "out.bin").exists()


def test_a_model_that_is_not_whisper_is_refused(release, tmp_path):
    data = (release / "model.bin").read_bytes()
    name_len = struct.unpack("<H", data[4:6])[0]
    other = b"TransformerSpec\0"
    bad = tmp_path / "model.bin"
    bad.write_bytes(data[:4] + struct.pack("<H", len(other)) + other + data[6 + name_len :])
    with pytest.raises(WeightsError, match="holds a TransformerSpec, not a Whisper model"):
        quantize_whisper_int8(bad, tmp_path / "out.bin")

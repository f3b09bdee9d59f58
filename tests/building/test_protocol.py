"""The wire formats: what the kiosk accepts from a server, and what it refuses to show."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from building import protocol
from building.breaker import BreakerState, CircuitBreaker


def test_a_float_wav_carries_the_samples_exactly():
    from faster_whisper.audio import decode_audio

    audio = np.sin(np.linspace(0, 200, 16000)).astype(np.float32) * 0.3
    wav = protocol.wav_bytes(audio)
    back = protocol.float_wav_samples(wav)
    assert back is not None and np.array_equal(back, audio)
    # any other reader sees a valid WAV file too (PyAV rounds it to 16 bits)
    assert np.allclose(decode_audio(io.BytesIO(wav), sampling_rate=16000), audio, atol=1e-4)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff",  # a data size past the end
        b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\x01\x00" * 8,  # 16-bit PCM
    ],
    ids=["empty", "no-chunks", "lying-size", "pcm"],
)
def test_other_or_broken_files_are_left_to_the_general_decoder(data):
    assert protocol.float_wav_samples(data) is None


def test_a_float_wav_holding_nan_is_refused():
    wav = protocol.wav_bytes(np.array([0.1, np.nan, 0.2], dtype=np.float32))
    with pytest.raises(protocol.ProtocolError, match="not numbers"):
        protocol.float_wav_samples(wav)


def test_verbose_json_from_this_server_reads_back_as_the_same_hypothesis():
    from asr.whisper import Hypothesis

    hyp = Hypothesis("여권을 주세요", "ko", 0.97, -0.31, 0.02, 1.1, 9)
    back = protocol.read_transcription(protocol.verbose_json(hyp, 2.5), None).hypothesis
    assert (back.text, back.lang, back.avg_logprob, back.no_speech_prob) == (
        hyp.text,
        "ko",
        pytest.approx(-0.31),
        pytest.approx(0.02),
    )
    assert back.lang_prob == pytest.approx(0.97)


def test_openai_style_answers_name_languages_in_words():
    body = {"text": " Where is the office? ", "language": "English"}
    heard = protocol.read_transcription(body, None)
    assert heard.hypothesis.lang == "en" and heard.hypothesis.text == "Where is the office?"
    plain = protocol.read_transcription({"text": "네"}, "ko").hypothesis
    assert plain.lang == "ko" and plain.avg_logprob == 0.0


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {"txt": "hello"},
        {"text": 42},
        {"text": "x" * 5000},
        {"text": "x", "segments": [{"start": 0, "end": 1}]},
        {"text": "x", "segments": [{"avg_logprob": "bad"}]},
        {"text": "x", "segments": [{"avg_logprob": math.inf}]},
        {"text": "x", "segments": ["not a segment"]},
    ],
    ids=repr,
)
def test_garbage_is_never_a_transcription(body):
    with pytest.raises(protocol.ProtocolError):
        protocol.read_transcription(body, "ko")


@pytest.mark.parametrize(
    "body", [None, {"translated": "x"}, {"translatedText": ""}, {"translatedText": 3}]
)
def test_garbage_is_never_a_translation(body):
    with pytest.raises(protocol.ProtocolError):
        protocol.read_translation(body)


def test_the_languages_field_takes_codes_only():
    assert protocol.parse_languages("ko, th") == ("ko", "th")
    assert protocol.parse_languages("Korean,english") == ("ko", "en")
    assert protocol.parse_languages("") == ()
    for hostile in ("ko,../etc", "ko;rm", ",".join(["ko"] * 9), "x" * 40):
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_languages(hostile)


def test_the_breaker_opens_after_failures_and_lets_one_probe_through_later():
    now = [0.0]
    breaker = CircuitBreaker(failures_to_open=2, cooldown_s=10, clock=lambda: now[0])
    assert breaker.allow()
    breaker.failure()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    breaker.failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    now[0] = 9.9
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and breaker.state is BreakerState.PROBING
    assert not breaker.allow()  # one probe at a time
    breaker.failure()  # the probe failed: closed again for a whole cool-down
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    now[0] = 20.0
    assert breaker.allow()
    breaker.success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()


def test_a_success_forgets_earlier_failures():
    breaker = CircuitBreaker(failures_to_open=2)
    breaker.failure()
    breaker.success()
    breaker.failure()
    assert breaker.state is BreakerState.CLOSED

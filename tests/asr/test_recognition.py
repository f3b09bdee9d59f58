"""Recognition with the real Whisper base model on real recordings (../shared/speech).

Thresholds come from measurement (bench/asr.py per-clip pass; finals with the full 30 s window and
beam 5, VAD start/end 0.4/0.2, end after 0.8 s of silence; this 2-core CPU): mean ko CER 12.9%, zh
CER 18.6%, ja CER 26.7%, en WER 33.3% (0% on the two LibriSpeech clips; the Common Voice clip's
reference "Fire fox" is two words, Whisper writes "Firefox"), ru WER 25.0% (4 of 16 words). Each
limit adds ~5 points for the run-to-run and CPU-to-CPU variation of int8 decoding, and at least two
words where a language has a single short clip: the one Russian clip has 16 words, so one word is
6.25 points. The earlier defaults (encoder window sized to the utterance, greedy) measured ko
15.4%, zh 31.4%, ja 24.9%, ru 31.2%; the limits were set then and still hold.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import replace

import numpy as np
import pytest

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, FileSource, load_audio
from asr.evaluation import error_rate
from asr.streaming import StreamConfig
from asr.vad import EndpointConfig
from tests.asr.conftest import silence, trimmed

MAX_MEAN_ERROR = {"ko": 0.20, "zh": 0.37, "ja": 0.30, "en": 0.38, "ru": 0.44}


@pytest.fixture(scope="module")
def offline_results(speech_models, clips):
    results = []
    for clip in clips:
        langs = ("ko", clip.lang) if clip.lang != "ko" else ("ko", "en")
        recogniser = speech_models.recogniser(langs, StreamConfig(partials=False), hint=False)
        finals = recogniser.accept_all(load_audio(clip.path))
        results.append((clip, finals))
    return results


@pytest.mark.parametrize("lang", sorted(MAX_MEAN_ERROR))
def test_error_rate_per_language(offline_results, lang):
    rates = [
        error_rate(clip.transcript, " ".join(u.text for u in finals), lang)
        for clip, finals in offline_results
        if clip.lang == lang
    ]
    assert rates, f"no {lang} clips in the manifest"
    assert statistics.mean(rates) <= MAX_MEAN_ERROR[lang], rates


def test_language_is_identified_on_every_clip(offline_results):
    wrong = [
        (clip.id, sorted({u.lang for u in finals}))
        for clip, finals in offline_results
        if {u.lang for u in finals} != {clip.lang}
    ]
    assert not wrong


def test_short_korean_is_never_labelled_another_language(speech_models, clip_by_id):
    """The first second of Korean speech, with the visitor speaking Thai: still Korean."""
    audio = trimmed(clip_by_id["ko_sub100122a00233"])[: int(1.2 * SAMPLE_RATE)]
    recogniser = speech_models.recogniser(("ko", "th"), StreamConfig(partials=False))
    finals = recogniser.accept_all(np.concatenate([silence(0.5), audio, silence(1.0)]))
    assert finals and all(u.lang == "ko" for u in finals)


def test_two_utterances_give_two_finals_in_order(speech_models, clip_by_id):
    first, second = clip_by_id["en_libri_61-70968-0000"], clip_by_id["ru_css10_ess_0021"]
    audio = np.concatenate([load_audio(first.path), silence(1.5), load_audio(second.path)])
    recogniser = speech_models.recogniser(("en", "ru"), StreamConfig(partials=False))
    finals = recogniser.accept_all(audio)
    langs = [u.lang for u in finals]
    assert langs[0] == "en" and langs[-1] == "ru"
    assert sorted(langs) == langs[: langs.count("en")] + ["ru"] * langs.count("ru")
    assert all(a.end_s <= b.start_s for a, b in itertools.pairwise(finals))
    assert len({u.utterance_id for u in finals}) == len(finals)
    assert error_rate(first.transcript, finals[0].text, "en") < 0.2


@pytest.mark.parametrize("kind", ["silence", "noise", "hum"])
def test_silence_and_noise_give_no_text(speech_models, kind):
    rng = np.random.default_rng(7)
    n = 20 * SAMPLE_RATE
    t = np.arange(n) / SAMPLE_RATE
    audio = {
        "silence": np.zeros(n),
        "noise": rng.normal(0, 0.03, n),
        "hum": 0.05 * np.sin(2 * np.pi * 50 * t) + rng.normal(0, 0.005, n),
    }[kind].astype(np.float32)
    recogniser = speech_models.recogniser(("ko", "en"), StreamConfig(partials=True))
    assert recogniser.accept_all(audio) == []


def test_sixty_second_monologue_is_split_without_dropping_words(speech_models, clips):
    korean = [c for c in clips if c.lang == "ko"]
    pieces, refs, total = [], [], 0.0
    for clip in korean:  # joined without pauses: endpointing alone cannot split it
        piece = trimmed(clip)
        pieces.append(piece)
        refs.append(clip.transcript)
        total += len(piece) / SAMPLE_RATE
        if total >= 60:
            break
    audio = np.concatenate(pieces)
    config = StreamConfig(partials=False, endpoint=replace(EndpointConfig(), max_utterance_s=15.0))
    recogniser = speech_models.recogniser(("ko", "en"), config, hint=False)
    finals = recogniser.accept_all(audio)
    assert len(finals) >= 4  # 60+ s at most 15 s each
    assert all(u.duration_s <= 15.0 + FRAME_SAMPLES / SAMPLE_RATE for u in finals)
    # where the maximum length forced a cut, the next utterance starts exactly there
    cut = [(a, b) for a, b in itertools.pairwise(finals) if b.start_s == a.end_s]
    assert cut, "speech without pauses must have been cut at the maximum length"
    search = config.endpoint.max_utterance_s - config.endpoint.cut_search_s
    assert all(a.duration_s >= search - 0.1 for a, _ in cut)
    joined = " ".join(u.text for u in finals)
    assert error_rate(" ".join(refs), joined, "ko") <= MAX_MEAN_ERROR["ko"] + 0.03


def test_partials_arrive_before_the_final_when_paced(speech_models, clip_by_id):
    clip = clip_by_id["ko_sub100122a00233"]
    recogniser = speech_models.recogniser(("ko", "en"), StreamConfig(partials=True))
    events = list(recogniser.run(FileSource(clip.path, realtime=True)))
    kinds = [u.final for u in events]
    assert kinds.count(True) == 1 and kinds[-1] is True
    assert kinds.count(False) >= 2
    partials = [u for u in events if not u.final]
    assert all(u.utterance_id == events[-1].utterance_id for u in partials)
    assert error_rate(clip.transcript, events[-1].text, "ko") < 0.15


def test_phone_recording_is_recognised(speech_models, clip_by_id, tmp_path):
    from tests.asr.test_audio import write_mp3_8k_stereo

    clip = clip_by_id["en_libri_61-70968-0000"]
    mp3 = tmp_path / "phone.mp3"
    write_mp3_8k_stereo(load_audio(clip.path), mp3)
    recogniser = speech_models.recogniser(("ko", "en"), StreamConfig(partials=False))
    finals = recogniser.accept_all(load_audio(mp3))
    assert error_rate(clip.transcript, " ".join(u.text for u in finals), "en") < 0.2

"""The streaming recogniser's finals: early decoding, end-pointing, pre-roll, context, fallback.

Real Whisper base and Silero VAD on the Korean read speech of ../shared/speech (evaluation only,
read in place). Accuracy limits here are loose sanity bounds; bench/asr.py measures the real
figures and bench/README.md records them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, ArraySource, load_audio
from asr.evaluation import error_rate
from asr.streaming import StreamConfig
from asr.whisper import Context, DecodeOptions
from tests.asr.conftest import silence, trimmed

FIRST, SECOND = "ko_sub100122a00233", "ko_sub100122a00229"  # anechoic room, clean speech


def test_early_final_is_the_final_and_costs_one_decode(speech_models, clip_by_id):
    audio = np.concatenate([silence(0.5), trimmed(clip_by_id[FIRST]), silence(1.5)])
    early = speech_models.recogniser(("ko",), StreamConfig(partials=False))
    late = speech_models.recogniser(("ko",), StreamConfig(partials=False, early_final=False))
    [with_early] = early.accept_all(audio)
    [without] = late.accept_all(audio)
    assert with_early == without  # same audio decoded, same text, same times
    assert len(early.final_decode_s) == 1  # decoded during the silence, used at the end


def test_speech_resuming_after_the_early_decode_continues_the_utterance(speech_models, clip_by_id):
    """A breath (0.5 s) inside a sentence: the early decode is thrown away, one final remains."""
    first, second = trimmed(clip_by_id[FIRST]), trimmed(clip_by_id[SECOND])
    audio = np.concatenate([silence(0.5), first, silence(0.5), second, silence(1.5)])
    recogniser = speech_models.recogniser(("ko",), StreamConfig(partials=False))
    finals = recogniser.accept_all(audio)
    assert len(finals) == 1
    assert len(recogniser.final_decode_s) >= 2  # at least one early decode was discarded
    both = clip_by_id[FIRST].transcript + " " + clip_by_id[SECOND].transcript
    assert error_rate(both, finals[0].text, "ko") < 0.2


def test_a_real_pause_still_ends_the_utterance(speech_models, clip_by_id):
    first, second = trimmed(clip_by_id[FIRST]), trimmed(clip_by_id[SECOND])
    audio = np.concatenate([first, silence(1.5), second, silence(1.5)])
    finals = speech_models.recogniser(("ko",), StreamConfig(partials=False)).accept_all(audio)
    assert len(finals) == 2
    assert error_rate(clip_by_id[SECOND].transcript, finals[1].text, "ko") < 0.2


def test_the_utterance_starts_before_the_first_syllable(speech_models, clip_by_id):
    """Pre-roll: the audio decoded begins at least `pre_roll_s` before VAD's speech start."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = np.concatenate([silence(1.0), trimmed(clip_by_id[FIRST]), silence(1.5)])
    spans = get_speech_timestamps(audio, VadOptions(speech_pad_ms=0))
    speech_start = spans[0]["start"] / SAMPLE_RATE
    config = StreamConfig(partials=False)
    [final] = speech_models.recogniser(("ko",), config).accept_all(audio)
    assert final.start_s <= speech_start - config.endpoint.pre_roll_s + 0.05


def test_context_keeps_only_the_new_words(speech_models, clip_by_id):
    engine = speech_models.whisper
    before, after = clip_by_id[FIRST], clip_by_id[SECOND]
    context = Context(trimmed(before), before.transcript, "ko")
    for mode in ("prefix", "aligned"):
        options = replace(StreamConfig().decode, context_mode=mode)
        hyp = engine.recognise(trimmed(after), ("ko", "en"), options, "ko", context)
        assert hyp.with_context, mode
        assert error_rate(after.transcript, hyp.text, "ko") < 0.2, (mode, hyp.text)


def test_context_in_another_language_is_not_used(speech_models, clip_by_id):
    clip = clip_by_id[SECOND]
    english = clip_by_id["en_libri_61-70968-0000"]
    context = Context(load_audio(english.path), english.transcript, "en")
    hyp = speech_models.whisper.recognise(trimmed(clip), ("ko",), DecodeOptions(), None, context)
    assert not hyp.with_context and hyp.lang == "ko"


def test_recogniser_uses_context_within_the_gap(speech_models, clip_by_id):
    first, second = trimmed(clip_by_id[FIRST]), trimmed(clip_by_id[SECOND])
    audio = np.concatenate([first, silence(1.2), second, silence(1.5)])
    config = StreamConfig(partials=False, context_s=10.0, context_max_gap_s=5.0)
    finals = speech_models.recogniser(("ko", "en"), config).accept_all(audio)
    assert len(finals) == 2
    assert error_rate(clip_by_id[FIRST].transcript, finals[0].text, "ko") < 0.2
    # only the second sentence's words, not the first one's again
    assert error_rate(clip_by_id[SECOND].transcript, finals[1].text, "ko") < 0.2


@pytest.mark.parametrize("beam", [1, 5])
def test_temperature_fallback_keeps_the_best_try(speech_models, clip_by_id, beam):
    """With a log-probability bar no decode can pass, every temperature is tried and the most
    probable text is kept: still the sentence, never a worse sample."""
    clip = clip_by_id[SECOND]
    options = DecodeOptions(
        beam_size=beam, window="full", fallback_temperatures=(0.4, 0.8), fallback_logprob=0.0
    )
    plain = speech_models.whisper.recognise(
        trimmed(clip), ("ko",), replace(options, fallback_temperatures=())
    )
    hyp = speech_models.whisper.recognise(trimmed(clip), ("ko",), options)
    assert hyp.avg_logprob >= plain.avg_logprob
    assert error_rate(clip.transcript, hyp.text, "ko") < 0.25


def test_paced_array_source_gives_every_sample(clip_by_id):
    audio = load_audio(clip_by_id[FIRST].path)
    source = ArraySource(audio[:SAMPLE_RATE], realtime=True, speed=20.0)
    frames = list(source.frames())
    assert np.array_equal(np.concatenate(frames)[:SAMPLE_RATE], audio[:SAMPLE_RATE])
    assert source.elapsed_s() > 0


def test_a_slow_cpu_switches_finals_to_the_busy_window(speech_models, clip_by_id):
    """With no time budget at all, the finals after the first three use the 20 s window (every
    third one tries the full window again): the text stays right, and the switch is counted."""
    first, second = trimmed(clip_by_id[FIRST]), trimmed(clip_by_id[SECOND])
    pause = silence(1.5)
    audio = np.concatenate([first, pause, second, pause, first, pause, second, pause])
    config = StreamConfig(partials=False, final_budget_s=0.0)
    recogniser = speech_models.recogniser(("ko",), config)
    finals = recogniser.accept_all(audio)
    assert len(finals) == 4 and recogniser.busy_finals == 1
    assert error_rate(clip_by_id[SECOND].transcript, finals[3].text, "ko") < 0.2
    # the CPU is free again: the next busy final is the last; the one after tries the full
    # window, which fits, and the full window stays
    recogniser.config = replace(config, final_budget_s=60.0)
    more = recogniser.accept_all(np.concatenate([first, pause, second, pause, first, pause]))
    assert len(more) == 3 and recogniser.busy_finals == 2
    assert error_rate(clip_by_id[FIRST].transcript, more[2].text, "ko") < 0.2


def test_a_stream_ending_in_silence_keeps_the_early_final(speech_models, clip_by_id):
    """The file ends 0.5 s after the speech (too soon for the end of utterance): the early decode
    made during that silence is the final, not decoded again."""
    audio = np.concatenate([silence(0.5), trimmed(clip_by_id[FIRST]), silence(0.5)])
    recogniser = speech_models.recogniser(("ko",), StreamConfig(partials=False))
    [final] = recogniser.accept_all(audio)
    assert len(recogniser.final_decode_s) == 1
    assert error_rate(clip_by_id[FIRST].transcript, final.text, "ko") < 0.2


# The dev stream's first seven clips, joined 1 s apart as bench/asr.py joins them: in it, the
# seventh sentence's utterance began where the hinted decode recited the hint instead
# ("수수료기간 연장, 수수료기간 연장, 수수료기간").
HINT_ECHO_STREAM = (
    "ko_sub100112a00250",
    "ko_sub100112a00248",
    "ko_sub100112a00247",
    "ko_sub100112a00246",
    "ko_sub100112a00245",
    "ko_sub100112a00244",
    "ko_sub100112a00243",
)


def test_a_final_that_recites_the_hint_is_decoded_again_without_it(speech_models, clip_by_id):
    gap = silence(1.0)
    audio = np.concatenate(
        [part for cid in HINT_ECHO_STREAM for part in (load_audio(clip_by_id[cid].path), gap)]
        + [silence(1.0)]
    )
    config = StreamConfig(partials=False, final_budget_s=float("inf"))  # the full window always
    recogniser = speech_models.recogniser(("ko", "en"), config)
    assert recogniser.config.decode.initial_prompt  # the Korean hint is on
    finals = recogniser.accept_all(audio)
    assert len(finals) == len(HINT_ECHO_STREAM)
    last = clip_by_id[HINT_ECHO_STREAM[-1]]
    assert "수수료" not in finals[-1].text
    assert error_rate(last.transcript, finals[-1].text, "ko") < 0.3

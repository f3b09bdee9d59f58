"""Streaming recognition: frames in, partial and final `Utterance`s out.

VAD finds where an utterance starts and ends; while someone speaks, the audio so far is decoded now
and then (cheaply) and emitted as a partial hypothesis; when they stop, the whole utterance is
decoded once more, carefully (full window, beam search), and emitted as the one final result.
Everything runs on the caller's thread (the audio worker).

The final decode starts as soon as a short silence follows speech (the early final) and is kept if
the silence lasts until the end of the utterance: waiting long enough not to cut a sentence at a
breath then costs no latency, because the decode runs during the wait. When the CPU is too busy
for the full window to fit the latency budget (other programs, the kiosk's own work), finals use
a 20 s window; every third final then tries the full window again, and its time decides whether
the 20 s one is still needed.

It never falls behind: a partial is only decoded when the consumer is close to real time
(`backlog_s` small) and not more often than the previous decode took, so when the CPU is slow there
are fewer partials, never a growing queue. Finals are always decoded.

Speech longer than `max_utterance_s` is cut at the quietest moment in the last few seconds before
that limit (a pause between words), and the rest carries on as the next utterance.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, AudioSource
from asr.events import Side, Utterance
from asr.guards import GuardConfig, rejection_reason
from asr.vad import Boundary, EndpointConfig, Endpointer, StreamingVad
from asr.whisper import Context, DecodeOptions, Hypothesis, SpeechEngine

log = logging.getLogger(__name__)

FINAL_DECODE = DecodeOptions(
    final=True, beam_size=5, window="full", fallback_temperatures=(0.2, 0.4, 0.6, 0.8)
)
# A 20 s encoder window: cheaper, less accurate: only while the CPU is too busy for the 30 s one.
BUSY_FINAL_DECODE = replace(FINAL_DECODE, window="adaptive", min_window_s=20)
# While busy, every third final decode uses the full window again: its own time says whether the
# CPU has room for it now (judging by the busy decodes' times kept the busy window on for good).
PROBE_EVERY = 3

Audio = npt.NDArray[np.float32]
FRAME_S = FRAME_SAMPLES / SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class StreamConfig:
    langs: tuple[str, ...] = ("ko",)
    side: Side = Side.VISITOR
    # one-microphone mode: the side is decided by the recognised language
    side_by_lang: Mapping[str, Side] = field(default_factory=dict)
    partials: bool = True
    first_partial_s: float = 0.5  # audio (with pre-roll) needed before the first partial
    partial_interval_s: float = 0.6
    partial_retry_s: float = 0.25  # after a partial that was rejected (too little speech yet)
    partial_min_lang_prob: float = 0.8  # before the language settles, hide unsure partials
    max_backlog_s: float = 0.5  # skip partials when further behind real time than this
    endpoint: EndpointConfig = EndpointConfig()
    # The most accurate final decode that fits the latency budget (figures: bench/README.md).
    decode: DecodeOptions = FINAL_DECODE
    # Finals use `busy_decode` while the last 3 took longer than this (median, wall clock): only
    # on a PC too loaded for the full window (it takes 1.1 s at p50, 1.6 s at p95 on 2 idle
    # cores). The 20 s window lost accuracy (the stream's finals no longer matched each clip
    # decoded alone: bench/README.md), so it is the last resort, not a latency setting.
    final_budget_s: float = 1.6
    busy_decode: DecodeOptions = BUSY_FINAL_DECODE
    # Partials stay cheap (sized window, greedy) so they keep up with speech.
    partial_decode: DecodeOptions = DecodeOptions(min_window_s=4, window_margin_s=1.0, min_tokens=8)
    guards: GuardConfig = GuardConfig()
    # Seconds of the latest finals put before a final's audio, their text as the decoder's prefix
    # (asr.whisper.Context). Off: no better than without, and a misheard text's errors carry over.
    context_s: float = 0.0
    # below this much speech (VAD frames above the start threshold) an utterance is decoded
    # without context, so the no-speech guard still sees it alone
    context_min_speech_s: float = 1.0
    # only finals that ended at most this long before the new utterance began are context
    context_max_gap_s: float = 30.0
    # Decode the final after `post_roll_s` of silence, so waiting for the end hides the decode.
    early_final: bool = True


class StreamingRecogniser:
    """Feed frames with `accept`, call `finish` at the end of the stream."""

    def __init__(
        self,
        engine: SpeechEngine,
        vad: StreamingVad,
        config: StreamConfig = StreamConfig(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.vad = vad
        self.config = config
        self.clock = clock
        self.endpointer = Endpointer(config.endpoint)
        self.rejected: list[str] = []  # reasons for dropped hypotheses (no text), for diagnostics
        self.skipped_partials = 0
        # seconds each final decode took (wall clock, and CPU over all threads), for diagnostics
        self.final_decode_s: list[tuple[float, float]] = []
        self.busy_finals = 0  # finals decoded with `busy_decode` (the CPU was too slow)
        self.busy_ids: set[int] = set()  # the utterance ids among them (diagnostics)
        self._busy = False
        self._busy_streak = 0  # busy decodes since the last full-window one
        self._recent_costs: list[float] = []  # the last full-window final decode times (s)
        self._next_id = 1
        self.reset()

    def reset(self) -> None:
        """Forget everything heard (a new visit, or the microphone reopened)."""
        self.vad.reset()
        self.endpointer.reset()
        self._samples_seen = 0
        self._pre_roll: list[Audio] = []
        self._speech: list[Audio] = []
        self._probs: list[float] = []
        self._start_sample = 0
        self._last_partial_at = -1e9
        self._last_partial_cost = 0.0
        self._last_partial_text = ""
        self._lang: str | None = None
        self._lang_prob = 0.0
        self._context: list[tuple[Context, float]] = []  # (heard, end on the stream), newest last
        # (frames, hyp, rejection, busy window used)
        self._early: tuple[int, Hypothesis, str | None, bool] | None = None
        self.busy_ids.clear()  # diagnostics of this visit only

    @property
    def heard_s(self) -> float:
        """Seconds of audio taken in so far (the stream's own clock)."""
        return self._samples_seen / SAMPLE_RATE

    def set_languages(self, langs: Sequence[str]) -> None:
        self.config = replace(self.config, langs=tuple(langs))

    # -- streaming interface --

    def accept(self, frames: Audio, backlog_s: float = 0.0) -> Iterator[Utterance]:
        """Process audio (any multiple of FRAME_SAMPLES); yield whatever became ready."""
        usable = len(frames) - len(frames) % FRAME_SAMPLES
        if usable <= 0:
            return
        probs = self.vad.probabilities(frames[:usable])
        for i, prob in enumerate(probs):
            frame = frames[i * FRAME_SAMPLES : (i + 1) * FRAME_SAMPLES]
            yield from self._step(frame, float(prob))
        if self.endpointer.in_speech:
            yield from self._maybe_partial(backlog_s)

    def finish(self) -> Iterator[Utterance]:
        """The stream ended: whatever is being spoken becomes final."""
        if self.endpointer.in_speech and self._speech:
            # after an early final only silence followed: that decode is the final
            n_frames = self._early[0] if self._early is not None else len(self._speech)
            yield from self._final(n_frames)
        self.endpointer.reset()

    def accept_all(self, audio: Audio) -> list[Utterance]:
        """Recognise a whole recording at once (offline), as if it had been streamed."""
        padded = np.pad(audio, (0, -len(audio) % FRAME_SAMPLES)).astype(np.float32)
        return [*self.accept(padded), *self.finish()]

    def run(self, source: AudioSource) -> Iterator[Utterance]:
        """Recognise a whole source until it ends or is closed."""
        for frames in source.frames():
            yield from self.accept(frames, backlog_s=source.backlog_s())
        yield from self.finish()

    # -- internals --

    def _step(self, frame: Audio, prob: float) -> Iterator[Utterance]:
        cfg = self.config.endpoint
        self._samples_seen += FRAME_SAMPLES
        boundary = self.endpointer.step(prob)
        if not self.endpointer.in_speech and boundary is not Boundary.END:
            self._pre_roll.append(frame)
            keep = self._pre_roll_frames() + self.endpointer.start_lag_frames
            self._pre_roll = self._pre_roll[-keep:]
            return
        if boundary is Boundary.START:
            lag = self.endpointer.start_lag_frames
            self._speech = [*self._pre_roll, frame]
            self._probs = [0.0] * (len(self._speech) - lag - 1) + [1.0] * lag + [prob]
            self._start_sample = self._samples_seen - len(self._speech) * FRAME_SAMPLES
            self._pre_roll = []
            self._lang = None
            self._lang_prob = 0.0
            self._last_partial_text = ""
            self._last_partial_at = -1e9
            self._early = None
            return
        self._speech.append(frame)
        self._probs.append(prob)
        if boundary is Boundary.END:
            # drop most of the trailing silence, keep a little for the last syllable
            keep = len(self._speech) - self.endpointer.end_lag_frames + self._post_roll_frames()
            yield from self._final(min(len(self._speech), keep))
            return
        silence = self.endpointer.silence_frames
        if silence == 0:
            self._early = None  # still speaking: an early decode is out of date
        elif self.config.early_final and silence == self._post_roll_frames():
            n_frames = len(self._speech)
            self._early = (n_frames, *self._decode_final(n_frames))
        if len(self._speech) * FRAME_S >= cfg.max_utterance_s:
            yield from self._cut_long_utterance()

    def _cut_long_utterance(self) -> Iterator[Utterance]:
        """Cut at the quietest moment of the last `cut_search_s`, carry the rest over."""
        cfg = self.config.endpoint
        search = max(1, int(cfg.cut_search_s / FRAME_S))
        window = np.asarray(self._probs[-search:])
        # smooth over ~100 ms so a single low frame inside a word does not win
        smooth = np.convolve(window, np.ones(3) / 3, mode="same")
        cut = len(self._speech) - search + int(np.argmin(smooth)) + 1
        rest_audio = self._speech[cut:]
        rest_probs = self._probs[cut:]
        yield from self._final(cut, keep_listening=True)
        self._start_sample = self._samples_seen - len(rest_audio) * FRAME_SAMPLES
        self._speech, self._probs = rest_audio, rest_probs
        self._last_partial_at = -1e9
        self._last_partial_text = ""

    def _maybe_partial(self, backlog_s: float) -> Iterator[Utterance]:
        cfg = self.config
        if not cfg.partials or self._early is not None:
            return  # (an early final is ready: the speaker has stopped)
        if self.endpointer.silence_frames > 0:
            return  # a pause: nothing new to show, and the early final must not wait for us
        spoken = len(self._speech) * FRAME_S
        now = self.clock()
        interval = max(cfg.partial_interval_s, 1.5 * self._last_partial_cost)
        if spoken < cfg.first_partial_s or now - self._last_partial_at < interval:
            return
        if backlog_s > cfg.max_backlog_s:
            self.skipped_partials += 1
            return
        audio = np.concatenate(self._speech)
        started = self.clock()
        hyp = self.engine.recognise(audio, cfg.langs, cfg.partial_decode, language=self._lang)
        self._last_partial_cost = self.clock() - started
        self._last_partial_at = self.clock()
        if self._lang is None and spoken >= 1.0:
            self._lang = hyp.lang  # settle the language for the rest of the partials
            self._lang_prob = hyp.lang_prob
        unsure_language = self._lang is None and hyp.lang_prob < cfg.partial_min_lang_prob
        if rejection_reason(hyp, cfg.guards) or unsure_language:
            self._last_partial_at -= interval - cfg.partial_retry_s
            return
        if hyp.text == self._last_partial_text:
            return
        self._last_partial_text = hyp.text
        yield self._utterance(hyp, final=False, n_frames=len(self._speech))

    def _final(self, n_frames: int, keep_listening: bool = False) -> Iterator[Utterance]:
        early, self._early = self._early, None
        if early is not None and early[0] == n_frames:
            hyp, reason, busy = early[1], early[2], early[3]
        else:
            hyp, reason, busy = self._decode_final(n_frames)
        if busy:
            self.busy_ids.add(self._next_id)
        audio = np.concatenate(self._speech[:n_frames])
        utterance = self._utterance(hyp, final=True, n_frames=n_frames)
        if not keep_listening:
            self._speech, self._probs = [], []
        self._next_id += 1
        if reason:
            self.rejected.append(reason)
            log.info("dropped a %.1f s hypothesis (%s)", utterance.duration_s, reason)
            return
        log.info(
            "final utterance: %.1f s, %s, confidence %.2f, context %s, temperature %.1f",
            utterance.duration_s,
            utterance.lang,
            utterance.confidence,
            hyp.with_context,
            hyp.temperature,
        )
        self._remember(Context(audio, hyp.text, hyp.lang), utterance.end_s)
        yield utterance

    def _decode_final(self, n_frames: int) -> tuple[Hypothesis, str | None, bool]:
        """The final decode of the first `n_frames` of the utterance, why it is rejected, and
        whether the busy window was used."""
        cfg = self.config
        wall, cpu = time.perf_counter(), time.process_time()
        audio = np.concatenate(self._speech[:n_frames])
        voiced_s = sum(p >= cfg.endpoint.threshold for p in self._probs[:n_frames]) * FRAME_S
        context = self._context_for(audio, voiced_s)
        language = context.lang if context else None
        busy = self._busy and self._busy_streak < PROBE_EVERY - 1
        options = cfg.busy_decode if busy else cfg.decode
        hyp = self.engine.recognise(audio, cfg.langs, options, language, context)
        reason = rejection_reason(hyp, cfg.guards, voiced_s)
        if reason and hyp.with_context:
            # the context may have led the decoder astray: judge the utterance on its own
            hyp = self.engine.recognise(audio, cfg.langs, options)
            reason = rejection_reason(hyp, cfg.guards, voiced_s)
        took = time.perf_counter() - wall
        self.final_decode_s.append((took, time.process_time() - cpu))
        self.busy_finals += busy
        if busy:
            self._busy_streak += 1
        else:
            self._busy_streak = 0
            self._recent_costs = [*self._recent_costs[-2:], took]
            if self._busy:  # a probe: does the full window fit again?
                self._busy = took > cfg.final_budget_s
            else:  # three decodes before judging: the first one after loading is slower
                slow = float(np.median(self._recent_costs)) > cfg.final_budget_s
                self._busy = slow and len(self._recent_costs) == 3
        return hyp, reason, busy

    def _context_for(self, audio: Audio, voiced_s: float) -> Context | None:
        """The latest finals (same language, at most `context_s` long) as one Context, or None."""
        cfg = self.config
        if not self._context or voiced_s < cfg.context_min_speech_s:
            return None
        lang = self._lang if self._lang_prob >= cfg.partial_min_lang_prob else None
        if len(cfg.langs) == 1:
            lang = cfg.langs[0]
        elif lang is None:
            lang, prob = self.engine.detect_language(audio, cfg.langs)
            if prob < cfg.partial_min_lang_prob:
                return None
        chosen: list[Context] = []
        total = 0.0
        begin = self._start_sample / SAMPLE_RATE
        for previous, end_s in reversed(self._context):
            if previous.lang != lang or total + previous.duration_s > cfg.context_s:
                break
            if begin - end_s > cfg.context_max_gap_s:
                break
            chosen.insert(0, previous)
            total += previous.duration_s
        if not chosen:
            return None
        return Context(
            np.concatenate([c.audio for c in chosen]), " ".join(c.text for c in chosen), lang
        )

    def _remember(self, heard: Context, end_s: float) -> None:
        if self.config.context_s <= 0:
            return
        self._context.append((heard, end_s))
        total = 0.0
        for i in range(len(self._context) - 1, -1, -1):
            total += self._context[i][0].duration_s
            if total > self.config.context_s:
                self._context = self._context[i + 1 :]
                break

    def _utterance(self, hyp: Hypothesis, final: bool, n_frames: int) -> Utterance:
        start = self._start_sample / SAMPLE_RATE
        return Utterance(
            utterance_id=self._next_id,
            side=self.config.side_by_lang.get(hyp.lang, self.config.side),
            lang=hyp.lang,
            text=hyp.text,
            final=final,
            start_s=round(start, 3),
            end_s=round(start + n_frames * FRAME_S, 3),
            confidence=round(hyp.confidence, 3),
            lang_confidence=round(hyp.lang_prob, 3),
        )

    def _pre_roll_frames(self) -> int:
        return max(1, round(self.config.endpoint.pre_roll_s / FRAME_S))

    def _post_roll_frames(self) -> int:
        return max(1, round(self.config.endpoint.post_roll_s / FRAME_S))

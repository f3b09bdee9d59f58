"""Speech benchmark on ../shared/speech: accuracy, latency, CPU and memory, in one run.

    python -m bench.asr [--shared PATH] [--limit N] [--beam N] [--window adaptive|full]
                        [--min-silence S] [--context S] [--no-busy] [--no-clips]
                        [--no-reference]

Three passes:
1. stream (the figure the targets apply to): the Korean clips joined in manifest order with 1 s of
   silence between them, paced in real time through the kiosk's own streaming recogniser (partials
   on, languages {ko, en}, the kiosk's Korean hint), as from a microphone. Reported: CER over the
   whole stream, raw and after Korean number normalisation (asr.evaluation.normalise_korean), per
   speaker and per room (tune on one, check on the other); per clip, end of speech → final text
   latency and speech start → first partial latency (p50, p95), where speech start and end are
   found independently of the recogniser by a whole-clip VAD pass (faster-whisper's
   get_speech_timestamps), so the recogniser's own end-pointing wait is counted; peak RSS.
2. per clip: every clip of the manifest alone, offline, through the same recogniser; error rate per
   language (CER for ko/zh/ja, WER for en/ru) and language identification among {ko, clip's}.
3. reference: plain faster-whisper `transcribe` (beam 5, full 30 s window, language given) on each
   Korean clip alone: what the library does on its own.

Targets, on 2 cores: stream CER ≤ per-clip CER + 0.01 (same model, same clips); final p50 ≤ 1.0 s,
p95 ≤ 1.5 s; first partial p95 ≤ 1.0 s; RSS ≤ 800 MB. Timings depend on what else runs: the load
average is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from asr.audio import SAMPLE_RATE, ArraySource, load_audio
from asr.evaluation import (
    Clip,
    error_rate,
    load_manifest,
    metric_name,
    normalise,
    normalise_korean,
)
from asr.events import Utterance
from asr.streaming import StreamConfig
from asr.vad import EndpointConfig
from kiosk.runtime.speech import SpeechModels

GAP_S = 1.0  # silence between the joined clips
TAIL_S = 2.0  # a quiet room after the last clip, so its end is detected as live


@dataclass(frozen=True, slots=True)
class Placed:
    """A clip in the joined stream: where it is, and where its speech starts and ends."""

    clip: Clip
    offset_s: float
    speech_start_s: float
    speech_end_s: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N Korean clips")
    parser.add_argument("--beam", type=int, help="final decode's beam size")
    parser.add_argument("--window", choices=["adaptive", "full"], help="final decode's window")
    parser.add_argument("--min-silence", type=float, help="silence that ends an utterance (s)")
    parser.add_argument("--context", type=float, help="acoustic context for finals (s, 0 = off)")
    parser.add_argument(
        "--no-busy", action="store_true", help="never fall back to the busy (20 s) window"
    )
    parser.add_argument("--no-clips", action="store_true", help="skip the per-clip pass")
    parser.add_argument("--no-reference", action="store_true", help="skip plain faster-whisper")
    args = parser.parse_args()

    config = _config(args)
    clips = load_manifest(args.shared / "speech")
    korean = [c for c in clips if c.lang == "ko"]
    if args.limit:
        korean = korean[: args.limit]
    t0 = time.perf_counter()
    models = SpeechModels()
    print(
        f"model load: {time.perf_counter() - t0:.2f} s; final decode: beam "
        f"{config.decode.beam_size}, window {config.decode.window}; end after "
        f"{config.endpoint.min_silence_s} s of silence; context {config.context_s} s; "
        f"early final {config.early_final}; Korean clips: {len(korean)}"
    )
    streamed = _stream_pass(models, korean, config)
    if not args.no_clips:
        alone = _clip_pass(models, clips if not args.limit else korean, config)
        _compare(korean, alone, streamed)
    if not args.no_reference:
        _reference_pass(models, korean)
    return 0


def _config(args: argparse.Namespace) -> StreamConfig:
    config = StreamConfig()
    decode = config.decode
    if args.beam is not None:
        decode = replace(decode, beam_size=args.beam)
    if args.window is not None:
        decode = replace(decode, window=args.window)
    endpoint: EndpointConfig = config.endpoint
    if args.min_silence is not None:
        endpoint = replace(endpoint, min_silence_s=args.min_silence)
    config = replace(config, decode=decode, endpoint=endpoint)
    if args.context is not None:
        config = replace(config, context_s=args.context)
    if args.no_busy:
        config = replace(config, final_budget_s=float("inf"))
    return config


# -- 1. the stream ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heard:
    """What one pass made of one clip: its text, and the finals that make it up."""

    text: str
    finals: tuple[Utterance, ...]
    busy: bool = False  # a final used the busy (20 s) window
    spans_clips: bool = False  # a final also holds another clip's speech


def _stream_pass(models: SpeechModels, clips: list[Clip], config: StreamConfig) -> dict[str, Heard]:
    stream, placed = _join(clips)
    print(
        f"\n== stream pass: {len(clips)} Korean clips, {len(stream) / SAMPLE_RATE:.0f} s, "
        f"paced in real time; load average before: {_load()}"
    )
    recogniser = models.recogniser(("ko", "en"), replace(config, partials=True))
    source = ArraySource(stream, realtime=True)
    events: list[tuple[float, Utterance]] = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for u in recogniser.run(source):
        events.append((source.elapsed_s(), u))
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finals = [u for _, u in events if u.final]

    by_clip = _finals_by_clip(finals, placed)
    texts = [" ".join(u.text for u in mine) for mine in by_clip]
    print(f"{'clip':22} {'speaker':10} {'room':16} {'CER':>6} {'first':>6} {'final':>6}  text")
    first_lat: list[float] = []
    final_lat: list[float] = []
    for p, text in zip(placed, texts, strict=True):
        first = _first_partial(events, p)
        final = _final_latency(events, p)
        if first is not None:
            first_lat.append(first)
        if final is not None:
            final_lat.append(final)
        rate = error_rate(p.clip.transcript, text, "ko")
        shown = text if len(text) < 40 else text[:37] + "..."
        print(
            f"{p.clip.id:22} {p.clip.speaker:10} {_room(p.clip):16} {rate * 100:5.1f}% "
            f"{_fmt(first)} {_fmt(final)}  {shown}"
        )

    reference = " ".join(c.transcript for c in clips)
    hypothesis = " ".join(u.text for u in finals)
    raw = error_rate(reference, hypothesis, "ko")
    norm = error_rate(normalise_korean(reference), normalise_korean(hypothesis), "ko")
    print(f"\nstream CER: raw {raw:.3f}; after number normalisation {norm:.3f}")
    for label, key in (("speaker", lambda c: c.speaker), ("room", _room)):
        groups: dict[str, tuple[list[str], list[str]]] = {}
        for p, text in zip(placed, texts, strict=True):
            refs, hyps = groups.setdefault(key(p.clip), ([], []))
            refs.append(p.clip.transcript)
            hyps.append(text)
        split = "  ".join(
            f"{name} {error_rate(' '.join(r), ' '.join(h), 'ko'):.3f} (n={len(r)})"
            for name, (r, h) in sorted(groups.items())
        )
        print(f"  by {label}: {split}")
    print(
        f"finals: {len(finals)} for {len(clips)} clips; rejected: {recogniser.rejected or 'none'}"
        f"; partials skipped to keep up: {recogniser.skipped_partials}"
    )
    print("\nlatency (s)                        p50    p95    max    n")
    for label, values in (
        ("speech start → first partial", first_lat),
        ("end of speech → final text", final_lat),
    ):
        if values:
            p50, p95 = np.percentile(values, 50), np.percentile(values, 95)
            print(f"  {label:32} {p50:5.2f}  {p95:5.2f}  {max(values):5.2f}  {len(values):3}")
    print("  targets: first partial p95 ≤ 1.0; final p50 ≤ 1.0, p95 ≤ 1.5")
    costs = np.asarray(recogniser.final_decode_s)
    if len(costs):
        print(
            f"final decodes: {len(costs)} (early ones included); wall p50 "
            f"{np.percentile(costs[:, 0], 50):.2f} s, p95 {np.percentile(costs[:, 0], 95):.2f} s; "
            f"CPU (both threads) p50 {np.percentile(costs[:, 1], 50):.2f} s; with the busy "
            f"(20 s) window: {recogniser.busy_finals}"
        )
    print(f"CPU while streaming: {cpu * 100:.0f}% of one core (2 cores = 200%)")
    print(f"peak RSS: {rss_mb:.0f} MB (target ≤ 800); load average after: {_load()}")
    return {
        p.clip.id: Heard(
            text,
            tuple(mine),
            busy=any(u.utterance_id in recogniser.busy_ids for u in mine),
            spans_clips=any(_spans_two(u, placed) for u in mine),
        )
        for p, text, mine in zip(placed, texts, by_clip, strict=True)
    }


def _join(clips: list[Clip]) -> tuple[npt.NDArray[np.float32], list[Placed]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    pieces: list[npt.NDArray[np.float32]] = []
    placed: list[Placed] = []
    offset = 0.0
    for i, clip in enumerate(clips):
        audio = load_audio(clip.path)
        spans = get_speech_timestamps(
            audio, VadOptions(min_silence_duration_ms=500, speech_pad_ms=0)
        )
        start = spans[0]["start"] / SAMPLE_RATE if spans else 0.0
        end = spans[-1]["end"] / SAMPLE_RATE if spans else len(audio) / SAMPLE_RATE
        placed.append(Placed(clip, offset, offset + start, offset + end))
        pieces.append(audio)
        offset += len(audio) / SAMPLE_RATE
        if i < len(clips) - 1:
            pieces.append(gap)
            offset += GAP_S
    pieces.append(np.zeros(int(TAIL_S * SAMPLE_RATE), dtype=np.float32))
    return np.concatenate(pieces), placed


def _finals_by_clip(finals: list[Utterance], placed: list[Placed]) -> list[list[Utterance]]:
    """Each final goes to the clip its middle falls in (or the nearest one)."""
    texts: list[list[Utterance]] = [[] for _ in placed]
    for u in finals:
        middle = (u.start_s + u.end_s) / 2
        nearest = min(
            range(len(placed)),
            key=lambda i: max(
                placed[i].speech_start_s - middle, middle - placed[i].speech_end_s, 0.0
            ),
        )
        texts[nearest].append(u)
    return texts


def _spans_two(u: Utterance, placed: list[Placed]) -> bool:
    """The final holds speech of more than one clip (end-pointing joined them)."""
    inside = [
        p for p in placed if u.start_s < p.speech_end_s - 0.2 and u.end_s > p.speech_start_s + 0.2
    ]
    return len(inside) > 1


def _first_partial(events: list[tuple[float, Utterance]], p: Placed) -> float | None:
    """Speech start → the first result (partial or final) about this clip's speech."""
    for emitted, u in events:
        if u.end_s > p.speech_start_s and u.start_s < p.speech_end_s:
            return emitted - p.speech_start_s
    return None


def _final_latency(events: list[tuple[float, Utterance]], p: Placed) -> float | None:
    """End of speech → the final that holds the clip's last words."""
    for emitted, u in events:
        if u.final and u.start_s < p.speech_end_s <= u.end_s + 0.3:
            return emitted - p.speech_end_s
    return None


def _room(clip: Clip) -> str:
    # shared/speech's source column: repository:dataset/<Room>/<file>
    parts = clip.source.split(":")[-1].split("/")
    return parts[-2] if len(parts) >= 2 else "?"


# -- 2. clip by clip ---------------------------------------------------------------------------


def _clip_pass(models: SpeechModels, clips: list[Clip], config: StreamConfig) -> dict[str, Heard]:
    print("\n== per-clip pass (each clip alone, offline, the same recogniser)")
    heard: dict[str, Heard] = {}
    rates: dict[str, list[float]] = {}
    lid_ok = 0
    audio_s = wall_s = 0.0
    for clip in clips:
        langs = ("ko", clip.lang) if clip.lang != "ko" else ("ko", "en")
        recogniser = models.recogniser(langs, replace(config, partials=False))
        audio = load_audio(clip.path)
        w0 = time.perf_counter()
        finals = recogniser.accept_all(audio)
        wall_s += time.perf_counter() - w0
        audio_s += len(audio) / SAMPLE_RATE
        text = " ".join(u.text for u in finals)
        heard[clip.id] = Heard(
            text, tuple(finals), busy=any(u.utterance_id in recogniser.busy_ids for u in finals)
        )
        ok = {u.lang for u in finals} == {clip.lang}
        lid_ok += ok
        rates.setdefault(clip.lang, []).append(error_rate(clip.transcript, text, clip.lang))
    for lang, values in sorted(rates.items()):
        mean = statistics.mean(values)
        print(f"  {lang}: mean {metric_name(lang)} {mean:.3f}  (n={len(values)})")
    print(f"language identification correct: {lid_ok}/{len(clips)}")
    print(f"real-time factor (offline, wall): {wall_s / audio_s:.3f}; load average {_load()}")
    return heard


# -- 1 and 2 side by side ------------------------------------------------------------------------

CAUSES = ("end-pointing", "busy window", "language", "decode")


def _cause(clip: Clip, alone: Heard, streamed: Heard) -> str:
    """Why the stream heard this clip differently from the clip decoded alone (first that holds)."""
    if streamed.spans_clips or len(streamed.finals) != len(alone.finals):
        return "end-pointing"  # cut inside the clip, or joined with its neighbour
    if streamed.busy and not alone.busy:
        return "busy window"
    if {u.lang for u in streamed.finals} != {u.lang for u in alone.finals}:
        return "language"
    return "decode"  # the same segments, decoded differently (boundaries, pre-roll, CPU)


def _compare(clips: list[Clip], alone: dict[str, Heard], streamed: dict[str, Heard]) -> None:
    """Per clip: CER alone, CER in the stream, the difference, and the cause of a difference;
    then pooled by room and speaker, and the stream's lost points by cause."""
    print("\n== per clip vs stream (same model, same clips; CER)")
    print(f"{'clip':22} {'speaker':10} {'room':16} {'alone':>6} {'stream':>6} {'diff':>6}  cause")
    units = {c.id: len(normalise(c.transcript).replace(" ", "")) for c in clips}
    total = sum(units.values())
    lost: dict[str, float] = dict.fromkeys(CAUSES, 0.0)
    gained = 0.0
    rows: list[tuple[Clip, float, float]] = []
    for clip in clips:
        a = error_rate(clip.transcript, alone[clip.id].text, "ko")
        b = error_rate(clip.transcript, streamed[clip.id].text, "ko")
        rows.append((clip, a, b))
        same = alone[clip.id].text == streamed[clip.id].text
        cause = "" if same else _cause(clip, alone[clip.id], streamed[clip.id])
        if b > a:
            lost[cause] += (b - a) * units[clip.id] / total
        elif b < a:
            gained += (a - b) * units[clip.id] / total
        print(
            f"{clip.id:22} {clip.speaker:10} {_room(clip):16} {a * 100:5.1f}% {b * 100:5.1f}% "
            f"{(b - a) * 100:+5.1f}   {cause}"
        )
    for label, key in (("all", lambda c: "all"), ("speaker", lambda c: c.speaker), ("room", _room)):
        groups: dict[str, list[Clip]] = {}
        for clip in clips:
            groups.setdefault(key(clip), []).append(clip)
        parts = []
        for name, members in sorted(groups.items()):
            refs = " ".join(c.transcript for c in members)
            a = error_rate(refs, " ".join(alone[c.id].text for c in members), "ko")
            b = error_rate(refs, " ".join(streamed[c.id].text for c in members), "ko")
            parts.append(f"{name} {a:.3f} → {b:.3f} ({b - a:+.3f}, n={len(members)})")
        print(f"  pooled CER alone → stream, by {label}: " + "  ".join(parts))
    print(
        "  stream CER points lost, by cause (per-clip approximation): "
        + ", ".join(f"{cause} {value:.3f}" for cause, value in lost.items())
        + f"; won back elsewhere {gained:.3f}"
    )


# -- 3. plain faster-whisper -------------------------------------------------------------------


def _reference_pass(models: SpeechModels, clips: list[Clip]) -> None:
    print("\n== reference: plain faster-whisper transcribe (beam 5, 30 s window), clip by clip")
    model = models.whisper.model
    rates = []
    for clip in clips:
        segments, _ = model.transcribe(
            load_audio(clip.path), language="ko", beam_size=5, vad_filter=False
        )
        text = " ".join(s.text.strip() for s in segments)
        rates.append(error_rate(clip.transcript, text, "ko"))
    print(f"  ko: mean CER {statistics.mean(rates):.3f}  (n={len(rates)})")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _fmt(value: float | None) -> str:
    return f"{value:6.2f}" if value is not None else "  none"


if __name__ == "__main__":
    sys.exit(main())

"""Speech benchmark on ../shared/speech: accuracy, speed, latency, CPU and memory.

    python -m bench.asr [--shared PATH] [--window adaptive|full] [--no-realtime] [--limit N]

Two passes over every clip:
1. offline (as fast as possible): error rate per clip (CER for ko/zh/ja, WER for en/ru), language
   identification restricted to {ko, clip language}, real-time factor;
2. live (each file paced in real time, as from a microphone): first-partial latency after speech
   starts, and final-text latency after the speaker stops. Speech start and end are measured
   independently of the recognizer, by a whole-file VAD pass (faster-whisper's
   get_speech_timestamps), so the recognizer's own endpointing delay is counted.
Targets (issue 2): final ≤ 1.5 s p50 for utterances under 8 s; first partial ≤ 1.0 s; RSS ≤ 800 MB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, FileSource, load_audio
from asr.evaluation import Clip, error_rate, load_manifest, metric_name
from asr.streaming import StreamConfig
from asr.whisper import DecodeOptions
from kiosk.speech import SpeechModels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--window", choices=["adaptive", "full"], default="adaptive")
    parser.add_argument("--beam", type=int, default=DecodeOptions().beam_size)
    parser.add_argument("--no-realtime", action="store_true", help="skip the paced (live) pass")
    parser.add_argument("--limit", type=int, default=0, help="only the first N clips")
    args = parser.parse_args()

    clips = load_manifest(args.shared / "speech")
    if args.limit:
        clips = clips[: args.limit]
    t0 = time.perf_counter()
    models = SpeechModels()
    load_s = time.perf_counter() - t0
    decode = DecodeOptions(window=args.window, beam_size=args.beam)
    print(
        f"model load: {load_s:.2f} s; encoder window: {args.window}; beam: {args.beam}; "
        f"clips: {len(clips)}"
    )

    print("\n== offline pass (accuracy, real-time factor)")
    print(f"{'clip':36} {'lang':4} {'LID':4} {'metric':>10}  hypothesis")
    rates: dict[str, list[float]] = {}
    lid_ok = 0
    audio_s = cpu_s = 0.0
    for clip in clips:
        recognizer = models.recognizer(
            ("ko", clip.lang) if clip.lang != "ko" else ("ko", "en"),
            StreamConfig(partials=False, decode=decode),
            hint=False,
        )
        audio = load_audio(clip.path)
        w0 = time.perf_counter()
        finals = recognizer.accept_all(audio)
        cpu_s += time.perf_counter() - w0
        audio_s += len(audio) / SAMPLE_RATE
        text = " ".join(u.text for u in finals)
        langs = {u.lang for u in finals}
        ok = langs == {clip.lang}
        lid_ok += ok
        rate = error_rate(clip.transcript, text, clip.lang)
        rates.setdefault(clip.lang, []).append(rate)
        shown = text if len(text) < 60 else text[:57] + "..."
        print(
            f"{clip.id:36} {clip.lang:4} {'ok' if ok else 'NO':4} "
            f"{metric_name(clip.lang)} {rate * 100:5.1f}%  {shown}"
        )
    print("\nper language (mean over clips):")
    for lang, values in sorted(rates.items()):
        mean = statistics.mean(values) * 100
        print(f"  {lang}: {metric_name(lang)} {mean:5.1f}%  (n={len(values)})")
    print(f"language identification correct: {lid_ok}/{len(clips)}")
    print(f"real-time factor (offline): {cpu_s / audio_s:.3f}  ({audio_s:.0f} s of audio)")

    if not args.no_realtime:
        _live_pass(models, clips, decode)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS: {peak_mb:.0f} MB (target ≤ 800)")
    return 0


def _live_pass(models: SpeechModels, clips: list[Clip], decode: DecodeOptions) -> None:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    print("\n== live pass (files paced in real time)")
    final_lat: list[float] = []
    final_lat_short: list[float] = []
    first_partial: list[float] = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for clip in clips:
        audio = load_audio(clip.path)
        spans = get_speech_timestamps(
            audio, VadOptions(min_silence_duration_ms=500, speech_pad_ms=0)
        )
        if not spans:
            continue
        speech_start = spans[0]["start"] / SAMPLE_RATE
        speech_end = spans[-1]["end"] / SAMPLE_RATE
        recognizer = models.recognizer(
            ("ko", clip.lang) if clip.lang != "ko" else ("ko", "en"),
            replace(StreamConfig(decode=decode), partials=True),
            hint=False,
        )
        source = FileSource(clip.path, realtime=True, trailing_silence_s=2.0)  # a quiet room
        started = time.perf_counter()
        first: float | None = None
        last_final: float | None = None
        for u in recognizer.run(source):
            now = time.perf_counter() - started
            if not u.final and first is None:
                first = now - speech_start
            if u.final:
                last_final = now - speech_end
        if first is not None:
            first_partial.append(first)
        if last_final is not None:
            final_lat.append(last_final)
            if speech_end - speech_start < 8.0:
                final_lat_short.append(last_final)
        print(
            f"  {clip.id:36} first partial {_fmt(first)}  final after speech end {_fmt(last_final)}"
        )
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    print("\nlatency (s)            p50    p95    n")
    for label, values in (
        ("first partial", first_partial),
        ("final, all", final_lat),
        ("final, < 8 s speech", final_lat_short),
    ):
        if values:
            p50, p95 = np.percentile(values, 50), np.percentile(values, 95)
            print(f"  {label:20} {p50:5.2f}  {p95:5.2f}  {len(values):3}")
    print(f"CPU while live: {cpu * 100:.0f}% of one core (2 cores = 200%)")


def _fmt(value: float | None) -> str:
    return f"{value:5.2f} s" if value is not None else "  none "


if __name__ == "__main__":
    sys.exit(main())

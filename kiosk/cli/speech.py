"""`changgu transcribe FILE`, `changgu listen`, `changgu devices`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable

from asr.audio import FileSource, MicrophoneSource, list_input_devices
from asr.events import Status, Utterance
from asr.streaming import StreamConfig
from kiosk.core.languages import parse_langs
from kiosk.errors import ChangguError
from kiosk.runtime.speech import SpeechModels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("transcribe", help="print what is said in an audio file")
    p.add_argument("file", help="audio or video file (WAV, MP3, FLAC, OGG, M4A, ...)")
    p.add_argument("--langs", default="ko,en", help="languages that may be spoken (default ko,en)")
    p.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per line; 'emitted' is when it was ready (s since the start)",
    )
    p.add_argument("--realtime", action="store_true", help="pace the file like a live microphone")
    p.add_argument(
        "--partials", action="store_true", help='also print partial results ("final": false)'
    )
    p.add_argument("--model", help="speech model name (default: the installed default)")
    p.set_defaults(func=_transcribe)

    p = sub.add_parser("listen", help="live captions from the microphone (Ctrl+C stops)")
    p.add_argument("--device", help="microphone number or part of its name (see `changgu devices`)")
    p.add_argument("--langs", default="ko,en", help="languages that may be spoken (default ko,en)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--model", help="speech model name")
    p.set_defaults(func=_listen)

    p = sub.add_parser("devices", help="list audio inputs")
    p.set_defaults(func=_devices)


def _transcribe(args: argparse.Namespace) -> int:
    langs = parse_langs(args.langs)
    source = FileSource(args.file, realtime=args.realtime)  # checks the file before loading models
    models = SpeechModels(asr_model=args.model)
    recogniser = models.recogniser(langs, StreamConfig(partials=args.partials or args.realtime))
    count = _print_utterances(
        recogniser.run(source), args.json, show_partials=args.partials, elapsed=source.elapsed_s
    )
    if count == 0 and not args.json:
        print("(no speech found)", file=sys.stderr)
    return 0


def _listen(args: argparse.Namespace) -> int:
    langs = parse_langs(args.langs)

    def on_status(status: Status) -> None:
        print(f"[{status.component}: {status.message}]", file=sys.stderr, flush=True)

    source = MicrophoneSource(args.device, on_status=on_status)
    models = SpeechModels(asr_model=args.model)
    recogniser = models.recogniser(langs)
    print(
        f"Listening on '{source.device.name}' for {', '.join(langs)}. Ctrl+C stops.",
        file=sys.stderr,
    )
    started = time.monotonic()
    try:
        _print_utterances(
            recogniser.run(source),
            args.json,
            show_partials=True,
            live=True,
            elapsed=lambda: time.monotonic() - started,
        )
    except KeyboardInterrupt:
        pass
    finally:
        source.close()
    return 0


def _devices(args: argparse.Namespace) -> int:
    devices = list_input_devices()
    if not devices:
        raise ChangguError(
            "no audio input found. Plug in a microphone; on Linux check that PulseAudio or "
            "PipeWire is running."
        )
    for d in devices:
        mark = "*" if d.is_default else " "
        print(
            f"{mark} {d.index:3}  {d.name}  "
            f"({d.channels} ch, {d.default_rate:.0f} Hz, {d.host_api})"
        )
    print("\n* = default input. Use `changgu listen --device NUMBER`.")
    return 0


def _print_utterances(
    utterances: Iterable[Utterance],
    as_json: bool,
    show_partials: bool,
    live: bool = False,
    elapsed: Callable[[], float] = lambda: 0.0,
) -> int:
    """Print each result as it comes; `elapsed` tells the stream's time when it is printed."""
    finals = 0
    tty = live and sys.stdout.isatty()
    clear_line = "\r\033[K" if tty else ""
    for u in utterances:
        if not u.final and not show_partials:
            continue
        if as_json:
            print(json.dumps(_as_dict(u, elapsed()), ensure_ascii=False), flush=True)
        elif tty and not u.final:
            print(f"\r\033[K  … [{u.lang}] {u.text}", end="", flush=True)
        else:
            stamp = f"[{_clock(u.start_s)} → {_clock(u.end_s)}] {u.lang}"
            prefix = "" if u.final else "… "
            print(f"{clear_line}{stamp}  {prefix}{u.text}", flush=True)
        finals += u.final
    return finals


def _as_dict(u: Utterance, emitted_s: float) -> dict[str, object]:
    return {
        "id": u.utterance_id,
        "final": u.final,
        "lang": u.lang,
        "start": u.start_s,
        "end": u.end_s,
        "text": u.text,
        "confidence": u.confidence,
        "side": u.side.value,
        "emitted": round(emitted_s, 3),
    }


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes):02d}:{secs:05.2f}"

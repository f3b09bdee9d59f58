"""`changgu demo`: a scripted visit from the bundled demo media, through the real models.

Each visitor recording is played in real time, as if from the counter microphone, and its live
captions (partial, then final) are printed with the recognised language.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from importlib import resources
from pathlib import Path

from asr.audio import FileSource
from asr.streaming import StreamConfig
from kiosk.speech import SpeechModels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="play a scripted counter visit from the bundled demo media")
    p.add_argument("--fast", action="store_true", help="do not pace the recordings in real time")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    folder = Path(str(resources.files("assets").joinpath("demo")))
    script = tomllib.loads((folder / "script.toml").read_text("utf-8"))
    print("Changgu demo: loading the speech model…", flush=True)
    models = SpeechModels()
    live = sys.stdout.isatty()
    for turn in script["turn"]:
        langs = tuple(turn["langs"])
        print(f"\n[{turn['side']}] speaking ({' or '.join(langs)} expected): {turn['audio']}")
        recognizer = models.recognizer(langs, StreamConfig(partials=not args.fast))
        source = FileSource(folder / turn["audio"], realtime=not args.fast)
        for u in recognizer.run(source):
            if not u.final:
                if live:
                    print(f"\r\033[K  … {u.text}", end="", flush=True)
                continue
            clear = "\r\033[K" if live else ""
            print(f"{clear}  {u.lang}: {u.text}", flush=True)
    return 0

"""`changgu demo` and `changgu run`."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.setup.settings import Layout, Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="a scripted counter visit from the bundled media, in the kiosk")
    p.add_argument("--screenshots", type=Path, help="save screenshots of both screens here")
    p.add_argument("--offscreen", action="store_true", help="no windows (default with no display)")
    p.add_argument("--exit", action="store_true", help="close the windows when the visit ends")
    p.add_argument("--fast", action="store_true", help="do not pace recordings in real time")
    p.add_argument("--layout", choices=[x.value for x in Layout], default=Layout.TWO_WINDOWS.value)
    p.add_argument(
        "--script", type=Path, help="play this scenario script (TOML, see kiosk/demo/script.py)"
    )
    p.add_argument(
        "--json", action="store_true", help="one JSON object per finished turn on stdout"
    )
    p.set_defaults(func=_demo)

    p = sub.add_parser("run", help="the kiosk on the real microphone (full screen)")
    p.add_argument("--windowed", action="store_true", help="normal windows, not full screen")
    p.add_argument("--layout", choices=[x.value for x in Layout], help="override the setting")
    p.set_defaults(func=_run)


def _demo(args: argparse.Namespace) -> int:
    from kiosk.demo.player import run_demo
    from kiosk.demo.script import load_script
    from kiosk.runtime.app import has_display

    script = load_script(args.script) if args.script else None  # checked before anything starts
    screenshots = args.screenshots
    if screenshots is None and (args.offscreen or not has_display()):
        screenshots = Path("changgu-demo-screenshots")
    code = run_demo(
        screenshots,
        offscreen=True if args.offscreen else None,
        exit_when_done=True if args.exit else None,
        realtime=not args.fast,
        layout=Layout(args.layout),
        script=script,
        as_json=args.json,
    )
    return code


def _run(args: argparse.Namespace) -> int:
    from kiosk.runtime.app import run_kiosk

    settings = Settings.load()
    if args.layout:
        settings.layout = Layout(args.layout)
    return run_kiosk(settings, kiosk_mode=not args.windowed)

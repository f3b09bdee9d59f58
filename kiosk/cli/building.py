"""`changgu building set|check|clear`: the building server this counter uses (as in Settings)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.errors import ChangguError
from kiosk.setup.building import building_config, save_token, token_path
from kiosk.setup.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("building", help="the building server this counter uses (set, check, clear)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("set", help="use a building server for finals and translation")
    s.add_argument("--url", required=True, help="its address, e.g. https://changgu.city.local:8400")
    s.add_argument("--token-file", type=Path, help="file holding its token ('-': standard input)")
    s.add_argument("--ca", type=Path, help="the city's CA bundle (PEM), if its certificate is own")
    s.add_argument(
        "--model",
        default="",
        help="the speech model name the server wants (speaches, vLLM); changgu serve needs none",
    )
    s.set_defaults(func=_set)
    c = actions.add_parser("check", help="does the configured server answer, and take the token?")
    c.set_defaults(func=_check)
    x = actions.add_parser("clear", help="work on this counter alone again")
    x.set_defaults(func=_clear)


def _set(args: argparse.Namespace) -> int:
    settings = Settings.load()
    for key in ("building_url", "building_token"):
        reason = settings.locked(key)
        if reason:
            raise ChangguError(f"the building server is locked by the city's policy ({reason})")
    settings.building_url = args.url.strip()
    settings.building_ca = str(args.ca.resolve()) if args.ca else ""
    settings.building_model = args.model.strip()
    problems = settings.check()
    if problems:
        raise ChangguError("; ".join(problems))
    if args.token_file is not None:
        text = sys.stdin.read() if str(args.token_file) == "-" else _read(args.token_file)
        try:
            save_token(text)
        except ValueError as exc:
            raise ChangguError(str(exc)) from exc
    settings.save()
    print(f"building server: {settings.building_url} (token in {token_path()})")
    return _check(args)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChangguError(f"cannot read the token file {path} ({exc})") from exc


def _check(args: argparse.Namespace) -> int:
    from building.client import BuildingClient, BuildingUnavailable

    config, problems = building_config(Settings.load())
    for problem in problems:
        print(f"problem: {problem}")
    if config is None:
        print("no building server set: this counter works alone")
        return 1 if problems else 0
    client = BuildingClient(config)
    try:
        if not client.healthy():
            print(f"{config.url} does not answer: this counter will do the work itself")
            return 1
        try:
            pairs = client.languages()
        except BuildingUnavailable:
            print(f"{config.url} answers, but translation: {client.last_error or 'unavailable'}")
            return 1 if client.last_error == "HTTP 401" else 0
        sources = ", ".join(sorted(pairs)) or "none (speech only)"
        print(f"{config.url} answers and takes the token; it translates from: {sources}")
        return 0
    finally:
        client.close()


def _clear(args: argparse.Namespace) -> int:
    settings = Settings.load()
    reason = settings.locked("building_url")
    if reason:
        raise ChangguError(f"the building server is locked by the city's policy ({reason})")
    settings.building_url = ""
    settings.building_ca = ""
    settings.building_model = ""
    settings.save()
    token_path().unlink(missing_ok=True)
    print("no building server: this counter works alone")
    return 0

"""`changgu policy show|pin-hash`: the city's system policy (/etc/changgu/policy.toml)."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.errors import ChangguError
from kiosk.setup.policy import default_path, hash_pin, load_policy


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("policy", help="the city's system policy (show it, make a PIN hash)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("show", help="what the policy sets and locks, or why it is refused")
    s.set_defaults(func=_show)
    h = actions.add_parser("pin-hash", help="the pin_hash line for a PIN (asked, or on stdin)")
    h.set_defaults(func=_pin_hash)


def _show(args: argparse.Namespace) -> int:
    policy = load_policy()
    if policy.problems:
        for problem in policy.problems:
            print(problem)
        return 1
    if policy.source is None:
        print(f"no system policy ({default_path()} does not exist): staff settings apply")
        return 0
    print(f"system policy {policy.source}")
    for key, value in policy.values.items():
        shown = ", ".join(value) if isinstance(value, tuple) else value
        print(f"  {key} = {shown}{'  (locked)' if key in policy.locked else ''}")
    if policy.token_file is not None:
        print(f"  building_token_file = {policy.token_file}")
    if policy.pin_hash:
        print(f"  pin_hash set{'  (locked)' if 'pin' in policy.locked else ''}")
    if policy.reason:
        print(f"  reason: {policy.reason}")
    return 0


def _pin_hash(args: argparse.Namespace) -> int:
    pin = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("PIN: ")
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ChangguError("the PIN must be 4 to 8 digits")
    print(f'pin_hash = "{hash_pin(pin)}"')
    return 0

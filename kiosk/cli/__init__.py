"""The `changgu` command line.

Sub-commands live in this package's modules (`kiosk.cli.models`, `kiosk.cli.sign`, …), one per
topic; each defines ``register(subparsers)``, which adds its parsers and sets ``func`` on them
(``func(args)`` returns the exit code). Every error an engine raises for a
person to act on is printed as one line and turns into a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence

from kiosk.errors import ChangguError
from kiosk.setup.logs import setup_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="changgu",
        description="Changgu (창구): offline counter interpreter for civil-service counters.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more detail in the log")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="load every model, render every language's font, list devices; print pass/fail",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(verbose=args.verbose)
    if args.self_test:
        from kiosk.setup.selftest import run_self_test

        return run_self_test()
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`changgu models list | head`): not a failure
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the one place a failure becomes a message for a person
        if _is_user_error(exc):
            print(f"changgu: {exc}", file=sys.stderr)
            return 2
        logging.getLogger("changgu").exception("unexpected failure")
        print(
            f"changgu: unexpected failure ({type(exc).__name__}: {exc}). "
            "Run `changgu doctor` and include the log file when reporting it.",
            file=sys.stderr,
        )
        return 1


def _is_user_error(exc: BaseException) -> bool:
    """Errors the engines raise for people to act on: each package's base error class."""
    from asr.errors import AsrError

    user_errors: list[type[BaseException]] = [ChangguError, AsrError]
    for module, name in (("translate.errors", "TranslateError"), ("sign.errors", "SignError")):
        with contextlib.suppress(ImportError, AttributeError):
            user_errors.append(getattr(importlib.import_module(module), name))
    return isinstance(exc, tuple(user_errors))


if __name__ == "__main__":
    sys.exit(main())

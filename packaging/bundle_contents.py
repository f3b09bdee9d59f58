"""Which parts of Changgu's own source tree go into the packaged build.

Whole packages, found by walking the folders (nothing is imported): every module, so code added
later and modules imported lazily or discovered at run time (`kiosk.cli.*` via pkgutil) are
bundled without being listed anywhere, and every data file beside them (TOML, styles, icons,
fonts, sounds...). Left out: tests, caches, hidden files, editor and merge leftovers, and the
README files of the code packages (developer documentation; the READMEs and licences in `assets/`
travel with the media they describe).

Used by `packaging/changgu.spec` (what to bundle) and `packaging/check_bundle.py` (whether a built
bundle holds all of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

# Changgu's packages, in the order the spec collects them.
OURS: tuple[str, ...] = ("kiosk", "asr", "translate", "sign", "assets", "building")
# The building server runs from a Python install with Ray (`pip install .[server]`), never from the
# kiosk's installer: its modules stay out of the bundle (the kiosk's client modules go in).
SERVER_ONLY: frozenset[str] = frozenset({"building.server", "building.metrics"})

_SKIP_DIRS = {"tests", "test", "testdata", "test_data", "__pycache__", "node_modules"}
_CODE_SUFFIXES = {".py", ".pyc", ".pyo", ".pyi", ".pyx", ".pxd", ".c", ".h", ".cpp"}
_JUNK_SUFFIXES = {".orig", ".rej", ".swp", ".swo", ".bak", ".tmp", ".log"}
_TEST_MODULE = re.compile(r"^(test_.*|.*_test|conftest)$")


def _files(repo: Path, package: str) -> Iterator[tuple[Path, Path]]:
    """(file, path relative to the repository) of every file of `package` worth looking at."""
    root = repo / package
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(repo)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if not path.is_file() or path.name.endswith("~"):
            continue
        if path.suffix.lower() in _JUNK_SUFFIXES:
            continue
        yield path, rel


def our_modules(repo: Path) -> list[str]:
    """Dotted names of every module of our packages (tests excluded)."""
    names: list[str] = []
    for package in OURS:
        if not (repo / package / "__init__.py").is_file():
            continue
        for path, rel in _files(repo, package):
            if path.suffix != ".py":
                continue
            parts = rel.with_suffix("").parts
            if not all(part.isidentifier() for part in parts) or _TEST_MODULE.match(parts[-1]):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if ".".join(parts) in SERVER_ONLY:
                continue
            names.append(".".join(parts))
    return names


def our_data_files(repo: Path) -> list[tuple[Path, str]]:
    """(source file, destination folder inside the bundle) of every data file of our packages."""
    found: list[tuple[Path, str]] = []
    for package in OURS:
        for path, rel in _files(repo, package):
            if path.suffix.lower() in _CODE_SUFFIXES:
                continue
            if package != "assets" and path.name.upper().startswith("README"):
                continue
            found.append((path, rel.parent.as_posix()))
    return found

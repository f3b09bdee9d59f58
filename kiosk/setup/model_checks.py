"""Whether an installed model's files are the ones installed: receipts, hashes and stamps.

Each installed model has a receipt (the size and sha256 of every file); a receipt that cannot be
read whole means "reinstall". Loading trusts a file only while it is the very file last hashed:
its size, modification and change times, inode and device are recorded after each full hash (a
stamp). Any change — even bytes rewritten with the modification time put back, which the change
time still shows — makes the next check hash the file again (about 0.3 s for Whisper base).
Every file is opened as a regular file only (`regular_files`): a pipe put in place of a model, a
receipt or a stamp makes the model damaged, never a kiosk that waits forever.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kiosk.setup import paths
from kiosk.setup.model_manifest import ModelError, ModelSpec
from kiosk.setup.regular_files import NotRegularFileError, open_regular

log = logging.getLogger(__name__)

RECEIPT = ".changgu-receipt.json"
STAMP = ".changgu-checked.json"  # what each file looked like when last hashed
#: Receipts and stamps list a few files; anything larger is not one.
MAX_RECORD_BYTES = 1 << 20


def sha256_file(path: Path) -> str:
    with open_regular(path) as fh:
        return _sha256(fh)


def find_problems(spec: ModelSpec, folder: Path, deep: bool) -> list[str]:
    """What is wrong with the model installed in `folder` (empty when intact). Files whose stamp
    still matches are trusted unless `deep`; the others are hashed, and stamped when intact."""
    receipt = _read_receipt(folder)
    if receipt is None:
        return [f"its install receipt {RECEIPT} is damaged"]
    stamp = {} if deep else _read_stamp(folder)
    problems = []
    checked: dict[str, list[int]] = {}
    rehashed = False
    for fname, expected in spec.files.items():
        entry = receipt.get(fname)
        if entry is None:
            problems.append(f"{fname} is missing")
            continue
        try:
            fh = open_regular(folder / fname, follow_links=False)
        except NotRegularFileError:
            problems.append(f"{fname} is not a plain file")
            continue
        except OSError:  # absent, or a link (never followed)
            problems.append(f"{fname} is missing")
            continue
        with fh:
            info = os.fstat(fh.fileno())
            seen = fingerprint(info)  # taken before hashing: a change while hashing shows later
            if info.st_size != entry.size:
                problems.append(f"{fname} has the wrong size")
            elif stamp.get(fname) == seen:
                checked[fname] = seen  # the very file hashed last time
            elif _sha256(fh) not in _accepted(spec, fname, expected or entry.sha256):
                problems.append(f"{fname} does not match its checksum")
            else:
                checked[fname] = seen
                rehashed = True
    if rehashed and not problems:
        write_stamp(folder, checked)
    return problems


def _accepted(spec: ModelSpec, fname: str, expected: str) -> tuple[str, ...]:
    """The sha256 an installed file may have: the stored form's, or, for a model stored
    quantized, the sources' release that earlier versions stored as it was (it decodes the same;
    the next `changgu models install` stores it quantized)."""
    release = spec.source_files.get(fname, "")
    return (expected, release) if release else (expected,)


def stored_as_released(spec: ModelSpec, folder: Path) -> bool:
    """Whether an install of a model stored quantized holds a file as the sources release it (an
    install by an earlier version), by its receipt."""
    receipt = _read_receipt(folder) or {}
    return any(
        (entry := receipt.get(fname)) is not None and entry.sha256 == release
        for fname, release in spec.source_files.items()
    )


def hash_files(spec: ModelSpec, folder: Path) -> dict[str, str]:
    """The sha256 of each of the model's files in `folder`; ModelError if one is absent or does
    not match the manifest."""
    hashes = {}
    for fname, expected in spec.files.items():
        try:
            actual = sha256_file(folder / fname)
        except OSError:
            raise ModelError(f"{fname} is missing") from None
        if expected and actual != expected:
            raise ModelError(f"{fname} does not match its checksum (damaged or wrong version)")
        hashes[fname] = actual
    return hashes


def write_receipt(folder: Path, spec: ModelSpec, hashes: dict[str, str]) -> None:
    files = {}
    for fname, digest in hashes.items():
        stat = (folder / fname).stat()
        files[fname] = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    receipt = {"name": spec.name, "role": spec.role, "files": files}
    (folder / RECEIPT).write_text(json.dumps(receipt, indent=1), encoding="utf-8")


def fingerprint(stat: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes may have: ctime cannot be set back by a program."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def write_stamp(folder: Path, files: dict[str, list[int]]) -> None:
    """Record what the files looked like when they were hashed and found intact (best effort:
    without a stamp the next load hashes them again)."""
    stamp = {"folder": str(folder.resolve()), "files": files}
    for path in _stamp_paths(folder):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            tmp.write_text(json.dumps(stamp), encoding="utf-8")
            tmp.replace(path)
            return
        except OSError:
            continue
    log.info("could not record the check of %s; it is hashed again at the next load", folder)


@dataclass(frozen=True)
class _ReceiptEntry:
    sha256: str
    size: int


def _read_receipt(folder: Path) -> dict[str, _ReceiptEntry] | None:
    """The receipt's files, or None when it is unreadable or malformed in any way."""
    try:
        data = _read_json(folder / RECEIPT)
        files = data["files"]
        out = {}
        for fname, entry in files.items():
            digest, size = entry["sha256"], entry["size"]
            if not (isinstance(fname, str) and isinstance(digest, str) and type(size) is int):
                return None
            out[fname] = _ReceiptEntry(digest, size)
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _stamp_paths(folder: Path) -> list[Path]:
    """Where the stamp of `folder` may live: in it, else (a read-only install such as the .deb's
    /opt/changgu/models) in the user's cache."""
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return [folder / STAMP, paths.cache_dir() / "model-checks" / f"{folder.name}-{key}.json"]


def _read_stamp(folder: Path) -> dict[str, list[int]]:
    for path in _stamp_paths(folder):
        try:
            data = _read_json(path)
        except (OSError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and str(folder.resolve()) == data.get("folder"):
            files = data.get("files")
            if isinstance(files, dict):
                return {k: v for k, v in files.items() if isinstance(v, list)}
    return {}


def _read_json(path: Path) -> Any:
    with open_regular(path) as fh:
        data = fh.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        raise ValueError(f"{path} is implausibly large")
    return json.loads(data.decode("utf-8"))


def _sha256(fh: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()

"""Replace identical files in a bundle by hard links to one of them, so the .deb (a tar, which
stores a hard link once) carries each only once.

    python packaging/hardlink.py BUNDLE

Only regular files of at least 64 KiB are compared (by size, then sha256); links are made within
the bundle, never across file systems, and modes must match, so nothing changes for the program.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import defaultdict
from pathlib import Path

MIN_BYTES = 64 * 1024


def link_duplicates(bundle: Path) -> int:
    """Bytes saved."""
    by_size: dict[tuple[int, int], list[Path]] = defaultdict(list)
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        info = path.stat()
        if info.st_size >= MIN_BYTES:
            by_size[(info.st_size, info.st_mode)].append(path)
    saved = 0
    for (size, _mode), paths in by_size.items():
        if len(paths) < 2:
            continue
        by_hash: dict[str, list[Path]] = defaultdict(list)
        for path in paths:
            by_hash[_sha256(path)].append(path)
        for same in by_hash.values():
            first = same[0]
            for other in same[1:]:
                if other.stat().st_ino == first.stat().st_ino:
                    continue
                tmp = other.with_name(f".{other.name}.link")
                os.link(first, tmp)
                os.replace(tmp, other)
                saved += size
    return saved


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: hardlink.py BUNDLE_FOLDER", file=sys.stderr)
        return 2
    saved = link_duplicates(Path(argv[0]))
    print(f"{saved / 1e6:.1f} MB of identical files linked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

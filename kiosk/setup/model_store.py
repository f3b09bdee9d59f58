"""The model store: which models are installed in the models folder, installing and verifying them.

An install is assembled in a temporary folder beside the target, checked file by file against the
manifest's sha256, and only then moved into place, so an interrupted install never looks complete;
re-running `install` removes the leftovers and repairs a damaged model. Which models exist is the
manifest's (`model_manifest`), where their files come from the sources' (`model_sources`), and
whether installed files are intact the checks' (`model_checks`: receipts, hashes and the stamps
that spare a load from hashing a file that has not changed). `verify` re-hashes everything.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from enum import StrEnum
from pathlib import Path

from kiosk.setup import paths
from kiosk.setup.model_checks import (
    RECEIPT,
    STAMP,
    find_problems,
    fingerprint,
    hash_files,
    sha256_file,
    stored_as_released,
    write_receipt,
    write_stamp,
)
from kiosk.setup.model_manifest import (
    ModelError,
    ModelSource,
    ModelSpec,
    default_name,
    load_manifest,
    shown_name,
)
from kiosk.setup.model_sources import Fetch, Progress, from_path, source_runner, store_quantized

__all__ = [
    "RECEIPT",
    "STAMP",
    "ModelError",
    "ModelManager",
    "ModelSource",
    "ModelSpec",
    "ModelState",
    "load_manifest",
    "sha256_file",
]

log = logging.getLogger(__name__)


class ModelState(StrEnum):
    INSTALLED = "installed"
    MISSING = "missing"
    DAMAGED = "damaged"


class ModelManager:
    def __init__(self, root: Path | None = None, specs: list[ModelSpec] | None = None) -> None:
        self.root = root or paths.models_dir()
        self.specs = specs if specs is not None else load_manifest()
        self._by_name = {s.name: s for s in self.specs}

    # -- queries --

    def spec(self, name: str) -> ModelSpec:
        """The model called `name`; a ModelError naming the known ones for any other name, so a
        name is never used as a path before it is known to be a model's."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name)
            raise ModelError(f"unknown model {shown_name(name)}. Known models: {known}.") from None

    def folder(self, name: str) -> Path:
        return self.root / self.spec(name).name

    def state(self, name: str, deep: bool = False) -> ModelState:
        folder = self.folder(name)
        if not (folder / RECEIPT).exists():
            return ModelState.MISSING
        problems = find_problems(self.spec(name), folder, deep)
        return ModelState.DAMAGED if problems else ModelState.INSTALLED

    def installed(self, role: str) -> list[ModelSpec]:
        """The models of `role` installed intact (by the quick check), in manifest order."""
        return [
            s for s in self.specs if s.role == role and self.state(s.name) is ModelState.INSTALLED
        ]

    def path_for(self, role: str, preferred: str | None = None) -> Path:
        """The folder of the installed model for `role`; a clear error naming the fix if none.

        Cheap while every file is the one last hashed; a file changed in any way since then is
        hashed again first (see `model_checks`), and a damaged one is refused.
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
            problems = find_problems(spec, folder, deep=False)
            if problems:
                raise ModelError(
                    f"the {role} model '{spec.name}' is damaged ({problems[0]}). "
                    f"Run `changgu models install {spec.name}` to repair it."
                )
            return folder
        wanted = candidates[0].name if preferred else default_name(candidates)
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
        if (
            source_path is None
            and self.state(name, deep=True) is ModelState.INSTALLED
            and not stored_as_released(spec, target)
        ):
            progress(f"{name}: already installed and intact")
            return target
        self._check_writable()
        for leftover in self.root.glob(f".{name}.partial-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # an earlier install that was cut off
        errors: list[str] = []
        attempts: list[tuple[str, Fetch]] = (
            [("folder", lambda tmp: from_path(spec, source_path, tmp))]
            if source_path
            else [(s.kind, source_runner(spec, s, allow_pip, progress)) for s in spec.sources]
        )
        for kind, run in attempts:
            try:
                staging = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=self.root))
            except OSError as exc:
                raise self._unwritable(exc) from None
            try:
                progress(f"{name}: getting files ({kind})")
                run(staging)
                if spec.quantize:
                    store_quantized(spec, staging, progress)
                progress(f"{name}: checking files")
                write_receipt(staging, spec, hash_files(spec, staging))
                if target.is_symlink() or target.is_file():
                    target.unlink()
                elif target.exists():
                    shutil.rmtree(target)
                staging.chmod(0o755)  # mkdtemp makes it private; the kiosk's user must read it
                fingerprints = {f: fingerprint((staging / f).stat()) for f in spec.files}
                staging.rename(target)
                write_stamp(target, fingerprints)
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
        return find_problems(self.spec(name), folder, deep)

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

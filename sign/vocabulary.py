"""Sign vocabularies: glosses (with Korean text and an optional phrasebook id) and enrolled takes.

A take is the landmarks of one performance of a gloss by one signer — never pictures. A vocabulary
pack
is a folder, or one zip archive of that folder for sharing between offices::

    vocabulary.json          manifest (format, version, name, glosses, takes with sha256 of their
    files)
    takes/<take id>.npz      LandmarkSequence arrays of one take

Loading checks the manifest, every checksum and every array, and raises `VocabularyError` with what
is
wrong and what to do when anything is off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sign.errors import VocabularyError
from sign.events import ResultKind
from sign.landmarks import LandmarkSequence

PACK_FORMAT = "changgu-sign-vocabulary"
PACK_VERSION = 1
MANIFEST = "vocabulary.json"
TAKES_DIR = "takes"
ARCHIVE_SUFFIX = ".signpack"
_MAX_ARCHIVE_MEMBER = 64 * 1024 * 1024
_NAME_RE = re.compile(r"^[\w.-]{1,64}$")


@dataclass(frozen=True)
class Gloss:
    id: str  # what staff call the sign, e.g. "등본"
    text_ko: str  # what the staff screen shows, e.g. "주민등록등본"
    phrase_id: str | None = None  # phrasebook entry to answer with, e.g. "res.certificate"
    kind: ResultKind = ResultKind.SIGN


@dataclass(frozen=True, eq=False)
class Take:
    id: str
    gloss: str
    signer: str
    landmarks: LandmarkSequence
    source: str = ""  # "camera 0", a file name, "MSL-150 sample_npy/hoy/3"
    created: str = ""  # ISO date-time


@dataclass
class SignVocabulary:
    name: str
    glosses: dict[str, Gloss] = field(default_factory=dict)
    takes: list[Take] = field(default_factory=list)
    description: str = ""
    language: str = "KSL"  # sign language of the takes
    attribution: str = ""
    license: str = ""
    reject_distance: float | None = None  # overrides the recogniser's default when set

    # ---- editing

    def add_gloss(self, gloss: Gloss) -> None:
        if not gloss.id.strip():
            raise VocabularyError("a gloss needs a name (e.g. --gloss 등본)")
        old = self.glosses.get(gloss.id)
        if old is not None and old.kind != gloss.kind:
            raise VocabularyError(f"{gloss.id} is already enrolled as a {old.kind.value}")
        self.glosses[gloss.id] = gloss

    def add_take(
        self, gloss_id: str, signer: str, landmarks: LandmarkSequence, source: str = ""
    ) -> Take:
        if gloss_id not in self.glosses:
            raise VocabularyError(f"unknown gloss {gloss_id!r}: add it before enrolling takes")
        if len(landmarks) < 1:
            raise VocabularyError("a take needs at least one frame of landmarks")
        take = Take(
            id=secrets.token_hex(6),
            gloss=gloss_id,
            signer=signer or "unknown",
            landmarks=landmarks,
            source=source,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        self.takes.append(take)
        return take

    def remove_take(self, take_id: str) -> None:
        before = len(self.takes)
        self.takes = [t for t in self.takes if t.id != take_id]
        if len(self.takes) == before:
            raise VocabularyError(f"no take {take_id!r} in vocabulary {self.name!r}")

    def remove_gloss(self, gloss_id: str) -> None:
        if gloss_id not in self.glosses:
            raise VocabularyError(f"no gloss {gloss_id!r} in vocabulary {self.name!r}")
        del self.glosses[gloss_id]
        self.takes = [t for t in self.takes if t.gloss != gloss_id]

    def takes_for(self, gloss_id: str) -> list[Take]:
        return [t for t in self.takes if t.gloss == gloss_id]

    def signs(self) -> list[Take]:
        """Takes of lexical signs (not fingerspelled letters)."""
        return [t for t in self.takes if self.glosses[t.gloss].kind is ResultKind.SIGN]

    def letters(self) -> list[Take]:
        return [t for t in self.takes if self.glosses[t.gloss].kind is ResultKind.LETTER]

    def merged(self, other: SignVocabulary) -> SignVocabulary:
        """This vocabulary plus `other`'s glosses and takes (other's gloss texts win)."""
        out = replace(self, glosses=dict(self.glosses), takes=list(self.takes))
        for gloss in other.glosses.values():
            out.glosses[gloss.id] = gloss
        out.takes += other.takes
        return out

    # ---- reading and writing

    def save(self, folder: str | Path) -> None:
        """Write the pack folder atomically (a half-written pack never replaces a good one)."""
        folder = Path(folder)
        _check_name(self.name)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            self._write(lambda name, data: _write_file(tmp / name, data))
            if folder.exists():
                old = folder.with_name(f".{folder.name}-old-{secrets.token_hex(3)}")
                os.replace(folder, old)
                os.replace(tmp, folder)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, folder)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def export_archive(self, path: str | Path) -> Path:
        """One zip file holding the whole pack, for another office's `changgu sign vocab import`."""
        path = Path(path)
        if path.suffix == "":
            path = path.with_suffix(ARCHIVE_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.part")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            self._write(archive.writestr)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, folder: str | Path) -> SignVocabulary:
        folder = Path(folder)
        if not (folder / MANIFEST).is_file():
            raise VocabularyError(
                f"{folder} is not a sign vocabulary (no {MANIFEST}); "
                "import packs with `changgu sign vocab import FILE`"
            )

        def read(name: str) -> bytes:
            return (folder / name).read_bytes()

        return cls._read(read, str(folder))

    @classmethod
    def load_archive(cls, path: str | Path) -> SignVocabulary:
        path = Path(path)
        if not path.is_file():
            raise VocabularyError(f"vocabulary pack {path} does not exist")
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise VocabularyError(
                f"vocabulary pack {path} is damaged or not a pack ({exc}); "
                "export it again from the computer that made it"
            ) from None
        with archive:

            def read(name: str) -> bytes:
                info = archive.getinfo(name)
                if info.file_size > _MAX_ARCHIVE_MEMBER:
                    raise VocabularyError(f"{name} in {path} is implausibly large")
                return archive.read(name)

            return cls._read(read, str(path))

    def _write(self, put: Callable[[str, bytes], Any]) -> None:
        takes_meta = []
        for take in self.takes:
            buffer = io.BytesIO()
            np.savez_compressed(buffer, **take.landmarks.arrays())
            data = buffer.getvalue()
            name = f"{TAKES_DIR}/{take.id}.npz"
            put(name, data)
            takes_meta.append(
                {
                    "id": take.id,
                    "gloss": take.gloss,
                    "signer": take.signer,
                    "file": name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "frames": len(take.landmarks),
                    "source": take.source,
                    "created": take.created,
                }
            )
        manifest = {
            "format": PACK_FORMAT,
            "version": PACK_VERSION,
            "name": self.name,
            "description": self.description,
            "language": self.language,
            "attribution": self.attribution,
            "license": self.license,
            "reject_distance": self.reject_distance,
            "glosses": [
                {"id": g.id, "text_ko": g.text_ko, "phrase_id": g.phrase_id, "kind": g.kind.value}
                for g in self.glosses.values()
            ],
            "takes": takes_meta,
        }
        put(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))

    @classmethod
    def _read(cls, read: Callable[[str], bytes], where: str) -> SignVocabulary:
        def damaged(what: str) -> VocabularyError:
            return VocabularyError(
                f"sign vocabulary {where} is damaged ({what}); import a fresh copy of the pack "
                "or re-enrol the sign"
            )

        try:
            manifest = json.loads(read(MANIFEST).decode("utf-8"))
        except KeyError:
            raise damaged(f"no {MANIFEST}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise damaged(f"{MANIFEST} is not valid JSON: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
            raise damaged(f"{MANIFEST} is not a Changgu sign vocabulary manifest")
        if manifest.get("version") != PACK_VERSION:
            raise VocabularyError(
                f"sign vocabulary {where} has format version {manifest.get('version')}, this "
                f"Changgu reads version {PACK_VERSION}: update Changgu or re-export the pack"
            )
        try:
            vocab = cls(
                name=str(manifest["name"]),
                description=str(manifest.get("description", "")),
                language=str(manifest.get("language", "")),
                attribution=str(manifest.get("attribution", "")),
                license=str(manifest.get("license", "")),
                reject_distance=_optional_float(manifest.get("reject_distance")),
            )
            for g in manifest["glosses"]:
                vocab.add_gloss(
                    Gloss(
                        id=str(g["id"]),
                        text_ko=str(g["text_ko"]),
                        phrase_id=None if g.get("phrase_id") is None else str(g["phrase_id"]),
                        kind=ResultKind(g.get("kind", "sign")),
                    )
                )
            takes_meta = list(manifest["takes"])
        except (KeyError, TypeError, ValueError) as exc:
            raise damaged(f"manifest entry invalid: {exc!r}") from None
        for meta in takes_meta:
            try:
                name, digest, gloss = str(meta["file"]), str(meta["sha256"]), str(meta["gloss"])
                take_id = str(meta["id"])
            except (KeyError, TypeError) as exc:
                raise damaged(f"take entry invalid: {exc!r}") from None
            if gloss not in vocab.glosses:
                raise damaged(f"take {take_id} belongs to unknown gloss {gloss!r}")
            try:
                data = read(name)
            except (KeyError, FileNotFoundError):
                raise damaged(f"take file {name} is missing") from None
            if hashlib.sha256(data).hexdigest() != digest:
                raise damaged(f"take file {name} does not match its checksum")
            try:
                with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                    landmarks = LandmarkSequence.from_arrays(dict(arrays))
            except (ValueError, OSError, zipfile.BadZipFile) as exc:
                raise damaged(f"take file {name} unreadable: {exc}") from None
            vocab.takes.append(
                Take(
                    id=take_id,
                    gloss=gloss,
                    signer=str(meta.get("signer", "unknown")),
                    landmarks=landmarks,
                    source=str(meta.get("source", "")),
                    created=str(meta.get("created", "")),
                )
            )
        return vocab


def glosses_summary(vocab: SignVocabulary) -> Iterable[tuple[Gloss, int, int]]:
    """(gloss, number of takes, number of signers) for listings."""
    for gloss in vocab.glosses.values():
        takes = vocab.takes_for(gloss.id)
        yield gloss, len(takes), len({t.signer for t in takes})


def _check_name(name: str) -> None:
    if not _NAME_RE.match(name):
        raise VocabularyError(
            f"vocabulary name {name!r} is not usable as a folder name: use letters, digits, - _ ."
        )


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float | str):
        return float(value)
    raise ValueError(f"not a number: {value!r}")

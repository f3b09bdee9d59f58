"""Sign vocabularies: glosses (with Korean text and an optional phrasebook id) and enrolled takes.

A take is the landmarks of one performance of a gloss by one signer — never pictures. A vocabulary
pack is a folder, or one zip archive of that folder for sharing between offices::

    vocabulary.json          manifest (format, version, name, glosses, takes with sha256 of their
                             files)
    takes/<take id>.npz      LandmarkSequence arrays of one take

Packs come from other offices, so loading trusts nothing: the name and every take id must pass an
allow-list (they become folder and file names), a take's file is always `takes/<id>.npz`, and
what is read and what the arrays decode to count against a budget checked from the array headers
before anything is allocated. It checks the manifest, every checksum and every array, and raises
`VocabularyError` with what is wrong and what to do when anything is off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import secrets
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sign.errors import VocabularyError
from sign.events import ResultKind
from sign.files import NotAFileError, kind_of, open_file
from sign.landmarks import LandmarkSequence

PACK_FORMAT = "changgu-sign-vocabulary"
PACK_VERSION = 1
MANIFEST = "vocabulary.json"
TAKES_DIR = "takes"
ARCHIVE_SUFFIX = ".signpack"
# What a pack may cost to read. A real take is a few seconds of landmarks (~200 KB decoded); the
# budgets leave room for thousands of takes while bounding what a hostile pack can make us allocate.
MAX_PACK_BYTES = 256 * 1024 * 1024  # every member read from a pack, uncompressed, together
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_DECODED_BYTES = 512 * 1024 * 1024  # every take's arrays, decoded, together
MAX_TAKE_FRAMES = 30 * 60 * 2  # two minutes at 30 fps
MAX_TAKES = 20_000
# Names become folder names and take ids file names: an allow-list, never "." or "..".
_NAME_RE = re.compile(r"^[^\W_][\w-]{0,63}(?:\.[\w-]{1,16})*$")
_TAKE_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")


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
        unusable = landmarks.non_finite_arrays()
        if unusable:
            raise VocabularyError(
                f"the take of {gloss_id!r} has {' and '.join(unusable)} landmarks that are not "
                "numbers (NaN or infinity): record the take again"
            )
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
        check_name(self.name)
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

    def archive_path(self, path: str | Path) -> Path:
        """Where `export_archive(path)` writes: inside `path` when it is a folder (a USB stick),
        as `<name>.signpack`; else `path`, given the .signpack suffix when it has none."""
        path = Path(path)
        if path.is_dir():
            return path / f"{self.name}{ARCHIVE_SUFFIX}"
        return path.with_suffix(ARCHIVE_SUFFIX) if path.suffix == "" else path

    def export_archive(self, path: str | Path) -> Path:
        """One zip file holding the whole pack, for another office's `changgu sign vocab import`.

        Written to a temporary file beside the target and renamed over it once complete, so a
        failed export (a full USB stick, a stick pulled out) leaves any older pack there whole.
        """
        path = self.archive_path(path)
        _check_export_target(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            with os.fdopen(fd, "wb") as out:
                with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    self._write(archive.writestr)
                out.flush()
                os.fsync(out.fileno())  # on the stick before the rename makes it the pack
            os.replace(tmp, path)
            _sync_folder(path.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    @classmethod
    def load(cls, folder: str | Path) -> SignVocabulary:
        folder = Path(folder)
        if not os.path.lexists(folder / MANIFEST):
            raise VocabularyError(
                f"{folder} is not a sign vocabulary (no {MANIFEST}); "
                "import packs with `changgu sign vocab import FILE`"
            )

        def read(name: str, limit: int) -> bytes:
            path = folder / name  # `name` is MANIFEST or takes/<checked id>.npz
            if path.is_symlink():
                raise KeyError(name)  # a link could point anywhere: the pack must hold the file
            try:
                opened = open_file(path, follow_links=False)
            except FileNotFoundError:
                raise KeyError(name) from None
            with opened:
                if os.fstat(opened.fileno()).st_size > limit:
                    raise _OverBudget(name)
                return opened.read()

        return cls._read(read, str(folder))

    @classmethod
    def load_archive(cls, path: str | Path) -> SignVocabulary:
        path = Path(path)
        try:
            opened = open_file(path)
        except FileNotFoundError:
            raise VocabularyError(
                f"vocabulary pack {path} does not exist; give a .signpack file"
            ) from None
        except NotAFileError as exc:
            raise VocabularyError(
                f"vocabulary pack {path} is {exc.kind}, not a file; give a .signpack file"
            ) from None
        except OSError as exc:
            raise VocabularyError(
                f"cannot open vocabulary pack {path} ({exc.strerror or exc}); "
                "copy it to a folder you can read and import it from there"
            ) from None
        try:
            archive = zipfile.ZipFile(opened)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            opened.close()
            raise VocabularyError(
                f"vocabulary pack {path} is damaged or not a pack ({exc}); "
                "export it again from the computer that made it"
            ) from None
        with opened, archive:

            def read(name: str, limit: int) -> bytes:
                info = archive.getinfo(name)  # KeyError when absent
                if info.file_size > limit:  # the declared size; reading never goes past it
                    raise _OverBudget(name)
                return archive.read(info)

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
    def _read(cls, read: Callable[[str, int], bytes], where: str) -> SignVocabulary:
        """Parse and check a pack. Every name is checked before it is used as a path, and every
        byte read or decoded counts against the pack's budget (a small hostile pack cannot make
        us allocate gigabytes)."""

        def damaged(what: str) -> VocabularyError:
            return VocabularyError(
                f"sign vocabulary {where} is damaged ({what}); import a fresh copy of the pack "
                "or re-enrol the sign"
            )

        def too_big(what: str) -> VocabularyError:
            return VocabularyError(
                f"sign vocabulary {where} is refused: {what}. A real pack is far smaller; "
                "export it again from the computer that made it"
            )

        read_left = MAX_PACK_BYTES
        decoded_left = MAX_DECODED_BYTES

        def read_member(name: str, limit: int) -> bytes:
            nonlocal read_left
            try:
                data = read(name, min(limit, read_left))
            except _OverBudget:
                raise too_big(f"{name} is larger than a pack may be") from None
            except (KeyError, FileNotFoundError):
                raise
            except NotAFileError as exc:
                raise damaged(f"{name} is {exc.kind}, not a file") from None
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError) as exc:
                raise damaged(f"{name} unreadable: {exc}") from None
            except NotImplementedError as exc:  # a compression method zipfile lacks
                raise damaged(f"{name} unreadable: {exc}") from None
            read_left -= len(data)
            return data

        try:
            manifest = json.loads(read_member(MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
        except KeyError:
            raise damaged(f"no {MANIFEST}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise damaged(f"{MANIFEST} is not valid JSON: {exc}") from None
        except RecursionError:
            raise damaged(f"{MANIFEST} is nested too deeply") from None
        if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
            raise damaged(f"{MANIFEST} is not a Changgu sign vocabulary manifest")
        if manifest.get("version") != PACK_VERSION:
            raise VocabularyError(
                f"sign vocabulary {where} has format version {manifest.get('version')!r:.20}, "
                f"this Changgu reads version {PACK_VERSION}: update Changgu or re-export the pack"
            )
        try:
            vocab = cls(
                name=_text(manifest["name"]),
                description=_text(manifest.get("description", "")),
                language=_text(manifest.get("language", "")),
                attribution=_text(manifest.get("attribution", "")),
                license=_text(manifest.get("license", "")),
                reject_distance=_optional_float(manifest.get("reject_distance")),
            )
            glosses = manifest["glosses"]
            if not isinstance(glosses, list):
                raise TypeError("glosses must be a list")
            for g in glosses:
                vocab.add_gloss(
                    Gloss(
                        id=_text(g["id"]),
                        text_ko=_text(g["text_ko"]),
                        phrase_id=None if g.get("phrase_id") is None else _text(g["phrase_id"]),
                        kind=ResultKind(g.get("kind", "sign")),
                    )
                )
            takes_meta = manifest["takes"]
            if not isinstance(takes_meta, list):
                raise TypeError("takes must be a list")
        except (KeyError, TypeError, ValueError, AttributeError, VocabularyError) as exc:
            raise damaged(f"manifest entry invalid: {exc!r:.200}") from None
        if not _NAME_RE.fullmatch(vocab.name):
            raise damaged(
                f"its name {vocab.name!r:.80} is not a usable vocabulary name "
                "(letters, digits, - _ and inner dots)"
            )
        if len(takes_meta) > MAX_TAKES:
            raise too_big(f"it lists {len(takes_meta)} takes (at most {MAX_TAKES})")
        seen: set[str] = set()
        for meta in takes_meta:
            try:
                digest, gloss, take_id = _text(meta["sha256"]), _text(meta["gloss"]), meta["id"]
                signer = _text(meta.get("signer", "unknown"))
                source = _text(meta.get("source", ""))
                created = _text(meta.get("created", ""))
                listed_file = meta.get("file")
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise damaged(f"take entry invalid: {exc!r:.200}") from None
            if not isinstance(take_id, str) or not _TAKE_ID_RE.fullmatch(take_id):
                raise damaged(f"take id {take_id!r:.80} is not a plain id (letters, digits, - _)")
            if take_id in seen:
                raise damaged(f"take {take_id} is listed twice")
            seen.add(take_id)
            name = f"{TAKES_DIR}/{take_id}.npz"  # never a path from the manifest
            if listed_file not in (None, name):
                raise damaged(f"take {take_id} names file {listed_file!r:.80}, not {name}")
            if gloss not in vocab.glosses:
                raise damaged(f"take {take_id} belongs to unknown gloss {gloss!r:.80}")
            try:
                data = read_member(name, _MAX_TAKE_FILE)
            except KeyError:
                raise damaged(f"take file {name} is missing") from None
            if hashlib.sha256(data).hexdigest() != digest:
                raise damaged(f"take file {name} does not match its checksum")
            try:
                size = _decoded_size(data)
                if size > min(_MAX_TAKE_DECODED, decoded_left):
                    raise too_big(f"take {take_id} decodes to {size} bytes of landmarks")
                decoded_left -= size
                with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                    landmarks = LandmarkSequence.from_arrays(dict(arrays))
            except (
                ValueError,
                TypeError,
                OSError,
                EOFError,
                zipfile.BadZipFile,
                zlib.error,
            ) as exc:
                # TypeError: LandmarkSequence.from_arrays on an `aspect` that is not a scalar
                raise damaged(f"take {take_id} of gloss {gloss!r:.80} is unusable: {exc}") from None
            if len(landmarks) > MAX_TAKE_FRAMES:
                raise too_big(f"take {take_id} has {len(landmarks)} frames")
            vocab.takes.append(
                Take(
                    id=take_id,
                    gloss=gloss,
                    signer=signer,
                    landmarks=landmarks,
                    source=source,
                    created=created,
                )
            )
        return vocab


def glosses_summary(vocab: SignVocabulary) -> Iterable[tuple[Gloss, int, int]]:
    """(gloss, number of takes, number of signers) for listings."""
    for gloss in vocab.glosses.values():
        takes = vocab.takes_for(gloss.id)
        yield gloss, len(takes), len({t.signer for t in takes})


def check_name(name: str) -> str:
    """`name` if it is usable as a vocabulary (folder) name; a VocabularyError saying why not."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or len(name) > 64:
        raise VocabularyError(
            f"vocabulary name {name!r:.80} is not usable: use up to 64 letters, digits, - and _ "
            "(a dot only between them, e.g. office.v2); it cannot start with a dot or be . or .."
        )
    return name


class _OverBudget(Exception):
    """A pack member is larger than what is left of the pack's budget."""


# One take's file, and its decoded arrays: frames x (pose 25x4, hands 2x21x3, face 7x3, flags 4,
# time 1) values of at most 8 bytes, plus headers.
_FRAME_VALUES = 25 * 4 + 2 * 21 * 3 + 7 * 3 + 4 + 1
_MAX_TAKE_DECODED = MAX_TAKE_FRAMES * _FRAME_VALUES * 8 + 64 * 1024
_MAX_TAKE_FILE = _MAX_TAKE_DECODED + 64 * 1024
_MAX_TEXT = 4096


def _decoded_size(data: bytes) -> int:
    """Bytes the arrays of one take's .npz would take once loaded, read from the array headers
    alone (numpy would allocate what a header claims before finding the data short)."""
    npy: Any = np.lib.format  # untyped in numpy's stubs
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as npz:
        members = npz.infolist()
        if len(members) > 16:
            raise ValueError(f"{len(members)} arrays in one take")
        for info in members:
            with npz.open(info) as fh:
                version = npy.read_magic(fh)
                if version == (1, 0):
                    shape, _, dtype = npy.read_array_header_1_0(fh)
                elif version == (2, 0):
                    shape, _, dtype = npy.read_array_header_2_0(fh)
                else:
                    raise ValueError(f"array format {version} not supported")
            if dtype.hasobject or dtype.kind not in "biuf":
                raise ValueError(f"array {info.filename} holds {dtype}, not numbers")
            count = 1
            for dim in shape:
                count *= int(dim)
            total += count * dtype.itemsize
    return total


def _text(value: object) -> str:
    """A manifest string (numbers are accepted and written as text); bounded in length."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = str(value)
    if len(text) > _MAX_TEXT:
        raise ValueError(f"text of {len(text)} characters")
    return text


def _check_export_target(path: Path) -> None:
    """A pack replaces a file, never a device, pipe or folder of that name."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise VocabularyError(
            f"cannot export to {path}: it is {kind_of(mode)}, not a file; give a folder (such as "
            "a USB stick) or a file name ending in .signpack"
        )


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (some file systems, such as a USB stick's, may refuse)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _optional_float(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"not a finite number: {value!r:.40}")
        return number
    raise ValueError(f"not a number: {value!r}")

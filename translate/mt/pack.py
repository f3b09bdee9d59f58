"""Machine-translation packs: the folder layout, validation and installation.

A pack is a folder (or a .tar.gz / .tgz / .tar / .zip archive of one) holding a CTranslate2 model
converted from Hugging Face with `ct2-transformers-converter`, its tokenizer, and a small manifest:

    <pack>/
      changgu-pack.toml        name, family, licence, and the languages or the direction it serves
      model.bin                CTranslate2 weights (int8 or float16)
      config.json              written by the converter
      shared_vocabulary.json   (or .txt; or source_vocabulary.* + target_vocabulary.*)
      sentencepiece.bpe.model  tokenizer of nllb and m2m100 packs
      source.spm, target.spm   tokenizers of marian (OPUS-MT) packs
      tokenizer.json           alternatively, a Hugging Face fast tokenizer (any family)

changgu-pack.toml:

    name = "nllb-200-distilled-600M"
    family = "nllb"                 # nllb | m2m100 | marian
    licence = "CC-BY-NC-4.0"        # NLLB: CC-BY-NC-4.0, M2M100: MIT, OPUS-MT: CC-BY-4.0
    languages = ["ko", "en", "zh"]  # nllb/m2m100: registry codes to use it for (any pair of them)
    # marian packs serve one direction instead:
    # source = "ko"
    # target = "en"
    # target_token = ">>vie<<"      # optional, multi-target OPUS-MT models
    # compute_type = "int8"         # optional; default: the precision the model was saved in

The name is also the pack's folder name: up to 100 letters, digits, '-', '_' or '.', a letter or
digit first. Packs are installed into `<models dir>/mt/<name>/` with `install_pack` (the model
manager's `changgu models install --from PATH`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from translate import languages
from translate.errors import NotAFileError, PackError
from translate.files import open_regular

MANIFEST = "changgu-pack.toml"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")
_COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int16", "float32")
#: Most bytes a pack may hold (unpacked): NLLB-200 3.3B in int8 is about 3.3 GB.
MAX_PACK_BYTES = 8 * 1024**3
#: Most files and folders a pack may hold (a real one has about ten).
MAX_PACK_ENTRIES = 1000
#: A pack's name is its folder's: letters, digits, '.', '_' and '-', a letter or digit first.
PACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: The converter's config.json is a few hundred bytes.
MAX_CONFIG_BYTES = 1 << 20


class Family(StrEnum):
    NLLB = "nllb"
    M2M100 = "m2m100"
    MARIAN = "marian"


@dataclass(frozen=True, slots=True)
class PackInfo:
    name: str
    family: Family
    licence: str
    path: Path
    languages: tuple[str, ...]  # every language the pack reads or writes
    source: str | None = None  # marian: the one direction
    target: str | None = None
    target_token: str | None = None
    compute_type: str = "default"  # CTranslate2 compute type; "default" keeps the saved precision

    def serves(self, source_lang: str, target_lang: str) -> bool:
        if source_lang == target_lang:
            return False
        if self.family is Family.MARIAN:
            return (source_lang, target_lang) == (self.source, self.target)
        return source_lang in self.languages and target_lang in self.languages

    def tokenizer_files(self) -> tuple[Path, Path]:
        """(source, target) tokenizer files; the same file twice for shared tokenizers."""
        hf = self.path / "tokenizer.json"
        if hf.is_file():
            return hf, hf
        if self.family is Family.MARIAN:
            return self.path / "source.spm", self.path / "target.spm"
        spm = self.path / "sentencepiece.bpe.model"
        return spm, spm


def validate_pack(path: Path) -> PackInfo:
    """Check a pack folder; raises PackError saying what is missing and how to fix it."""
    path = Path(path)
    if not path.is_dir():
        raise PackError(f"no translation pack at {path}; give the folder that holds {MANIFEST}")
    manifest = path / MANIFEST
    if not manifest.is_file():
        raise PackError(
            f"{path} has no {MANIFEST}; add one (name, family, licence, languages) — "
            "see translate/README.md"
        )
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{manifest} is not valid TOML ({exc}); fix it") from None
    name = _check_name(str(data.get("name", "")).strip(), manifest)
    try:
        family = Family(str(data.get("family", "")))
    except ValueError:
        raise PackError(f"{manifest}: family must be nllb, m2m100 or marian") from None
    licence = str(data.get("licence", "")).strip()
    if not licence:
        raise PackError(f"{manifest}: state the model's licence (e.g. CC-BY-NC-4.0)")
    source = target = None
    if family is Family.MARIAN:
        source, target = str(data.get("source", "")), str(data.get("target", ""))
        for code in (source, target):
            _check_language(code, manifest)
        codes: tuple[str, ...] = (source, target)
    else:
        raw = data.get("languages", [])
        if not isinstance(raw, list) or len(raw) < 2:
            raise PackError(f"{manifest}: list at least two registry languages in `languages`")
        codes = tuple(str(code) for code in raw)
        for code in codes:
            _check_language(code, manifest)
    token = data.get("target_token")
    compute_type = str(data.get("compute_type", "default"))
    if compute_type not in _COMPUTE_TYPES:
        raise PackError(f"{manifest}: compute_type must be one of {', '.join(_COMPUTE_TYPES)}")
    info = PackInfo(
        name,
        family,
        licence,
        path,
        codes,
        source,
        target,
        str(token) if token else None,
        compute_type,
    )
    _check_model_files(info)
    return info


def install_pack(source: Path, mt_dir: Path, max_bytes: int = MAX_PACK_BYTES) -> PackInfo:
    """Validate a pack folder or archive and install it as `mt_dir/<name>` (replacing an old
    one).

    Only regular files and folders are taken: a pack holding a symbolic or hard link, a device,
    a pipe or a socket is refused (a link could copy in any file of the machine), and so is one
    of more than `max_bytes` unpacked or MAX_PACK_ENTRIES entries.
    """
    source = Path(source)
    if not source.exists():
        raise PackError(f"{source} does not exist; give a pack folder or archive")
    mt_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=mt_dir, prefix=".install-") as tmp:
        staging = Path(tmp)
        if source.is_dir():
            root = source.resolve()  # the folder given may be a link; nothing inside it may
            _check_plain_tree(root, max_bytes)
        elif source.name.endswith(ARCHIVE_SUFFIXES):
            _extract(source, staging / "unpacked", max_bytes)
            root = _find_pack_root(staging / "unpacked", source)
        else:
            raise PackError(
                f"{source} is neither a folder nor a {'/'.join(ARCHIVE_SUFFIXES)} archive"
            )
        info = validate_pack(root)
        copy = staging / "pack"
        shutil.copytree(root, copy, symlinks=True, copy_function=_copy_regular_file)
        _check_plain_tree(copy, max_bytes)  # what was copied, in case the source changed
        final = mt_dir / info.name
        old = staging / "old"
        if final.exists():
            final.rename(old)
        copy.rename(final)
    return validate_pack(final)


def find_packs(mt_dir: Path) -> tuple[list[PackInfo], list[str]]:
    """Valid packs under `mt_dir`, and one message per folder that is not a valid pack."""
    packs: list[PackInfo] = []
    problems: list[str] = []
    if not mt_dir.is_dir():
        return packs, problems
    for folder in sorted(p for p in mt_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            packs.append(validate_pack(folder))
        except PackError as exc:
            problems.append(str(exc))
    return packs, problems


def _check_name(name: str, manifest: Path) -> str:
    """`name` when it can stand as the pack's folder name as it is (no NUL or other control
    character, no slash or "..", not hidden, not absurdly long); else a PackError saying what to
    give."""
    if PACK_NAME.fullmatch(name) is None or ".." in name:
        shown = repr(name) if len(name) <= 40 else f"{name[:40]!r}… ({len(name)} characters)"
        raise PackError(
            f"{manifest}: the pack's name {shown} cannot be a folder name; give it a name of up "
            "to 100 letters, digits, '-', '_' or '.' that starts with a letter or digit, such as "
            '"nllb-200-distilled-600M"'
        )
    return name


def _check_language(code: str, manifest: Path) -> None:
    if not languages.is_supported(code):
        raise PackError(
            f"{manifest}: {code!r} is not a Changgu language; use codes from assets/languages.toml"
        )


def _check_model_files(info: PackInfo) -> None:
    path = info.path
    model = path / "model.bin"
    if not model.is_file() or model.stat().st_size == 0:
        raise PackError(
            f"pack {info.name}: model.bin is missing or empty in {path}; reinstall the pack"
        )
    try:
        with open_regular(path / "config.json") as fh:
            json.loads(fh.read(MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, ValueError, NotAFileError):
        raise PackError(
            f"pack {info.name}: config.json is missing or unreadable; reconvert the model"
        ) from None
    shared = any((path / f"shared_vocabulary.{ext}").is_file() for ext in ("json", "txt"))
    split = all(
        any((path / f"{side}_vocabulary.{ext}").is_file() for ext in ("json", "txt"))
        for side in ("source", "target")
    )
    if not (shared or split):
        raise PackError(f"pack {info.name}: no vocabulary file (shared_vocabulary.json) in {path}")
    for tokenizer in info.tokenizer_files():
        if not tokenizer.is_file() or tokenizer.stat().st_size == 0:
            raise PackError(
                f"pack {info.name}: tokenizer {tokenizer.name} is missing; copy it from the "
                "original model (see translate/README.md)"
            )


def _extract(archive: Path, into: Path, max_bytes: int = MAX_PACK_BYTES) -> None:
    """Unpack `archive` into `into`, refusing entries outside it, links, special files, and
    archives that unpack to more than `max_bytes` or MAX_PACK_ENTRIES entries (checked on the
    sizes the archive declares, before anything is written; zipfile and tarfile never write
    more than a member declares)."""
    into.mkdir(parents=True)
    root = into.resolve()
    opened = _open_archive(archive)
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(opened) as zipped:
                infos = zipped.infolist()
                _check_budget(archive, len(infos), sum(i.file_size for i in infos), max_bytes)
                for info in infos:
                    _check_inside(root, root / info.filename, archive)
                    if stat.S_ISLNK(info.external_attr >> 16):
                        raise PackError(f"{archive} contains links; repack it without them")
                zipped.extractall(into)
        else:
            with tarfile.open(fileobj=opened) as tarred:
                members = tarred.getmembers()
                total = sum(m.size for m in members if m.isfile())
                _check_budget(archive, len(members), total, max_bytes)
                for tar_member in members:
                    _check_inside(root, root / tar_member.name, archive)
                    if tar_member.issym() or tar_member.islnk():
                        raise PackError(f"{archive} contains links; repack it without them")
                    if not (tar_member.isfile() or tar_member.isdir()):
                        raise PackError(
                            f"{archive} contains a special file ({tar_member.name}); "
                            "repack it with plain files only"
                        )
                tarred.extractall(into, filter="data")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise PackError(f"cannot unpack {archive} ({exc}); the archive is damaged") from None
    finally:
        opened.close()


def _open_archive(archive: Path) -> BinaryIO:
    """`archive` opened for reading; a PackError for a pipe or a device, which would otherwise be
    read forever."""
    try:
        return open_regular(archive)
    except NotAFileError:
        raise PackError(
            f"{archive} is neither a folder nor an archive of a translation pack (a pipe or a "
            f"device?); give the pack's folder or its {'/'.join(ARCHIVE_SUFFIXES)} file"
        ) from None
    except OSError as exc:
        raise PackError(f"cannot read {archive} ({exc.strerror or exc})") from None


def _check_budget(source: Path, entries: int, total: int, max_bytes: int) -> None:
    if entries > MAX_PACK_ENTRIES:
        raise PackError(
            f"{source} holds {entries} entries (a pack has about ten, at most "
            f"{MAX_PACK_ENTRIES}); it is not a translation pack"
        )
    if total > max_bytes:
        raise PackError(
            f"{source} unpacks to {total / 1e9:.1f} GB, more than the {max_bytes / 1e9:.1f} GB "
            "a translation pack may hold; it is not a safe pack"
        )


def _check_plain_tree(root: Path, max_bytes: int) -> None:
    """Every entry under `root` is a regular file or a folder (never followed through a link),
    and together they stay within the budget."""
    total = entries = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in (*dirs, *files):
            path = Path(folder) / name
            mode = os.lstat(path).st_mode
            entries += 1
            if stat.S_ISLNK(mode):
                raise PackError(
                    f"{path} is a link; a pack must hold its own files (copy the real file in)"
                )
            if stat.S_ISREG(mode):
                total += os.lstat(path).st_size
            elif not stat.S_ISDIR(mode):
                raise PackError(f"{path} is not a regular file; remove it from the pack")
    _check_budget(root, entries, total, max_bytes)


def _copy_regular_file(src: str, dst: str) -> str:
    """copytree's copy function: regular files only, never through a link."""
    if not stat.S_ISREG(os.lstat(src).st_mode):
        raise PackError(f"{src} is not a regular file; remove it from the pack")
    return str(shutil.copy2(src, dst, follow_symlinks=False))


def _check_inside(root: Path, target: Path, archive: Path) -> None:
    if not target.resolve().is_relative_to(root):
        raise PackError(f"{archive} tries to write outside its folder; it is not a safe pack")


def _find_pack_root(folder: Path, archive: Path) -> Path:
    manifests = sorted(folder.rglob(MANIFEST), key=lambda p: len(p.parts))
    if not manifests:
        raise PackError(f"{archive} holds no {MANIFEST}; it is not a Changgu translation pack")
    return manifests[0].parent

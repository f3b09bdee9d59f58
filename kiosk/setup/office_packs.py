"""Office packs from the city's shared folder: phrase packs (`.changgu-phrases`) and sign
vocabularies (`.signpack`) that the system policy's `office_packs` folder holds.

`OfficePackSync.sync()` (at start, then every minute) reads each pack there that changed since it
was last taken, validates it as strictly as a pack staff import by hand, and only then takes it
up; a bad pack is refused with a message and the kiosk stays on the last good one. Before each
update the kiosk's own copy is kept (the office phrase file; the sign vocabulary, as a pack), so
`rollback()` puts back what was there before the latest update. A pack whose update was rolled
back is not taken again until the file in the shared folder changes.

Nothing here imports Qt. The state (which file was taken, its sha256) lives in
`<data dir>/office-packs/state.json`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.setup.regular_files import NotRegularFileError, open_regular
from sign.errors import SignError
from sign.store import VocabularyStore
from sign.vocabulary import ARCHIVE_SUFFIX, SignVocabulary
from translate.errors import TranslateError
from translate.office import MAX_PACK_BYTES, PACK_SUFFIX, OfficeBook, import_pack, read_pack

log = logging.getLogger(__name__)

MAX_SIGN_PACK_BYTES = 64 * 1024 * 1024
MAX_PACKS = 50  # files looked at in the shared folder


@dataclass
class SyncReport:
    phrases_changed: bool = False  # the office phrase file was updated (the kiosk reloads it)
    signs_changed: tuple[str, ...] = ()  # sign vocabularies updated
    taken: list[str] = field(default_factory=list)  # "name: what" for the staff status
    problems: list[str] = field(default_factory=list)


class OfficePackSync:
    def __init__(
        self,
        shared: Path,
        state_dir: Path,
        phrase_file: Path,
        signs: VocabularyStore,
        bundled_ids: Collection[str] = (),
    ) -> None:
        self.shared = shared
        self.state_dir = state_dir
        self.phrase_file = phrase_file
        self.signs = signs
        self.bundled_ids = bundled_ids

    # -- the state: file name → sha256 taken (or refused), and the latest update's undo --

    def _state(self) -> dict[str, dict[str, str]]:
        try:
            raw = json.loads((self.state_dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return raw if isinstance(raw, dict) else {}

    def _save_state(self, state: dict[str, dict[str, str]]) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.state_dir / "state.json", json.dumps(state, indent=1).encode())

    # -- sync --

    def sync(self) -> SyncReport:
        report = SyncReport()
        try:
            entries = sorted(self.shared.iterdir())[:MAX_PACKS]
        except OSError as exc:
            report.problems.append(
                f"office packs folder {self.shared} cannot be read ({exc.strerror or exc}); "
                "the kiosk keeps the packs it has"
            )
            return report
        state = self._state()
        for path in entries:
            if path.suffix not in (PACK_SUFFIX, ARCHIVE_SUFFIX):
                continue
            try:
                data = _read_plain(path, _limit(path))
            except ValueError as exc:
                report.problems.append(f"office pack {path.name} refused: {exc}")
                continue
            digest = hashlib.sha256(data).hexdigest()
            known = state.get(path.name, {})
            if known.get("sha256") == digest:
                continue  # taken already, refused already, or rolled back: until it changes
            try:
                what = self._take(path.name, data, report)
            except (TranslateError, SignError, OSError, ValueError) as exc:
                report.problems.append(
                    f"office pack {path.name} refused ({exc}); the kiosk keeps the last good one"
                )
                state[path.name] = {"sha256": digest, "status": "refused"}
                continue
            state[path.name] = {"sha256": digest, "status": "taken"}
            state["_latest"] = {"pack": path.name}
            report.taken.append(f"{path.name}: {what}")
        self._save_state(state)
        return report

    def _take(self, name: str, data: bytes, report: SyncReport) -> str:
        """Validate one pack (from a private copy of its bytes), keep the undo, then apply it."""
        with tempfile.TemporaryDirectory(dir=self._scratch()) as scratch:
            copy = Path(scratch) / name
            copy.write_bytes(data)
            if name.endswith(PACK_SUFFIX):
                pack = read_pack(copy, bundled_ids=self.bundled_ids)  # all checks, nothing kept
                book = OfficeBook.load(self.phrase_file)
                self._keep_undo(name, "phrases")
                imported = import_pack(copy, book, bundled_ids=self.bundled_ids, replace=True)
                book.save(self.phrase_file)
                report.phrases_changed = True
                return (
                    f"{len(pack.phrases)} phrases of {pack.office} "
                    f"({len(imported.added)} new, {len(imported.replaced)} updated)"
                )
            vocabulary = SignVocabulary.load_archive(copy)  # validated before anything is written
            self._keep_undo(name, "signs", vocabulary.name)
            self.signs.import_archive(copy, replace=True)
            report.signs_changed = (*report.signs_changed, vocabulary.name)
            return f"sign vocabulary {vocabulary.name!r}"

    def _keep_undo(self, pack: str, kind: str, vocabulary: str = "") -> None:
        undo = self.state_dir / "undo"
        shutil.rmtree(undo, ignore_errors=True)
        undo.mkdir(parents=True)
        meta = {"pack": pack, "kind": kind, "vocabulary": vocabulary}
        if kind == "phrases" and self.phrase_file.is_file():
            shutil.copyfile(self.phrase_file, undo / "office-phrases.toml")
        elif kind == "signs" and self.signs.exists(vocabulary):
            self.signs.export_archive(vocabulary, undo / f"{vocabulary}{ARCHIVE_SUFFIX}")
        (undo / "undo.json").write_text(json.dumps(meta), encoding="utf-8")

    def _scratch(self) -> Path:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return self.state_dir

    # -- rollback --

    def latest(self) -> str | None:
        """The pack of the latest update that `rollback` would undo."""
        try:
            meta = json.loads((self.state_dir / "undo" / "undo.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return str(meta.get("pack")) if isinstance(meta, dict) else None

    def rollback(self) -> SyncReport:
        """Put back what the latest update replaced. The pack stays in the shared folder, and is
        not taken again until it changes there."""
        report = SyncReport()
        undo = self.state_dir / "undo"
        try:
            meta = json.loads((undo / "undo.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report.problems.append("no office pack update to undo")
            return report
        if meta.get("kind") == "phrases":
            before = undo / "office-phrases.toml"
            if before.is_file():
                shutil.copyfile(before, self.phrase_file)
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.phrase_file.unlink()  # there were no office phrases before
            report.phrases_changed = True
        else:
            name = str(meta.get("vocabulary", ""))
            saved = undo / f"{name}{ARCHIVE_SUFFIX}"
            if saved.is_file():
                self.signs.import_archive(saved, replace=True)
            elif name and self.signs.exists(name):
                self.signs.delete(name)  # it did not exist before the update
            report.signs_changed = (name,)
        report.taken.append(f"{meta.get('pack')}: the update was undone")
        shutil.rmtree(undo, ignore_errors=True)
        return report


def _limit(path: Path) -> int:
    return MAX_PACK_BYTES if path.suffix == PACK_SUFFIX else MAX_SIGN_PACK_BYTES


def _read_plain(path: Path, limit: int) -> bytes:
    """A pack's bytes: a plain file (no link, device or pipe) of at most `limit` bytes."""
    try:
        with open_regular(path, follow_links=False) as fh:
            data = fh.read(limit + 1)
    except NotRegularFileError:
        raise ValueError("it is not a plain file (a link, a folder or a device)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise ValueError("it is not a plain file (a link, a folder or a device)") from None
        raise ValueError(f"it cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ValueError(f"it is larger than {limit // (1024 * 1024)} MiB")
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

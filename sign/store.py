"""The enrolled-vocabulary store on the counter PC, and the bundled demo pack.

Layout (root is `kiosk.setup.paths.data_dir() / "sign"`, passed in by the kiosk)::

    <root>/vocabularies/<name>/vocabulary.json
    <root>/vocabularies/<name>/takes/<take id>.npz

Only landmarks are stored, never camera pictures.
"""

from __future__ import annotations

import errno
import importlib.resources
import os
import shutil
from pathlib import Path

from sign.errors import VocabularyError
from sign.vocabulary import MANIFEST, SignVocabulary, check_name

DEFAULT_VOCABULARY = "office"
DEMO_PACK = "msl-demo.signpack"


class VocabularyStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.folder = self.root / "vocabularies"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(
            p.name
            for p in self.folder.iterdir()
            if _usable(p.name) and not p.is_symlink() and (p / MANIFEST).is_file()
        )

    def path(self, name: str) -> Path:
        """The folder of vocabulary `name`, always directly inside the store's folder.

        The name is checked against an allow-list first, so "." or "../x" can never make a save
        or a delete reach the store itself or anything outside it.
        """
        check_name(name)
        path = self.folder / name
        if path.resolve().parent != self.folder.resolve() or path.is_symlink():
            raise VocabularyError(
                f"vocabulary {name!r} is not a plain folder in {self.folder}; "
                "move the link away and import the pack again"
            )
        return path

    def exists(self, name: str) -> bool:
        return (self.path(name) / MANIFEST).is_file()

    def load(self, name: str) -> SignVocabulary:
        # a manifest that is there but not a file (a pipe, a dangling link) is a damaged
        # vocabulary, reported as such by SignVocabulary.load, not an absent one
        if not os.path.lexists(self.path(name) / MANIFEST):
            known = ", ".join(self.names()) or "none yet"
            raise VocabularyError(
                f"no sign vocabulary named {name!r} (enrolled: {known}); enrol signs with "
                "`changgu sign enroll --gloss NAME` or import a pack with "
                "`changgu sign vocab import`"
            )
        return SignVocabulary.load(self.path(name))

    def load_or_new(self, name: str) -> SignVocabulary:
        return self.load(name) if self.exists(name) else SignVocabulary(name=name)

    def save(self, vocabulary: SignVocabulary) -> Path:
        """Write `vocabulary` atomically. A folder that cannot be written is a VocabularyError;
        the vocabulary in memory is untouched, so the caller can keep its takes and retry."""
        path = self.path(vocabulary.name)
        try:
            vocabulary.save(path)
        except OSError as exc:
            raise VocabularyError(
                f"cannot save vocabulary {vocabulary.name!r} in {self.folder} "
                f"({exc.strerror or exc}): make the folder writable (or free space) and save "
                "again"
            ) from None
        return path

    def delete(self, name: str) -> None:
        if not self.exists(name):
            raise VocabularyError(f"no sign vocabulary named {name!r} to delete")
        try:
            shutil.rmtree(self.path(name))
        except OSError as exc:
            raise VocabularyError(
                f"cannot delete vocabulary {name!r} in {self.folder} ({exc.strerror or exc}): "
                "make the folder writable and try again"
            ) from None

    def import_archive(
        self, archive: str | Path, name: str | None = None, replace: bool = False
    ) -> SignVocabulary:
        vocabulary = SignVocabulary.load_archive(archive)  # validated before anything is written
        if name is not None:
            vocabulary.name = check_name(name)
        if self.exists(vocabulary.name) and not replace:
            raise VocabularyError(
                f"a vocabulary named {vocabulary.name!r} is already enrolled: "
                "import with --name OTHER, or --replace to overwrite it"
            )
        self.save(vocabulary)
        return vocabulary

    def export_archive(self, name: str, archive: str | Path) -> Path:
        """Write vocabulary `name` as one pack file: `archive`, or `<name>.signpack` inside it when
        it is a folder. A failed export leaves any older pack at that place whole."""
        vocabulary = self.load(name)
        target = vocabulary.archive_path(archive)
        try:
            return vocabulary.export_archive(target)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                fix = (
                    "free space there or use another USB stick, then export again "
                    "(an older pack there is unchanged)"
                )
            else:
                fix = "choose a folder you can write to, such as a USB stick or your home folder"
            raise VocabularyError(f"cannot write {target} ({exc.strerror or exc}): {fix}") from None


def _usable(name: str) -> bool:
    try:
        check_name(name)
    except VocabularyError:
        return False
    return True


def demo_vocabulary() -> SignVocabulary:
    """The bundled demo pack: five MSL-150 (Mexican) signs with Korean glosses. Not KSL."""
    resource = importlib.resources.files("assets.sign").joinpath(DEMO_PACK)
    with importlib.resources.as_file(resource) as path:
        return SignVocabulary.load_archive(path)


def office_or_demo(store: VocabularyStore) -> tuple[SignVocabulary, bool]:
    """The office's enrolled vocabulary, else the bundled demo pack; True when it is the demo."""
    if store.exists(DEFAULT_VOCABULARY):
        return store.load(DEFAULT_VOCABULARY), False
    return demo_vocabulary(), True

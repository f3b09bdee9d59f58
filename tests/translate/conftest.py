"""Fixtures for the translation tests: the shipped data, the phrase index, tiny MT packs.

The MT models are built by `mt_models.py`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mt_models import (
    CORPUS,
    build_mapping_model,
    nllb_codes,
    sentencepiece_vocabulary,
    train_sentencepiece,
    write_manifest,
)

from translate import languages
from translate.embedding import E5Embedder, load_phrase_index
from translate.glossary import Glossary
from translate.matcher import PhraseMatcher
from translate.phrasebook import Phrasebook


@pytest.fixture(scope="session")
def phrasebook() -> Phrasebook:
    return Phrasebook.load()


@pytest.fixture(scope="session")
def glossary() -> Glossary:
    return Glossary.load()


@pytest.fixture(scope="session")
def embedder() -> E5Embedder:
    return E5Embedder()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CHANGGU_DATA_DIR for the session; its cache/ holds the phrase index built once."""
    return tmp_path_factory.mktemp("changgu-data")


@pytest.fixture(scope="session")
def index_dir(data_dir: Path) -> Path:
    """The session's cache, seeded with the user's phrase index when there is one (its key is
    checked at load, so a stale copy is rebuilt, never used): saves a minute of embedding."""
    folder = data_dir / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    from kiosk.setup.paths import cache_dir

    for cached in cache_dir().glob("phrase-index-*.npz"):
        shutil.copy2(cached, folder / cached.name)
    return folder


@pytest.fixture(scope="session")
def matcher(
    phrasebook: Phrasebook, glossary: Glossary, embedder: E5Embedder, index_dir: Path
) -> PhraseMatcher:
    index = load_phrase_index(index_dir, phrasebook, glossary, embedder)
    return PhraseMatcher(phrasebook, glossary, index, embedder)


@pytest.fixture(scope="session")
def nllb_copy_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A multilingual NLLB-framed pack (every registry language) that copies its input."""
    folder = tmp_path_factory.mktemp("packs") / "tiny-nllb"
    folder.mkdir()
    # the model must see every character the tests send; placeholders too
    sentences = [*CORPUS, "ZQXA ZQXB ZQXC 0123456789 , . ? !", "외국인등록증 주민등록등본 수수료"]
    spm = train_sentencepiece(folder, sentences)
    vocab = sentencepiece_vocabulary(spm) + nllb_codes()
    build_mapping_model(folder, vocab)
    write_manifest(
        folder,
        name="tiny-nllb",
        family="nllb",
        licence="MIT (test model)",
        languages=list(languages.codes()),
    )
    return folder

"""Where Changgu keeps things on the counter PC (models, caches, settings, logs).

Everything lives in the platform's per-user folders (platformdirs). `CHANGGU_DATA_DIR` overrides the
data folder, for a packaged install that ships its models beside the program, or for tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "changgu"


def data_dir() -> Path:
    """Models, phrase-embedding caches and enrolled sign vocabularies."""
    override = os.environ.get("CHANGGU_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))


def models_dir() -> Path:
    return data_dir() / "models"


def cache_dir() -> Path:
    """Derived data that can be rebuilt at any time (e.g. phrase embeddings)."""
    return data_dir() / "cache"


def config_dir() -> Path:
    override = os.environ.get("CHANGGU_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("CHANGGU_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP, appauthor=False))

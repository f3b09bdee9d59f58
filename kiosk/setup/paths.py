"""Where Changgu keeps things on the counter PC (models, caches, settings, logs).

Everything lives in the platform's per-user folders (platformdirs). `CHANGGU_DATA_DIR` overrides the
data folder, for tests or a machine that keeps its models elsewhere.

The packaged build (PyInstaller, see `packaging/`) ships its models beside the program: there
`models_dir()` is the bundle's `models/` folder (unless `CHANGGU_DATA_DIR` is set), while everything
a person creates — enrolled sign vocabularies, settings, caches, logs — still goes to the per-user
folders. The bundle's prebuilt phrase index seeds the per-user cache the first time it is asked for.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP = "changgu"


def frozen_root() -> Path | None:
    """The folder holding the packaged program (`/opt/changgu`), or None when run from source."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def data_dir() -> Path:
    """Models, phrase-embedding caches and enrolled sign vocabularies."""
    return _user_folder("CHANGGU_DATA_DIR", platformdirs.user_data_dir)


def office_phrases() -> Path:
    """The office's own phrases (`changgu office`, the settings' phrase editor)."""
    return data_dir() / "office" / "phrases.toml"


def models_dir() -> Path:
    bundle = frozen_root()
    if bundle is not None and not os.environ.get("CHANGGU_DATA_DIR"):
        return bundle / "models"
    return data_dir() / "models"


def cache_dir() -> Path:
    """Derived data that can be rebuilt at any time (e.g. phrase embeddings)."""
    folder = data_dir() / "cache"
    bundle = frozen_root()
    if bundle is not None:
        _seed_cache(bundle / "cache", folder)
    return folder


def _seed_cache(shipped: Path, folder: Path) -> None:
    """Copy the bundle's prebuilt caches the user lacks (it saves a minute of embedding)."""
    if not shipped.is_dir():
        return
    for item in shipped.iterdir():
        target = folder / item.name
        if target.exists():
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{item.name}.partial")
            shutil.copyfile(item, partial)
            partial.replace(target)
        except OSError:
            return  # not writable: the phrase index is then built, or reported, when needed


def config_dir() -> Path:
    return _user_folder("CHANGGU_CONFIG_DIR", platformdirs.user_config_dir)


def log_dir() -> Path:
    return _user_folder("CHANGGU_LOG_DIR", platformdirs.user_log_dir)


def _user_folder(variable: str, platform_folder: Callable[..., str]) -> Path:
    """The folder `variable` names, else the platform's per-user folder of that kind."""
    override = os.environ.get(variable)
    return Path(override) if override else Path(platform_folder(APP, appauthor=False))

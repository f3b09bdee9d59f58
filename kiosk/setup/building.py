"""The building server's address, CA and token, as the kiosk keeps them.

The address and CA bundle are ordinary settings; the token is a secret, so it lives in a file of
its own beside the settings, readable and writable by the kiosk's user only (mode 0600), and is
never shown again once saved.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from building.client import BuildingConfig
from kiosk.setup import paths
from kiosk.setup.settings import Settings

MAX_TOKEN_CHARS = 512


def token_path() -> Path:
    return paths.config_dir() / "building-token"


def save_token(token: str, path: Path | None = None) -> None:
    """Write the token with mode 0600 (created so: never readable by others, not even briefly)."""
    path = path or token_path()
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS or any(ch.isspace() for ch in token):
        raise ValueError("the token must be one word of at most 512 characters")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token)
    os.replace(tmp, path)


def read_token(path: Path | None = None, shared: bool = False) -> tuple[str, str | None]:
    """(token, problem). A missing file is no token; one others may read is refused. `shared`:
    the system policy's token file, which must be root's and may be read by the kiosk's group
    (root installs it; the kiosk's user cannot own it)."""
    path = path or token_path()
    try:
        info = path.lstat()
    except FileNotFoundError:
        return "", None
    except OSError as exc:
        return "", f"the building server token {path} is unreadable ({exc.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return "", f"the building server token {path} is not a plain file"
    if shared and (info.st_uid != 0 or info.st_mode & 0o027):
        return "", (
            f"the policy's building server token {path} must be root's and readable by root and "
            "the kiosk's group only (chown root:KIOSKGROUP, chmod 640)"
        )
    if not shared and info.st_mode & 0o077:
        return "", (
            f"the building server token {path} may be read by others, so it is not used: "
            "`chmod 600` it (on a counter: or enter the token again in Settings)"
        )
    try:
        text = path.read_text(encoding="utf-8")[: MAX_TOKEN_CHARS + 1].strip()
    except (OSError, UnicodeDecodeError) as exc:
        return "", f"the building server token {path} is unreadable ({exc})"
    return text, None


def building_config(settings: Settings) -> tuple[BuildingConfig | None, list[str]]:
    """The configured building server (None: this counter works alone) and problems for staff."""
    if not settings.building_url:
        return None, []
    policy_token = settings.policy.token_file
    token, problem = read_token(policy_token, shared=True) if policy_token else read_token()
    problems = [problem] if problem else []
    ca = Path(settings.building_ca).expanduser() if settings.building_ca else None
    config = BuildingConfig(
        url=settings.building_url,
        token=token,
        ca_bundle=ca,
        model=settings.building_model.strip() or "whisper",
    )
    problems += config.problems()
    if config.problems():
        return None, problems
    return config, problems

"""The city's system policy: `/etc/changgu/policy.toml`, written by its configuration management.

It sets, and may lock, what staff could otherwise change behind the PIN:

```toml
languages = ["en", "zh", "vi"]          # the languages offered
building_url = "https://changgu.city.local:8400"
building_token_file = "/etc/changgu/building-token"   # root-owned, not readable by all
idle_timeout_s = 300
pin_hash = "pbkdf2_sha256$200000$<salt hex>$<hash hex>"  # `changgu policy pin-hash`
speak_translations = false
speech_model = "whisper-base"
metrics_file = "/var/lib/prometheus/node-exporter/changgu.prom"  # node_exporter's textfile folder
office_packs = "/srv/changgu/packs"     # phrase and sign packs for every counter
locked = ["languages", "building_url", "pin"]
reason = "Set by the city's IT service (tel. 120)"
```

The file is trusted only as root's: a symbolic link, a file or folder that is not root's or that
others may write, an unknown key or a value of the wrong type refuses the whole policy, with one
message for the staff screen, and the kiosk runs on its own settings. Nothing here ever raises.
`CHANGGU_POLICY` names another file (tests; other systems).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PATH = Path("/etc/changgu/policy.toml")
MAX_BYTES = 64 * 1024
PIN_ITERATIONS = 200_000

# policy keys that are settings (checked by the settings' own rules)
SETTING_KEYS = ("languages", "building_url", "idle_timeout_s", "speak_translations", "speech_model")
OTHER_KEYS = (
    "building_token_file",
    "pin_hash",
    "metrics_file",
    "office_packs",
    "locked",
    "reason",
)
# what `locked` may name: the settings above, and the PIN and the building server's token
LOCKABLE = frozenset({*SETTING_KEYS, "pin", "building_token"})


@dataclass(frozen=True)
class Policy:
    values: Mapping[str, object] = field(default_factory=dict)  # settings keys → checked values
    locked: frozenset[str] = frozenset()
    reason: str = ""
    token_file: Path | None = None
    pin_hash: str | None = None
    metrics_file: Path | None = None  # the health textfile (kiosk.runtime.health_metrics)
    office_packs: Path | None = None  # the shared folder of office packs (kiosk.setup.office_packs)
    source: Path | None = None  # the file it came from (None: no policy)
    problems: tuple[str, ...] = ()  # why it was refused (then it holds nothing else)

    def lock_reason(self, key: str) -> str | None:
        """Why staff cannot change `key` (None: they can)."""
        if key not in self.locked:
            return None
        return self.reason or f"set by the system policy {self.source}"


def default_path() -> Path:
    return Path(os.environ.get("CHANGGU_POLICY") or DEFAULT_PATH)


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path` (default: /etc/changgu/policy.toml), or no policy: never raises."""
    path = path or default_path()
    try:
        info = path.lstat()
    except FileNotFoundError:
        return Policy()
    except OSError as exc:
        return _refused(path, f"it cannot be read ({exc.strerror})")
    problem = _untrusted(path, info)
    if problem:
        return _refused(path, problem)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return _refused(path, f"it cannot be read ({exc.strerror})")
    if len(data) > MAX_BYTES:
        return _refused(path, f"it is larger than {MAX_BYTES // 1024} KiB")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return _refused(path, f"it is not valid TOML ({exc})")
    try:
        return _policy(path, raw)
    except _Bad as exc:
        return _refused(path, str(exc))


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A PIN as the policy keeps it: PBKDF2-SHA256, `PIN_ITERATIONS` rounds, a random salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, PIN_ITERATIONS)
    return f"pbkdf2_sha256${PIN_ITERATIONS}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, pin_hash: str) -> bool:
    try:
        scheme, rounds, salt, digest = pin_hash.split("$")
        expected = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(rounds))
    except ValueError:
        return False
    return scheme == "pbkdf2_sha256" and hmac.compare_digest(expected.hex(), digest)


class _Bad(ValueError):
    pass


def _refused(path: Path, why: str) -> Policy:
    message = f"system policy {path} refused: {why}. This counter runs on its own settings."
    return Policy(source=path, problems=(message,))


def _untrusted(path: Path, info: os.stat_result) -> str | None:
    """Why the file cannot be trusted as root's policy (None: it can)."""
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link (write the policy itself there)"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a plain file"
    for what, st in (("the file", info), ("its folder", _folder_stat(path))):
        if st is None:
            return "its folder cannot be read"
        if st.st_uid != 0:
            return f"{what} is not owned by root"
        if st.st_mode & 0o022:
            return f"others may write to {what} (chmod go-w)"
    return None


def _folder_stat(path: Path) -> os.stat_result | None:
    try:
        return path.parent.lstat()
    except OSError:
        return None


def _policy(path: Path, raw: Mapping[str, object]) -> Policy:
    from kiosk.setup.settings import Settings

    unknown = sorted(set(raw) - {*SETTING_KEYS, *OTHER_KEYS})
    if unknown:
        raise _Bad(f"unknown key(s) {', '.join(repr(k[:30]) for k in unknown[:5])}")
    values = {k: raw[k] for k in SETTING_KEYS if k in raw}
    checked = Settings.from_dict(values)
    if checked.problems:
        raise _Bad("; ".join(checked.problems))
    settings = {k: getattr(checked, k) for k in values}
    locked = raw.get("locked", [])
    if not isinstance(locked, list) or not all(isinstance(k, str) for k in locked):
        raise _Bad("locked must be a list of setting names")
    if set(locked) - LOCKABLE:
        names = ", ".join(sorted(set(locked) - LOCKABLE))
        raise _Bad(f"locked names unknown setting(s) {names} (lockable: {', '.join(LOCKABLE)})")
    reason = raw.get("reason", "")
    if not isinstance(reason, str) or len(reason) > 200:
        raise _Bad("reason must be a text of at most 200 characters")
    pin_hash = raw.get("pin_hash")
    if pin_hash is not None and (
        not isinstance(pin_hash, str)
        or len(pin_hash.split("$")) != 4
        or pin_hash.split("$")[0] != "pbkdf2_sha256"
    ):
        raise _Bad("pin_hash must be made by `changgu policy pin-hash`")
    return Policy(
        values=settings,
        locked=frozenset(locked),
        reason=reason,
        token_file=_absolute(raw, "building_token_file"),
        pin_hash=pin_hash,
        metrics_file=_absolute(raw, "metrics_file"),
        office_packs=_absolute(raw, "office_packs"),
        source=path,
    )


def _absolute(raw: Mapping[str, object], key: str) -> Path | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("/") or "\x00" in value:
        raise _Bad(f"{key} must be an absolute path")
    return Path(value)

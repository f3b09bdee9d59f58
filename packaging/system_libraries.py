"""Which of the bundle's native libraries Debian ships: those the .deb depends on instead of
carrying a copy, so they are Debian's own (with its security updates) and the installer is smaller.

PyInstaller copies every shared library the program links against, the system's too (GLib, X11,
OpenSSL, GnuTLS, SQLite, ...). On Debian 12 each of those is a package any desktop has or apt
installs with the kiosk. The libraries that come inside wheels (`av.libs/`, `PySide6/Qt/lib/`,
...) are not Debian's and stay; so does libpython (the kiosk brings its own Python and pulls none
in).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

#: Debian packages whose libraries stay in the bundle.
KEPT = frozenset({"libpython3.11"})
SYSTEM_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")
#: A file directly in a library folder (not in Python's dist-packages or a plugin folder).
_LIBRARY_FILE = re.compile(r"^/(usr/)?lib(64|/[a-z0-9_]+-linux-gnu)?/[^/]+$")
_OWNER = re.compile(r"^(?P<package>[^:,\s]+)(?::[a-z0-9]+)?(?:, [^:]+)*: (?P<path>/.+)$")


def owners(names: Iterable[str]) -> dict[str, str]:
    """Library file name -> the Debian package that ships a file of that name in a library
    folder (names no installed package ships are left out)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    result = subprocess.run(
        ["dpkg-query", "-S", *(f"*/{name}" for name in wanted)],
        capture_output=True,
        text=True,
        check=False,  # 1 when a name is not found: the others are still listed
    )
    found: dict[str, str] = {}
    for line in result.stdout.splitlines():
        match = _OWNER.match(line)
        if not match or not _LIBRARY_FILE.match(match["path"]):
            continue
        name = Path(match["path"]).name
        if name in wanted:
            found.setdefault(name, match["package"])
    return found


def from_debian(binaries: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Of PyInstaller's (destination, source) binaries, those copied from the system's library
    folders to the bundle's top level that a Debian package (not in KEPT) ships: dest -> package."""
    loose = {
        dest: Path(src).name
        for dest, src in binaries
        if "/" not in dest and src.startswith(SYSTEM_DIRS)
    }
    packages = owners([*loose.values(), *loose])
    out = {}
    for dest, name in loose.items():
        package = packages.get(dest) or packages.get(name)
        if package and package not in KEPT:
            out[dest] = package
    return out


def depends_line(packages: Iterable[str], already: str = "") -> str:
    """`pkg, ...` for the control file's Depends, without the packages `already` names. No
    versions: each package's name carries its library's soname, which Debian 12 keeps stable, so
    any Debian 12 point release satisfies them (the build machine's newer versions would force
    upgrades for nothing)."""
    named = set(re.findall(r"(?:^|,)\s*([a-z0-9][a-z0-9.+-]*)", already))
    return ", ".join(sorted(set(packages) - named))

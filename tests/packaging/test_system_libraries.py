"""Which of the bundle's libraries come from Debian instead (packaging/system_libraries.py): asked
of this machine's real dpkg database, as the build asks it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
from system_libraries import depends_line, from_debian, owners

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs Debian's dpkg")
LIB = "/lib/x86_64-linux-gnu"


def test_system_libraries_are_debians_and_the_rest_stay_in_the_bundle():
    binaries = [
        ("libglib-2.0.so.0", f"{LIB}/libglib-2.0.so.0"),  # GLib: Debian's
        ("libssl.so.3", f"{LIB}/libssl.so.3"),
        ("libpython3.11.so.1.0", f"{LIB}/libpython3.11.so.1.0"),  # the bundle's own Python
        # a wheel's own copies, and a module in a subfolder: never Debian's
        ("av.libs/libx264-d6533a8d.so.165", "/venv/site-packages/av.libs/libx264-d6533a8d.so.165"),
        ("libQt6Core.so.6", "/venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6"),
        ("_cffi_backend.cpython-311-x86_64-linux-gnu.so", "/venv/_cffi_backend.cpython-311.so"),
    ]
    assert from_debian(binaries) == {"libglib-2.0.so.0": "libglib2.0-0", "libssl.so.3": "libssl3"}


def test_a_python_module_of_the_same_name_is_not_a_library():
    # python3-cffi-backend ships _cffi_backend in dist-packages when installed: not a library
    assert "_cffi_backend.cpython-311-x86_64-linux-gnu.so" not in owners(
        ["_cffi_backend.cpython-311-x86_64-linux-gnu.so", "libz.so.1"]
    )


def test_depends_names_each_package_once_and_not_those_already_declared():
    fixed = "libc6 (>= 2.36), libglib2.0-0,\n fonts-noto-core"
    assert (
        depends_line(["libssl3", "libglib2.0-0", "zlib1g", "libssl3"], fixed) == "libssl3, zlib1g"
    )
    assert depends_line([], fixed) == ""

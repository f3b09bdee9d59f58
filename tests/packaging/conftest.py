"""tests/packaging: the packaged kiosk.

`test_package.py` is marked `package` (declared in pyproject.toml): it builds the .deb with
PyInstaller and dpkg-deb and runs the installed program (a minute or two). `make test` runs the
rest of the suite first (`-m "not package"`), then these (`-m package`); `make package-test` runs
only these. `test_selftest.py` is fast and runs with the rest of the suite.
"""

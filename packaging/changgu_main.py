"""Entry point of the packaged (PyInstaller) build: the same `changgu` command as the wheel's."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main())

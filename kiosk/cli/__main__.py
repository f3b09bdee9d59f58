"""`python -m kiosk.cli`: the `changgu` command."""

import sys

from kiosk.cli import main

sys.exit(main())

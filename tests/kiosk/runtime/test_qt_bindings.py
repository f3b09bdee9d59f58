"""The Qt bindings keep Python's reference counts straight across signal emission.

PySide6 6.12.0 drops a reference to `True` on every `Signal.emit` (with or without a receiver);
after a few thousand signals the interpreter aborts ("bool_dealloc: deallocating True or False"),
mid-visit or at exit. The kiosk emits a signal for every partial caption, so this is pinned away
(pyproject.toml) and checked here, so that an upgrade cannot bring it back unnoticed.

The counts are read in an interpreter of their own: in the test process, threads that earlier
tests left winding down (a server's, a recogniser's) take and drop references to `None` while the
signals are emitted, so an exact comparison there says nothing about the bindings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_EMIT = """
import json, sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    text = Signal(str)
    anything = Signal(object)
    flag = Signal(bool)

app = QCoreApplication([])
emitter = Emitter()
received = []
emitter.anything.connect(received.append)
emitter.flag.connect(received.append)
before = [sys.getrefcount(x) for x in (True, False, None)]
for _ in range(500):
    emitter.text.emit("a partial caption")
    emitter.anything.emit(None)
    emitter.flag.emit(True)
received.clear()
after = [sys.getrefcount(x) for x in (True, False, None)]
print(json.dumps({"before": before, "after": after}))
"""


def test_signal_emission_keeps_reference_counts() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _EMIT], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    # True, False, None: 500 emissions of each signal leave every count where it was
    assert counts["after"] == counts["before"]

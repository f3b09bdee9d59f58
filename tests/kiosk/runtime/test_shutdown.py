"""`changgu demo` ends like any program: the interpreter finalises normally and exits with 0.

The command used to end with `os._exit()` to hide an abort in the interpreter's clean-up
("Fatal Python error: bool_dealloc"): PySide6 6.12.0 dropped a reference to True on every
signal emitted from Python (see test_qt_bindings.py), and the interpreter aborted once the
objects holding True were released at exit. These run real processes with the normal exit path:
the demo start to end, and a kiosk that emitted as many signals as a long day at the counter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _changgu_command() -> list[str]:
    script = Path(sys.executable).with_name("changgu")  # the installed console script
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "kiosk.cli"]


# A long day at the counter, in signals emitted from Python (partial captions, states, turns).
_LONG_DAY = """
import sys
from kiosk.runtime.app import make_app
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup.settings import Settings

app = make_app(offscreen=True)
kiosk = Kiosk(Settings())
for _ in range(20_000):
    kiosk.state_changed.emit("visitor", "recognising")
    kiosk.status.emit(None)
kiosk.stop()
print("emitted")
"""


def test_exit_after_many_signals(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONFAULTHANDLER": "1",
        "CHANGGU_CONFIG_DIR": str(tmp_path / "config"),
        "CHANGGU_LOG_DIR": str(tmp_path / "log"),
    }
    result = subprocess.run(
        [sys.executable, "-c", _LONG_DAY], capture_output=True, text=True, timeout=120, env=env
    )
    assert "Fatal Python error" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "emitted" in result.stdout


def test_demo_exits_cleanly(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONFAULTHANDLER": "1",  # a crash prints where it happened
        "CHANGGU_CONFIG_DIR": str(tmp_path / "config"),
        "CHANGGU_LOG_DIR": str(tmp_path / "log"),
    }
    demo = ["demo", "--fast", "--exit", "--offscreen", "--screenshots", str(shots)]
    result = subprocess.run(
        [*_changgu_command(), *demo],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    report = (
        f"exit {result.returncode}\n--- stdout:\n{result.stdout[-3000:]}"
        f"\n--- stderr:\n{result.stderr[-3000:]}"
    )
    for crash in ("Fatal Python error", "Segmentation fault", "Traceback"):
        assert crash not in result.stderr, report
    assert result.returncode == 0, report
    assert "bilingual transcript of the last visit" in result.stdout, report
    assert "Changgu visit transcript" in result.stdout, report
    assert (shots / "9-end-staff.png").is_file(), report
    assert (shots / "9-end-visitor.png").is_file(), report

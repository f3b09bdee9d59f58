"""Logging never stops the kiosk: a log file it cannot keep leaves the logs on the screen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kiosk.setup.blocking import PATIENCE_S


@pytest.mark.parametrize("log_file", ["changgu.log", "crash.log"])
def test_a_pipe_in_place_of_a_log_file_leaves_the_logs_on_the_screen(
    tmp_path: Path, log_file: str
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    os.mkfifo(logs / log_file)  # opening it to write would wait for a reader forever
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "models", "list"],
        capture_output=True,
        text=True,
        timeout=PATIENCE_S * 3,
        env={**os.environ, "CHANGGU_LOG_DIR": str(logs), "CHANGGU_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0 and "whisper-base" in result.stdout
    [warning] = result.stderr.splitlines()
    assert f"cannot write the log file {logs / log_file}" in warning
    assert f"Remove {logs / log_file}" in warning and "restart Changgu" in warning
    other = "crash.log" if log_file == "changgu.log" else "changgu.log"
    assert (logs / other).is_file()  # the other one is kept as usual

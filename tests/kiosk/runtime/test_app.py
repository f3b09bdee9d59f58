"""The kiosk writes nothing outside its own folders: started under a fresh home, through speech
recognition (Silero VAD and Whisper), phrase matching and the screens, it leaves that home empty.
ONNX Runtime in particular keeps a device id and queued telemetry under ~/.cache/Microsoft unless
it is told not to before its first import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.demo.script import demo_script


def test_a_visit_leaves_a_fresh_home_untouched(installed_models: Path, tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    script = work / "visit.toml"
    fee = demo_script().path("synthetic_en_02_fee.wav")
    script.write_text(f'[[step]]\nkind = "speech"\naudio = "{fee}"\n', "utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "CHANGGU_DATA_DIR": str(installed_models.parent),  # the models, where they are installed
        "CHANGGU_CONFIG_DIR": str(work / "config"),
        "CHANGGU_LOG_DIR": str(work / "log"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    demo = ["demo", "--script", str(script), "--fast", "--json", "--exit"]
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *demo, "--screenshots", str(work / "shots")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert '"How much is the fee?"' in run.stdout  # it really heard and matched the recording
    assert sorted(str(p.relative_to(home)) for p in home.rglob("*")) == []

"""The soak benchmark, shortened to one minute: the live kiosk through four or so visits. The test
holds the report's functional checks (threads, descriptors, every turn shown, nothing of a visit
left in memory, on the screens or on disk); speed and memory drift are a benchmark's business, not
a test's (they depend on what else the machine runs), so they are printed, not asserted.
`make bench` runs the hour-long version with every target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_one_minute_soak_meets_its_targets(tmp_path, shared_dir, installed_models):
    report_path = tmp_path / "soak.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CHANGGU_CONFIG_DIR": str(tmp_path / "config"),
        "CHANGGU_LOG_DIR": str(tmp_path / "log"),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.soak",
            "--minutes",
            "1",
            "--shared",
            str(shared_dir),
            "--json",
            str(report_path),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = run.stdout[run.stdout.find("== soak") :]
    assert report_path.is_file(), f"no report: {run.stderr[-2000:]}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    measured = ("latency_p95", "rss_drift")  # benchmark figures: reported, not asserted
    failed = {
        name: check
        for name, check in report["checks"].items()
        if name not in measured and not check["pass"]
    }
    print(summary)
    assert not failed, summary
    assert report["visits"] >= 3 and report["checks"]["turns"]["timed"] >= 6, summary
    # the checks looked at something: visit texts were searched for, minutes were sampled
    assert report["checks"]["visit_text_after_new_visit"]["texts_checked"] > 0
    assert len(report["samples"]) >= 3

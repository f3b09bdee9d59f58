"""`changgu transcribe --realtime --json --partials`: each result says when it was emitted.

(The command lives in kiosk/cli/speech.py; this checks the timing contract of the streaming
recogniser as the command reports it.)
"""

from __future__ import annotations

import json
import subprocess
import sys


def changgu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], capture_output=True, text=True, timeout=180
    )


def test_realtime_json_carries_emission_times_and_partials(clip_by_id):
    clip = clip_by_id["ko_sub100122a00233"]
    result = changgu(
        "transcribe", str(clip.path), "--langs", "ko,en", "--realtime", "--json", "--partials"
    )
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    finals = [o for o in objects if o["final"]]
    partials = [o for o in objects if not o["final"]]
    assert len(finals) == 1 and partials
    emitted = [o["emitted"] for o in objects]
    assert emitted == sorted(emitted)
    # paced like a microphone: nothing is known before it has been heard
    assert all(o["emitted"] >= o["end"] for o in objects)
    assert objects[-1]["final"]

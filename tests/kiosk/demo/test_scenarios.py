"""Counter scenarios in the counter's real order, played end to end by `changgu demo --script`.

Each `scenarios/*.toml` is a script in the demo's format (speech without a side enters where the
counter microphone would) plus `[[expect]]` tables: the finished turns the kiosk must produce, in
order. The kiosk runs as a user runs it (a subprocess, real models, offscreen windows), and its
`--json` output is compared with the expectations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).parent / "scenarios"
DEMO = Path(str(resources.files("assets").joinpath("demo")))


def play(script: Path, tmp_path: Path) -> tuple[list[dict[str, object]], str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["CHANGGU_CONFIG_DIR"] = str(tmp_path / "config")
    env["CHANGGU_LOG_DIR"] = str(tmp_path / "log")
    run = subprocess.run(
        [
            *(sys.executable, "-m", "kiosk.cli", "demo", "--script", str(script), "--json"),
            *("--fast", "--offscreen", "--exit", "--screenshots", str(tmp_path / "shots")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    turns = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    return turns, run.stderr


def instantiate(template: Path, shared_dir: Path, tmp_path: Path) -> tuple[Path, list[dict]]:
    text = template.read_text("utf-8").replace("{demo}", str(DEMO))
    text = text.replace("{shared}", str(shared_dir))
    script = tmp_path / template.name
    script.write_text(text, "utf-8")
    return script, tomllib.loads(text)["expect"]


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIOS.glob("*.toml")))
def test_scenario_plays_right_end_to_end(name: str, shared_dir: Path, tmp_path: Path) -> None:
    script, expected = instantiate(SCENARIOS / f"{name}.toml", shared_dir, tmp_path)
    turns, log = play(script, tmp_path)
    got = [{k: t.get(k) for k in e} for t, e in zip(turns, expected, strict=False)]
    shown = "\n".join(map(str, turns))
    assert got == expected and len(turns) == len(expected), f"{shown}\n--- stderr:\n{log[-4000:]}"
    for turn in turns:  # every finished turn carries the keys a script's reader relies on
        assert set(turn) == {
            "visit",
            "side",
            "lang",
            "text",
            "kind",
            "translated_lang",
            "translated_text",
            "phrase_id",
        }
    assert not any(t["text"] in log for t in turns)  # stderr carries no utterance text


def test_a_bad_script_names_the_step_and_nothing_starts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[step]]\nkind = "visitor_lang"\nlang = "en"\n\n[[step]]\nkind = "dance"\n')
    run = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "demo", "--script", str(bad), "--offscreen"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and run.stdout == ""
    assert "step 2" in run.stderr and "unknown kind 'dance'" in run.stderr
    assert "Traceback" not in run.stderr

"""`changgu policy show` and `changgu policy pin-hash`."""

from __future__ import annotations

import io
import os

import pytest

from kiosk.cli import main
from kiosk.setup.policy import load_policy, pin_matches


@pytest.mark.skipif(os.geteuid() != 0, reason="a policy is trusted only as root's")
def test_show_says_what_is_set_and_locked_or_why_it_is_refused(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "etc"
    folder.mkdir(mode=0o755)
    path = folder / "policy.toml"
    monkeypatch.setenv("CHANGGU_POLICY", str(path))
    assert main(["policy", "show"]) == 0
    assert "no system policy" in capsys.readouterr().out
    path.write_text('languages = ["en"]\nlocked = ["languages"]\nreason = "city IT"\n')
    assert main(["policy", "show"]) == 0
    out = capsys.readouterr().out
    assert "languages = en  (locked)" in out and "reason: city IT" in out
    path.write_text('languages = ["en"]\nsecret = 1\n')
    assert main(["policy", "show"]) == 1
    assert "refused: unknown key(s) 'secret'" in capsys.readouterr().out


def test_pin_hash_makes_a_line_for_the_policy(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("sys.stdin", io.StringIO("482913\n"))
    assert main(["policy", "pin-hash"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('pin_hash = "pbkdf2_sha256$') and "482913" not in line
    assert pin_matches("482913", line.split('"')[1])
    if os.geteuid() == 0:
        folder = tmp_path / "etc"
        folder.mkdir(mode=0o755)
        (folder / "policy.toml").write_text(line + "\n")
        assert load_policy(folder / "policy.toml").pin_hash == line.split('"')[1]
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["policy", "pin-hash"]) == 2
    assert "4 to 8 digits" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() != 0, reason="a policy is trusted only as root's")
def test_a_locked_building_server_cannot_be_changed_from_the_command_line(
    tmp_path, monkeypatch, capsys, private_data
):
    folder = tmp_path / "etc"
    folder.mkdir(mode=0o755)
    path = folder / "policy.toml"
    path.write_text('building_url = "https://a.city.local"\nlocked = ["building_url"]\n')
    monkeypatch.setenv("CHANGGU_POLICY", str(path))
    assert main(["building", "set", "--url", "https://b.city.local"]) == 2
    assert "locked by the city's policy" in capsys.readouterr().err
    assert main(["building", "clear"]) == 2

"""The city's system policy: applied over staff's settings, locking what it names, and refused
whole, with one clear message, when it cannot be trusted or read; the kiosk then runs on its own
settings and never stops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.setup.building import building_config
from kiosk.setup.policy import hash_pin, load_policy, pin_matches
from kiosk.setup.settings import Settings

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a policy is trusted only as root's")

GOOD = """
languages = ["en", "vi"]
building_url = "https://changgu.city.local:8400"
idle_timeout_s = 120
speak_translations = true
locked = ["languages", "building_url"]
reason = "Set by the city's IT service (tel. 120)"
"""


def write(folder: Path, text: str, mode: int = 0o644) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    path = folder / "policy.toml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_the_policy_sets_and_locks_over_staff_s_own_settings(tmp_path):
    own = tmp_path / "settings.json"
    Settings(languages=("th",), idle_timeout_s=600, speak_translations=False).save(own)
    policy = load_policy(write(tmp_path / "etc", GOOD))
    assert policy.problems == ()
    settings = Settings.load(own, policy)
    assert settings.problems == []
    assert settings.languages == ("en", "vi") and settings.idle_timeout_s == 120
    assert settings.speak_translations is True
    assert settings.building_url == "https://changgu.city.local:8400"
    assert settings.locked("languages") == "Set by the city's IT service (tel. 120)"
    assert settings.locked("idle_timeout_s") is None  # set, but staff may change it
    settings.idle_timeout_s = 300
    settings.save(own)  # what staff save is their own file; the policy is never written there
    again = Settings.load(own, policy)
    assert again.idle_timeout_s == 120  # the policy applies again at the next start


HOSTILE = {
    "unknown key": GOOD + 'telemetry_url = "http://evil.example"\n',
    "wrong type": 'idle_timeout_s = "soon"\n',
    "unknown language": 'languages = ["en", "xx"]\n',
    "bad address": 'building_url = "ftp://x"\n',
    "not TOML": "languages = [\n",
    "unknown lock": 'locked = ["camera"]\n',
    "lock not a list": 'locked = "languages"\n',
    "relative token path": 'building_token_file = "token"\n',
    "bad pin hash": 'pin_hash = "1234"\n',
    "long reason": f'reason = "{"x" * 300}"\n',
    "not UTF-8": b"languages = ['\xff']\n",
    "huge": "# " + "x" * 70_000 + "\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_broken_or_hostile_policy_is_refused_whole(tmp_path, name):
    text = HOSTILE[name]
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "policy.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    policy = load_policy(path)
    assert len(policy.problems) == 1 and "refused" in policy.problems[0]
    assert "runs on its own settings" in policy.problems[0]
    settings = Settings.load(tmp_path / "none.json", policy)
    assert settings == Settings()  # the kiosk's own (here: default) settings, nothing locked
    assert settings.problems == list(policy.problems)
    assert settings.locked("languages") is None


def test_an_untrusted_file_or_folder_is_refused(tmp_path):
    path = write(tmp_path / "a", GOOD, mode=0o666)
    assert "others may write to the file" in load_policy(path).problems[0]

    path = write(tmp_path / "b", GOOD)
    os.chmod(path.parent, 0o777)
    assert "others may write to its folder" in load_policy(path).problems[0]

    path = write(tmp_path / "c", GOOD)
    os.chown(path, 65534, 65534)
    assert "not owned by root" in load_policy(path).problems[0]

    real = write(tmp_path / "d", GOOD)
    link = tmp_path / "d" / "link.toml"
    link.symlink_to(real)
    assert "symbolic link" in load_policy(link).problems[0]

    fifo = tmp_path / "e" / "policy.toml"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    assert "not a plain file" in load_policy(fifo).problems[0]


def test_no_policy_file_is_no_policy(tmp_path):
    policy = load_policy(tmp_path / "none.toml")
    assert policy.problems == () and policy.source is None and not policy.values


def test_the_pin_hash_checks_the_pin_without_keeping_it():
    pin_hash = hash_pin("482913")
    assert "482913" not in pin_hash
    assert pin_matches("482913", pin_hash)
    assert not pin_matches("482914", pin_hash) and not pin_matches("", pin_hash)
    assert not pin_matches("482913", "pbkdf2_sha256$x$zz$00")


def test_the_building_token_from_the_policy_is_root_s_and_the_kiosk_group_s(tmp_path, monkeypatch):
    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path / "config"))
    token = tmp_path / "etc" / "building-token"
    token.parent.mkdir()
    token.write_text("city-token-0123456789abcdef\n")
    os.chmod(token, 0o640)
    path = write(tmp_path / "etc", GOOD + f'building_token_file = "{token}"\n')
    settings = Settings.load(tmp_path / "none.json", load_policy(path))
    config, problems = building_config(settings)
    assert problems == [] and config is not None
    assert config.token == "city-token-0123456789abcdef"
    os.chmod(token, 0o644)  # readable by every user on the PC: not used
    config, problems = building_config(settings)
    assert config is not None and config.token == ""
    assert "readable by root and the kiosk's group only" in problems[0]

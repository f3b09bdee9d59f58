"""`changgu building set|check|clear` against a real server on loopback."""

from __future__ import annotations

import stat

from kiosk.cli import main
from kiosk.setup.building import token_path
from kiosk.setup.settings import Settings


def test_staff_point_the_counter_at_the_server_check_it_and_clear_it(
    server, private_data, tmp_path, capsys
):
    token = tmp_path / "token.txt"
    token.write_text(server.token + "\n")
    assert main(["building", "set", "--url", server.url, "--token-file", str(token)]) == 0
    out = capsys.readouterr().out
    assert "answers and takes the token" in out and "translates from: en" in out
    assert Settings.load().building_url == server.url
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600

    token.write_text("wrong-token-0123456789")
    assert main(["building", "set", "--url", server.url, "--token-file", str(token)]) == 1
    assert "HTTP 401" in capsys.readouterr().out

    assert main(["building", "clear"]) == 0
    assert Settings.load().building_url == "" and not token_path().exists()
    assert main(["building", "check"]) == 0
    assert "works alone" in capsys.readouterr().out


def test_a_wrong_address_is_refused_before_anything_is_saved(private_data, capsys):
    assert main(["building", "set", "--url", "ftp://server"]) == 2
    assert "http:// or https://" in capsys.readouterr().err
    assert Settings.load().building_url == ""


def test_nothing_listening_is_said_plainly(private_data, capsys):
    assert main(["building", "set", "--url", "http://127.0.0.1:9"]) == 1
    assert "does not answer" in capsys.readouterr().out

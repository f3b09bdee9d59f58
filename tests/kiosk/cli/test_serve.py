"""`changgu serve` refuses to start with a token others could read, or settings that cannot work,
and says how to fix each (the server itself is tested in tests/building)."""

from __future__ import annotations

import os

import pytest

from kiosk.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["serve", *args])
    return code, capsys.readouterr().err


def token_file(tmp_path, text: str = "token-0123456789abcdef", mode: int = 0o600):
    path = tmp_path / "token"
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_a_token_file_others_may_read_is_refused(tmp_path, capsys):
    code, err = run(["--token-file", str(token_file(tmp_path, mode=0o644))], capsys)
    assert code == 2 and "chmod 600" in err


def test_a_missing_or_short_token_is_refused(tmp_path, capsys):
    code, err = run(["--token-file", str(tmp_path / "none")], capsys)
    assert code == 2 and "openssl rand -hex 32" in err
    code, err = run(["--token-file", str(token_file(tmp_path, "short"))], capsys)
    assert code == 2 and "at least 16 characters" in err


def test_tls_needs_both_files(tmp_path, capsys):
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    code, err = run(["--token-file", str(token_file(tmp_path)), "--cert", str(cert)], capsys)
    assert code == 2 and "both --cert and --key" in err


def test_a_work_folder_too_deep_for_ray_s_sockets_is_refused(tmp_path, capsys):
    deep = tmp_path / ("d" * 60)
    code, err = run(["--token-file", str(token_file(tmp_path)), "--work-dir", str(deep)], capsys)
    assert code == 2 and "too long a path" in err

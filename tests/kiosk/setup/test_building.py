"""The building server's settings: address and CA checked like every setting, the token kept in a
file only the kiosk's user can read."""

from __future__ import annotations

import os
import stat

import pytest

from kiosk.setup.building import building_config, read_token, save_token, token_path
from kiosk.setup.settings import Settings


def test_the_token_is_saved_readable_by_its_owner_only(private_data):
    save_token("  secret-token-0123456789  ")
    info = token_path().stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert read_token() == ("secret-token-0123456789", None)
    save_token("another-token-0123456789")  # replaced whole
    assert read_token()[0] == "another-token-0123456789"


@pytest.mark.parametrize("token", ["", "two words", "x" * 600, "line\nbreak"])
def test_a_malformed_token_is_refused(private_data, token):
    with pytest.raises(ValueError, match="one word"):
        save_token(token)


def test_a_token_others_may_read_or_a_link_is_not_used(private_data, tmp_path):
    save_token("secret-token-0123456789")
    os.chmod(token_path(), 0o644)
    token, problem = read_token()
    assert token == "" and problem and "read by others" in problem
    os.unlink(token_path())
    target = tmp_path / "elsewhere"
    target.write_text("secret-token-0123456789")
    os.chmod(target, 0o600)
    os.symlink(target, token_path())
    token, problem = read_token()
    assert token == "" and problem and "not a plain file" in problem


def test_no_address_means_the_counter_works_alone(private_data):
    assert building_config(Settings()) == (None, [])


def test_the_configured_server_with_its_token(private_data):
    save_token("secret-token-0123456789")
    config, problems = building_config(Settings(building_url="https://changgu.city.local:8400"))
    assert problems == [] and config is not None
    assert config.url == "https://changgu.city.local:8400"
    assert config.token == "secret-token-0123456789"


def test_a_missing_ca_bundle_is_a_problem_for_staff_not_a_crash(private_data, tmp_path):
    settings = Settings(building_url="https://x.local", building_ca=str(tmp_path / "none.pem"))
    config, problems = building_config(settings)
    assert config is None and any("CA bundle" in p for p in problems)


@pytest.mark.parametrize(
    "value", ["ftp://server", "javascript:alert(1)", "changgu.local", 8400, ["http://a"]]
)
def test_a_hostile_or_wrong_address_in_the_settings_file_keeps_the_default(value):
    settings = Settings.from_dict({"building_url": value})
    assert settings.building_url == ""
    assert any("building_url" in p for p in settings.problems)

"""The kiosk's client on its own: configuration problems named, and a closed client (the kiosk
stopping while a final is on its way) is an unavailable server, never a crash."""

from __future__ import annotations

import re

import numpy as np
import pytest

from building.client import BuildingClient, BuildingConfig, BuildingUnavailable


@pytest.mark.parametrize(
    ("url", "problem"),
    [("ftp://x", "not an http(s) URL"), ("https://", "not an http(s) URL"), ("x", "not an")],
)
def test_an_unusable_address_is_named(url, problem):
    assert any(problem in p for p in BuildingConfig(url).problems())
    with pytest.raises(ValueError, match=re.escape(problem)):
        BuildingClient(BuildingConfig(url))


def test_a_missing_ca_bundle_is_named(tmp_path):
    config = BuildingConfig("https://x.local", ca_bundle=tmp_path / "none.pem")
    assert config.problems() == [f"the CA bundle {tmp_path / 'none.pem'} does not exist"]


def test_a_closed_client_falls_back_instead_of_crashing():
    client = BuildingClient(BuildingConfig("http://127.0.0.1:9", token="t" * 20))
    client.close()
    with pytest.raises(BuildingUnavailable):
        client.transcribe(np.zeros(1600, np.float32), ("ko", "en"))
    with pytest.raises(BuildingUnavailable):
        client.translate("hello", "en", "ko")
    assert not client.healthy()

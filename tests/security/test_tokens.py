"""Tokens beyond tests/api/test_auth.py: a device token (in ODK Collect's server URL, so seen by
proxies and logs) opens the OpenRosa endpoints only, a login token is never accepted in a URL,
a disabled user's device token and Basic credentials stop working, and no token reaches a log."""

import pytest

from api.logs import configure_logging

from tests.api.collect import basic
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def admin(make_account):
    return make_account("admin")


@pytest.fixture
def collector(make_account):
    return make_account("enumerator", username="collector")


def device_token(client, admin, user_id: int) -> str:
    created = client.post(f"/api/v1/users/{user_id}/device-tokens", json={"label": "tablet"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    return created.json()["collect_server_url"].rstrip("/").rsplit("/", 1)[-1]


def test_a_device_token_does_not_open_the_json_api(client, admin, collector):
    token = device_token(client, admin, collector.user.id)
    assert client.get(f"/openrosa/key/{token}/formList").status_code == 200
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_a_login_token_is_not_accepted_in_a_url(client, collector):
    assert client.get("/api/v1/auth/me", headers=collector.headers).status_code == 200
    assert client.get(f"/openrosa/key/{collector.token}/formList").status_code == 401


def test_disabling_a_user_stops_their_device_token_and_basic_credentials(client, admin, collector):
    token = device_token(client, admin, collector.user.id)
    assert client.get("/openrosa/formList", headers=basic("collector", TEST_PASSWORD)).status_code == 200
    disabled = client.patch(f"/api/v1/users/{collector.user.id}", json={"is_active": False}, headers=admin.headers)
    assert disabled.status_code == 200, disabled.text
    assert client.get(f"/openrosa/key/{token}/formList").status_code == 401
    assert client.get("/openrosa/formList", headers=basic("collector", TEST_PASSWORD)).status_code == 401


def test_device_tokens_in_urls_never_reach_the_access_log(client, admin, collector, capfd):
    token = device_token(client, admin, collector.user.id)
    configure_logging("INFO", json_output=True)  # the handler writes to the stream captured now
    capfd.readouterr()
    assert client.get(f"/openrosa/key/{token}/formList").status_code == 200
    assert client.get("/openrosa/key/not-a-real-token/formList").status_code == 401
    logged = capfd.readouterr().err
    assert "/openrosa/key/[redacted]/formList" in logged
    assert token not in logged
    assert "not-a-real-token" not in logged

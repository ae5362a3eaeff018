"""A database that cannot be reached answers 503 with Retry-After, so that clients resend, never 500."""

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from tests.conftest import TEST_SECRET
from tests.reliability.live_server import free_port


def test_unreachable_database_is_a_503_telling_when_to_retry():
    nothing_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/sinmiedo"
    settings = Settings(environment="test", database_url=nothing_listens, secret_key=TEST_SECRET, log_json=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/submissions", headers={"Authorization": "Bearer some-token"})
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["code"] == "database_unavailable"

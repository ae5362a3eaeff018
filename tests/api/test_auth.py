"""Login, tokens, revocation, throttling and per-role access, through HTTP."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.db_types import utcnow
from api.users.models import AccessToken, LoginThrottle, Role
from tests.conftest import TEST_PASSWORD

ALL_ROLES = [r.value for r in Role]


def login(client: TestClient, username: str, password: str = TEST_PASSWORD):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_login_issues_a_bearer_token_that_authenticates(client, make_account):
    account = make_account("analyst", username="ana")
    response = login(client, "ana")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "ana"
    assert me.json()["role"] == "analyst"
    assert "password_hash" not in me.json()
    assert account.user.id == me.json()["id"]


def test_username_is_case_insensitive_at_login(client, make_account):
    make_account("analyst", username="ana")
    assert login(client, "  ANA ").status_code == 200


def test_wrong_password_is_401_problem(client, make_account):
    make_account("analyst", username="ana")
    response = login(client, "ana", "wrong password!")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_credentials"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    response = login(client, "nobody")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_logout_revokes_the_token(client, make_account):
    account = make_account("supervisor")
    assert client.get("/api/v1/auth/me", headers=account.headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=account.headers).status_code == 204
    after = client.get("/api/v1/auth/me", headers=account.headers)
    assert after.status_code == 401
    assert after.json()["code"] == "token_revoked"


def test_disabling_a_user_revokes_their_tokens(client, make_account):
    admin = make_account("admin")
    victim = make_account("enumerator")
    response = client.patch(f"/api/v1/users/{victim.user.id}", json={"is_active": False}, headers=admin.headers)
    assert response.status_code == 200
    after = client.get("/api/v1/auth/me", headers=victim.headers)
    assert after.status_code == 401
    assert after.json()["code"] in {"token_revoked", "user_disabled"}
    assert login(client, victim.user.username).status_code == 401


def test_expired_token_is_refused(client, make_account, engine):
    account = make_account("analyst")
    with Session(engine) as session:
        for token in session.exec(select(AccessToken).where(AccessToken.user_id == account.user.id)):
            token.expires_at = utcnow() - timedelta(seconds=1)
            session.add(token)
        session.commit()
    response = client.get("/api/v1/auth/me", headers=account.headers)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_tampered_token_is_refused(client, make_account):
    account = make_account("analyst")
    tampered = account.token[:-2] + ("AA" if account.token[-2:] != "AA" else "BB")
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_missing_token_is_401_with_challenge(client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"


def test_repeated_failures_slow_down_logins_even_with_the_right_password(client, make_account, engine):
    make_account("analyst", username="ana")
    for _ in range(5):
        assert login(client, "ana", "wrong password!").status_code == 401
    throttled = login(client, "ana")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "login_throttled"
    assert int(throttled.headers["retry-after"]) >= 1
    with Session(engine) as session:
        throttle = session.get(LoginThrottle, "ana")
        assert throttle.failures == 5
        throttle.locked_until = utcnow() - timedelta(seconds=1)
        session.add(throttle)
        session.commit()
    assert login(client, "ana").status_code == 200
    with Session(engine) as session:
        assert session.get(LoginThrottle, "ana") is None


def test_failures_for_unknown_usernames_are_throttled_too(client):
    for _ in range(5):
        login(client, "ghost", "guess-number-n")
    assert login(client, "ghost", "guess-number-n").status_code == 429


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_admins_may_manage_users(client, make_account, role):
    account = make_account(role)
    response = client.get("/api/v1/users", headers=account.headers)
    if role == "admin":
        assert response.status_code == 200
        assert response.json()["total"] == 1
    else:
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "permission_denied"
        assert body["permission"] == "manage_users"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_admins_may_read_the_audit_trail(client, make_account, role):
    account = make_account(role)
    response = client.get("/api/v1/audit", headers=account.headers)
    assert response.status_code == (200 if role == "admin" else 403)


def test_admin_creates_a_user_who_can_then_log_in(client, make_account, engine):
    admin = make_account("admin")
    created = client.post(
        "/api/v1/users",
        json={"username": "Maria.Lopez", "role": "enumerator", "password": "a-long-password", "sex": "female"},
        headers=admin.headers,
    )
    assert created.status_code == 201
    assert created.json()["username"] == "maria.lopez"
    assert login(client, "maria.lopez", "a-long-password").status_code == 200
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "user.create" in actions and "auth.login" in actions


def test_duplicate_username_is_409(client, make_account):
    admin = make_account("admin", username="boss")
    response = client.post(
        "/api/v1/users", json={"username": "boss", "role": "analyst", "password": "a-long-password"}, headers=admin.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


def test_pagination_is_capped(client, make_account):
    admin = make_account("admin")
    response = client.get("/api/v1/users?limit=100000", headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]

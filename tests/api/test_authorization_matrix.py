"""Every route x every role (and anonymous) against the declared decision."""

import re

import pytest

from api.app import create_app
from api.config import Settings
from api.security import ROLE_PERMISSIONS, Permission
from api.users.models import Role
from tests.api.authorization_matrix import DECISIONS

PLACEHOLDER = {"instance_id": "3f0c8a4e-0d7c-4a8e-9a51-2b1f5d7c9e10"}


def app_routes() -> set[str]:
    schema = create_app(Settings(environment="test", database_url="sqlite://")).openapi()
    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations}


def test_every_route_has_an_access_decision():
    routes = app_routes()
    assert routes - set(DECISIONS) == set(), "routes without an access decision in tests/api/authorization_matrix.py"
    assert set(DECISIONS) - routes == set(), "decisions for routes that no longer exist"


def test_every_decision_names_a_known_permission():
    for decision in DECISIONS.values():
        assert decision in ("public", "authenticated") or decision in Permission.__members__


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDER.get(m.group(1), "1"), path)


def _call(client, method: str, path: str, headers: dict[str, str]):
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return client.request(method, _url(path), headers=headers, **kwargs)


def _allowed(decision: str, role: Role) -> bool:
    return decision in ("public", "authenticated") or Permission(decision) in ROLE_PERMISSIONS[role]


@pytest.mark.parametrize("route", sorted(DECISIONS))
def test_route_answers_each_role_as_decided(client, make_account, route):
    method, path = route.split(" ", 1)
    decision = DECISIONS[route]
    anonymous = _call(client, method, path, {})
    if decision == "public":
        assert anonymous.status_code not in (401, 403), route
    else:
        assert anonymous.status_code == 401, route
    for role in Role:
        response = _call(client, method, path, make_account(role).headers)
        if _allowed(decision, role):
            assert response.status_code not in (401, 403), f"{route} should allow {role.value}: {response.text}"
        else:
            assert response.status_code == 403, f"{route} should refuse {role.value}"
            assert response.json()["code"] == "permission_denied"

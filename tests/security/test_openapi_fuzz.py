"""Property-based fuzzing of every operation in the OpenAPI document (schemathesis).

Each operation is called with generated parameters and bodies, as a user whose role may
call it (so the requests reach past authentication into validation and the services) and, on
SQLite, as an anonymous caller. Whatever comes in, the service answers below 500 and every error
is the one problem+json shape. Examples per operation are bounded and derandomized so the
run is short and the same on every machine.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from api.errors import PROBLEM_JSON
from api.security import ROLE_PERMISSIONS, Permission
from api.users.models import Role
from tests.api.authorization_matrix import DECISIONS
from tests.api.submission_data import publish_bundled

# PostgreSQL runs the same generated cases, fewer of them: its round trips make each one dearer.
# SINMIEDO_FUZZ_EXAMPLES=200 makes a deeper run by hand.
EXAMPLES_PER_OPERATION = {"sqlite": 10, "postgresql": 4}
DEEPER_RUN = int(os.environ.get("SINMIEDO_FUZZ_EXAMPLES", "0"))
# Pages of the dashboard may answer a miss with an HTML page; every other error is problem+json.
HTML_PAGES = "/dashboard"


@pytest.fixture
def seeded(engine):
    """Real records for generated ids and names to hit, beside the misses."""
    publish_bundled(engine, "perception")


def role_for(decision: str) -> Role | None:
    if decision == "public":
        return None
    if decision == "authenticated":
        return Role.enumerator
    return next(role for role in Role if Permission(decision) in ROLE_PERMISSIONS[role])


def assert_well_formed(response, label: str) -> None:
    assert response.status_code < 500, f"{label} answered {response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        if label.split(" ", 1)[1].startswith(HTML_PAGES) and content_type.startswith("text/html"):
            return
        assert content_type.startswith(PROBLEM_JSON), f"{label}: {response.headers}"
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], f"{label}: {body}"
        assert isinstance(body.get("detail"), str), f"{label}: {body}"
        assert body.get("status") == response.status_code, f"{label}: {body}"


@pytest.mark.parametrize("label", sorted(DECISIONS))
def test_no_operation_answers_500_or_an_unshaped_error(label, app, make_account, seeded, database_url):
    method, path = label.split(" ", 1)
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]
    role = role_for(DECISIONS[label])
    headers = make_account(role).headers if role is not None else {}
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"

    @given(case=cases)
    @settings(
        max_examples=DEEPER_RUN or EXAMPLES_PER_OPERATION[backend],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        assert_well_formed(case.call(headers=headers), label)
        if backend == "sqlite" and role is not None:
            assert_well_formed(case.call(headers={"Authorization": ""}), label + " (anonymous)")

    call()


# --- what the fuzzing found, kept as plain regressions ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/users/99999999999999999999",
        "/api/v1/users?offset=99999999999999999999",
        "/api/v1/audit?actor_id=99999999999999999999",
        "/api/v1/public/releases/99999999999999999999",
        "/dashboard/releases/99999999999999999999",
    ],
)
def test_ids_and_offsets_past_what_the_database_stores_are_422_not_500(client, make_account, url):
    response = client.get(url, headers=make_account(Role.admin).headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


@pytest.mark.parametrize("field", ["full_name", "role", "is_active", "sensitive_access", "vawg_certified"])
def test_null_for_a_required_user_field_is_422_and_changes_nothing(client, make_account, field):
    admin = make_account(Role.admin)
    response = client.patch(f"/api/v1/users/{admin.user.id}", json={field: None}, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["errors"][0]["msg"]
    assert client.get(f"/api/v1/users/{admin.user.id}", headers=admin.headers).json()["role"] == "admin"


def test_sex_may_be_emptied(client, make_account):
    admin = make_account(Role.admin)
    response = client.patch(f"/api/v1/users/{admin.user.id}", json={"sex": None}, headers=admin.headers)
    assert response.status_code == 200, response.text

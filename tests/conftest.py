"""Shared fixtures: a migrated database per backend, the app over it, and users with tokens.

Every API test runs once on SQLite and, when SINMIEDO_TEST_POSTGRES_URL is set,
once more on PostgreSQL, through real HTTP into the ASGI app.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api import migrate
from api.app import create_app
from api.config import Settings
from api.db_types import utcnow
from api.security import new_token, token_digest
from api.users import service as users_service
from api.users.models import AccessToken, Role, User
from api.users.schemas import UserCreate
from tests.databases import backends, empty_all_tables, engine_for, fresh_database

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
TEST_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2 at its lowest cost: the same algorithm and checks, without 64 MiB per hash."""
    import argon2

    import api.security

    original = api.security._hasher
    api.security._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    api.security._hasher = original


@pytest.fixture(scope="session", params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def session_engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(session_engine: Engine) -> Iterator[Engine]:
    empty_all_tables(session_engine)
    yield session_engine


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, secret_key=TEST_SECRET, log_json=True)


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class Account:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_account(engine: Engine) -> Callable[..., Account]:
    """Create a user with a valid token, without going through the (slow, throttled) login."""
    counter = iter(range(1, 10_000))

    def factory(role: Role | str, *, username: str | None = None, **flags) -> Account:
        role = Role(role)
        with Session(engine, expire_on_commit=False) as session:
            user = users_service.create_user(
                session,
                UserCreate(
                    username=username or f"{role.value}-{next(counter)}", role=role, password=TEST_PASSWORD, **flags
                ),
                actor=None,
            )
            token = new_token()
            session.add(
                AccessToken(
                    user_id=user.id,
                    token_hash=token_digest(token, TEST_SECRET),
                    expires_at=utcnow() + timedelta(hours=1),
                )
            )
            session.commit()
            return Account(user=user, token=token)

    return factory

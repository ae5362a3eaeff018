"""Throwaway test databases on SQLite and PostgreSQL, migrated with the real migrations.

Each PostgreSQL database gets a unique name, so several test runs on one
server (a developer's and CI's, or parallel helpers) never share rows.
"""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from api.db import create_db_engine
from api.instruments.repository import forget_published_versions

POSTGRES_ENV = "SINMIEDO_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def backends() -> list[str]:
    return ["sqlite", "postgres"] if postgres_url() else ["sqlite"]


def _admin_conninfo(url: str) -> str:
    parsed = make_url(url)
    parts = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "dbname": parsed.database or "postgres",
    }
    if parsed.password:
        parts["password"] = parsed.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


@contextmanager
def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of an empty database; drop it afterwards."""
    if backend == "sqlite":
        path = workdir / f"sinmiedo-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    server = postgres_url()
    if server is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    name = f"sinmiedo_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(_admin_conninfo(server), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        # Set but unreachable is an error, never a skip: CI must not pass without PostgreSQL.
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is unreachable: {exc}", pytrace=False)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(_admin_conninfo(server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_all_tables(engine: Engine) -> None:
    """Delete every row (children first) so each test starts from a migrated, empty schema."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
            connection.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence(connection) else None
    forget_published_versions(engine)  # published versions are otherwise remembered for good


def _has_sqlite_sequence(connection) -> bool:
    return connection.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() is not None


def engine_for(url: str) -> Engine:
    return create_db_engine(url)


@contextmanager
def before_insert_trigger(engine: Engine, table: str, body: str) -> Iterator[None]:
    """PostgreSQL: `body` (PL/pgSQL, ending in RETURN NEW) runs before each row inserted into `table`, in a
    trigger dropped afterwards: a real failure of the database's own, placed at a chosen row."""
    with objects_created(engine, [f"CREATE FUNCTION test_before_insert() RETURNS trigger LANGUAGE plpgsql AS "
                           f"$$ BEGIN {body} END $$",
                           f'CREATE TRIGGER test_before_insert BEFORE INSERT ON "{table}" '
                           "FOR EACH ROW EXECUTE FUNCTION test_before_insert()"],
                  [f'DROP TRIGGER test_before_insert ON "{table}"', "DROP FUNCTION test_before_insert()"]):
        yield


@contextmanager
def objects_created(engine: Engine, create: list[str], drop: list[str]) -> Iterator[None]:
    """Database objects made by the `create` statements for a while, then removed by the `drop` ones."""
    with engine.begin() as connection:
        for statement in create:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with engine.begin() as connection:
            for statement in drop:
                connection.execute(text(statement))


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """The SQL of every statement the engine runs meanwhile."""
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def large_version_columns_read(statements: list[str]) -> set[str]:
    """Which of an instrument version's large columns (definition, source file, XForm) these statements read."""
    return {column for column in ("definition", "source", "xform")
            if any(re.search(rf"instrument_version\.{column}\b", statement) for statement in statements)}


@contextmanager
def refused_inserts(engine: Engine, table: str, condition: str) -> Iterator[None]:
    """The database refuses (as a constraint would) each row inserted into `table` for which `condition`
    holds, an SQL expression over NEW's columns valid on both databases."""
    if engine.dialect.name == "postgresql":
        with before_insert_trigger(engine, table, f"IF {condition} THEN RAISE EXCEPTION 'refused for the test' "
                                                  "USING ERRCODE = '23514'; END IF; RETURN NEW;"):
            yield
        return
    with objects_created(engine, [f'CREATE TRIGGER test_refuse BEFORE INSERT ON "{table}" WHEN {condition} '
                           "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"], ["DROP TRIGGER test_refuse"]):
        yield

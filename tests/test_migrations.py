"""The migrations are the schema: they round-trip on both databases and match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import api.models  # noqa: F401
from api import migrate
from tests.databases import backends, engine_for, fresh_database


@pytest.fixture(params=backends())
def empty_database(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = engine_for(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_database):
    migrate.upgrade(empty_database)
    assert _tables(empty_database) == set(SQLModel.metadata.tables)
    migrate.downgrade(empty_database, "base")
    assert _tables(empty_database) == set()
    migrate.upgrade(empty_database)
    assert _tables(empty_database) == set(SQLModel.metadata.tables)


def test_models_and_migrations_do_not_drift(empty_database):
    migrate.upgrade(empty_database)
    engine = engine_for(empty_database)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == [], f"models and migrations differ; add a revision: {differences}"


def test_history_is_linear():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrate.SCRIPT_LOCATION))
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        assert not revision.is_merge_point, f"{revision.revision} is a merge: keep one linear history"

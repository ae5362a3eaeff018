"""`sinmiedo backup` / `restore`: a round trip gives back every row of every table."""

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import Engine, MetaData, select, text

from api.cli import main
from api.migrate import head_revision

SUFFIX = {"sqlite": "db", "postgresql": "dump"}


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every table of the live schema (alembic_version included), rows in primary-key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    tables = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            tables[table.name] = [tuple(_comparable(value) for value in row) for row in rows]
    return tables


def _comparable(value):
    # SQLite hands back naive datetimes for the same stored value; compare what was stored.
    return value.isoformat() if isinstance(value, datetime) else value


@pytest.fixture
def demo_database(cli_env, runner, engine):
    result = runner.invoke(main, ["demo", "--psu-share", "0.05"])
    assert result.exit_code == 0, result.output
    return engine


def test_backup_then_restore_gives_back_every_table(demo_database, runner, cli_env):
    engine = demo_database
    before = snapshot(engine)
    filled = [name for name, rows in before.items() if rows]
    # The demo fills the tables that matter: people, instruments, interviews, fieldwork, police data, releases.
    for table in ("user", "instrument_version", "submission", "audit_event", "release", "alembic_version"):
        assert table in filled, f"{table} is empty in the demo: {sorted(filled)}"
    assert len(filled) >= 15

    kind = engine.dialect.name
    archive = cli_env / f"backup.{SUFFIX[kind]}"
    result = runner.invoke(main, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()}" in result.output

    with engine.begin() as connection:  # damage after the backup: rows gone, rows changed
        connection.execute(text("DELETE FROM submission_attachment"))
        connection.execute(text("DELETE FROM audit_event"))
        connection.execute(text("UPDATE \"user\" SET is_active = false"))
    assert snapshot(engine) != before

    result = runner.invoke(main, ["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    after = snapshot(engine)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], f"table {name} differs after the round trip"


def test_restore_needs_confirmation_and_changes_nothing_without_it(demo_database, runner, cli_env):
    archive = cli_env / "backup.bin"
    assert runner.invoke(main, ["backup", str(archive)]).exit_code == 0
    before = snapshot(demo_database)
    result = runner.invoke(main, ["restore", str(archive)])
    assert result.exit_code == 2
    assert "--yes" in result.output
    assert snapshot(demo_database) == before


def test_backup_refuses_to_overwrite_a_file_unless_forced(cli_env, runner, engine):
    existing = cli_env / "precious.bin"
    existing.write_bytes(b"keep me")
    result = runner.invoke(main, ["backup", str(existing)])
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert existing.read_bytes() == b"keep me"
    assert runner.invoke(main, ["backup", str(existing), "--force"]).exit_code == 0
    assert existing.read_bytes() != b"keep me"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "neither a SQLite database nor a pg_dump"),
        (b"id,name\n1,x\n", "neither a SQLite database nor a pg_dump"),
        (b"PGDMP" + b"\x00" * 64, "pg_restore"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "SQLite"),
    ],
    ids=["empty", "csv", "broken-pg-archive", "broken-sqlite"],
)
def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(cli_env, runner, engine, content, message):
    before = snapshot(engine)
    bad = cli_env / "bad.bin"
    bad.write_bytes(content)
    result = runner.invoke(main, ["restore", str(bad), "--yes"])
    assert result.exit_code in (1, 2), result.output
    assert message in result.output or "cannot be restored into" in result.output
    assert snapshot(engine) == before


def test_a_missing_file_is_refused(cli_env, runner, engine):
    result = runner.invoke(main, ["restore", str(cli_env / "nope.db"), "--yes"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_backup_from_an_unknown_schema_revision_is_refused(cli_env, runner, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the revision check of SQLite files is tested on SQLite")
    archive = cli_env / "future.db"
    assert runner.invoke(main, ["backup", str(archive)]).exit_code == 0
    with sqlite3.connect(archive) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    result = runner.invoke(main, ["restore", str(archive), "--yes"])
    assert result.exit_code == 2
    assert "'9999'" in result.output


def test_a_backup_of_the_other_kind_is_refused(cli_env, runner, engine, tmp_path):
    if engine.dialect.name == "sqlite":
        foreign = tmp_path / "other.dump"
        foreign.write_bytes(b"PGDMP" + b"\x00" * 64)
        expected = "postgresql backup and cannot be restored into a sqlite database"
    else:
        foreign = tmp_path / "other.db"
        sqlite3.connect(foreign).close()
        foreign.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
        expected = "sqlite backup and cannot be restored into a postgresql database"
    result = runner.invoke(main, ["restore", str(foreign), "--yes"])
    assert result.exit_code == 2
    assert expected in result.output

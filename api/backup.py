"""Backups of the whole database, and their restore.

SQLite uses the library's online backup API, so a running service can keep
writing while a consistent copy is taken. PostgreSQL goes through the server's
own tools (`pg_dump` custom format, `pg_restore`), which must be on the PATH.
Everything the service keeps (attachments included) lives in the database, so
one file holds it all. A backup is checked before a restore touches anything:
its kind must match the target database and its schema revision must be one
these migrations know.
"""

import os
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from api.migrate import SCRIPT_LOCATION

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore cannot be done as asked (bad file, wrong kind, missing tool)."""


class BackupToolFailed(Exception):
    """pg_dump or pg_restore ran and failed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: str
    size: int
    revision: str | None


def backend(database_url: str) -> str:
    name = make_url(database_url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database {name!r}: only SQLite and PostgreSQL are backed up")
    return name


def backup(database_url: str, destination: Path, *, overwrite: bool = False) -> BackupResult:
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} already exists (pass --force to overwrite it)")
    kind = backend(database_url)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the destination and renamed into place: a failed or interrupted backup never
    # leaves a half-written file under the name a later restore would trust.
    partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        if kind == "sqlite":
            _sqlite_copy(_sqlite_path(database_url), partial)
            revision = _sqlite_revision(partial)
        else:
            _run_tool(
                "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", _libpq_url(database_url)
            )
            revision = _archive_revision(partial)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(destination, kind, destination.stat().st_size, revision)


def restore(database_url: str, source: Path) -> BackupResult:
    """Replace the database's contents with the backup's. The caller confirms first."""
    kind = backup_kind(source)
    target = backend(database_url)
    if kind != target:
        raise BackupError(f"{source} is a {kind} backup and cannot be restored into a {target} database")
    if kind == "sqlite":
        revision = _sqlite_revision(source)
        _check_revision(revision, source)
        _sqlite_copy(source, _sqlite_path(database_url))
        return BackupResult(source, kind, source.stat().st_size, revision)
    revision = _archive_revision(source)  # a damaged archive fails here, before anything changes
    _check_revision(revision, source)
    _run_tool(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={_libpq_url(database_url)}",
        str(source),
    )
    return BackupResult(source, kind, source.stat().st_size, revision)


def backup_kind(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom-format archive")


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    # The context managers only end transactions; the handles must be closed too.
    src.close()
    dst.close()


def _sqlite_revision(path: Path) -> str | None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is a damaged SQLite database")
        row = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            raise BackupError(f"{path} is not a sinmiedo database (it has no alembic_version table)")
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return version[0] if version else None
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database: {exc}") from exc
    finally:
        connection.close()


def _archive_revision(path: Path) -> str | None:
    """The schema revision stored in a pg_dump archive, read without restoring it."""
    script = _run_tool("pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path))
    lines = script.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            value = lines[index + 1] if index + 1 < len(lines) else "\\."
            return None if value == "\\." else value.strip()
    raise BackupError(f"{path} is not a sinmiedo database (its archive has no alembic_version table)")


def _check_revision(revision: str | None, source: Path) -> None:
    if revision is None:
        return
    known = {script.revision for script in ScriptDirectory(str(SCRIPT_LOCATION)).walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"{source} was made at schema revision {revision!r}, which this version of sinmiedo does not know"
            " (restore it with the version that made it)"
        )


def _libpq_url(database_url: str) -> str:
    """pg_dump and pg_restore take libpq URLs, without SQLAlchemy's +driver suffix."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run_tool(tool: str, *args: str) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (install PostgreSQL's client tools, e.g. postgresql-client)")
    completed = subprocess.run([executable, *args], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupToolFailed(f"{tool} failed: {completed.stderr.strip() or completed.returncode}")
    return completed.stdout

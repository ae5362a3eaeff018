"""Engine and the request-scoped session.

SQLite gets WAL, foreign keys and a busy timeout on every connection;
PostgreSQL is reached through psycopg 3. The session dependency owns the
transaction: it commits when the request succeeds and rolls back on any
error, so services only ever flush.

Requests take turns at the database (`DatabaseTurns`): a request holds its pooled
connection across several hops into the worker-thread pool (dependencies, the endpoint,
the response's validation). Were every request let in, a burst larger than the thread pool
fills all threads with requests waiting for a connection while the requests holding the
connections wait for a thread: nothing moves until the pool's timeout fails them all.
Requests beyond the turns wait in the event loop, holding neither a thread nor a connection.
"""

import asyncio
import fcntl
import os
import re
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated
from weakref import WeakKeyDictionary

import psycopg
from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, SQLModel

from api.json_text import column_json, column_value

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Each database's INSERT, the one that can say ON CONFLICT DO NOTHING, by dialect name.
DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
PG_CONNECT_TIMEOUT_SECONDS = 10
# TCP keepalives on PostgreSQL connections (libpq's, unless the URL sets them): a server gone silent
# mid-query (a network cut, a host down) is given up on after about a minute instead of the system's
# retransmission timeout (~15 minutes), during which the interview intake would hold its worker's event loop.
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
POOL_SIZE, MAX_OVERFLOW = 10, 20

# Explicit constraint names keep Alembic autogenerate and downgrades stable on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and route them to psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Each commit synced to disk: an interview answered 201 must survive a power cut or an OS crash, and with
    # NORMAL the commits since the WAL's last checkpoint (hundreds of interviews) could roll back. It costs a
    # sync per commit (about 0.2 ms here), which the interview intake shares among the single interviews that
    # arrive together by committing them as a group (api.submissions.intake).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


_SQLITE_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|BEGIN\s+IMMEDIATE)\b", re.IGNORECASE)
_sqlite_writer = threading.Lock()


class _WriteGatedCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection.before(sql)
        return super().executemany(sql, parameters)


class _WriteGatedConnection(sqlite3.Connection):
    """SQLite lets one transaction write at a time, and a writer that finds the database locked sleeps
    in growing steps (1, 2, 5, 10 … up to 100 ms) before it tries again: two worker processes writing
    interviews spent more time asleep than writing. Transactions about to write take turns instead:
    within a process on a lock, between processes on an advisory lock of a file beside the database
    (`<database>-writer`), polled every few tens of microseconds, so the next writer starts as soon as
    the previous commits. A connection that cannot get its turn within the busy timeout goes ahead and
    lets SQLite decide, as without the turns."""

    holds_gate = False  # this process's turn
    holds_file_turn = False  # the turn among processes, taken at the first write
    _turn_file: int | None = None

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        name = str(database)
        if name and name != ":memory:" and not name.startswith("file:"):
            self._turn_file = os.open(f"{name}-writer", os.O_RDWR | os.O_CREAT, 0o600)

    def before(self, sql: str) -> None:
        if self.holds_file_turn or not _SQLITE_WRITE.match(sql):
            return
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        if not self.holds_gate:
            self.holds_gate = _sqlite_writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        if self.holds_gate:
            self._take_file_turn(deadline)

    def take_turn_now(self) -> bool:
        """This process's write turn if it is free at once (see `claim_writes_without_waiting`); the turn
        among processes still comes at the first write."""
        self.holds_gate = _sqlite_writer.acquire(blocking=False)
        return self.holds_gate

    def _take_file_turn(self, deadline: float) -> None:
        if self._turn_file is None:
            return
        pause = 0.00005
        while True:
            try:
                fcntl.flock(self._turn_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.holds_file_turn = True
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's own busy timeout decides from here
                time.sleep(pause)
                pause = min(pause * 2, 0.001)

    def _open_gate(self) -> None:
        if self.holds_file_turn:
            self.holds_file_turn = False
            fcntl.flock(self._turn_file, fcntl.LOCK_UN)
        if self.holds_gate:
            self.holds_gate = False
            _sqlite_writer.release()

    def cursor(self, factory=_WriteGatedCursor):
        return super().cursor(factory)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._open_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._open_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._open_gate()
            if self._turn_file is not None:
                os.close(self._turn_file)
                self._turn_file = None


# --- PostgreSQL: a transaction begun at the first write (the interview intake) --------------------------

_PG_READ = re.compile(r"\s*SELECT\b(?!.*\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b)",
                      re.IGNORECASE | re.DOTALL)


class _LazyTransactionCursor(psycopg.Cursor):
    """A cursor that, on a connection set to `begin_at_first_write`, begins the transaction with the first
    statement that is not a plain SELECT (an INSERT, a SAVEPOINT, a COPY, a SELECT … FOR UPDATE: anything
    whose effects or locks must last until the commit), unless that statement was marked `alone`: a single
    statement, atomic by itself, run while nothing else has been written commits on its own."""

    alone = False  # set on a cursor by whoever runs one self-contained statement on it

    def execute(self, query, params=None, **kwargs):
        self._before(query)
        return super().execute(query, params, **kwargs)

    def executemany(self, query, params_seq, **kwargs):
        self._before(query)
        return super().executemany(query, params_seq, **kwargs)

    def copy(self, statement, params=None, **kwargs):
        self._before(statement)
        return super().copy(statement, params, **kwargs)

    def _before(self, query) -> None:
        connection = self.connection
        if not connection.autocommit or not getattr(connection, "begins_at_first_write", False) or self.alone:
            return
        if isinstance(query, bytes):
            query = query.decode("utf-8", "replace")
        if not isinstance(query, str) or not _PG_READ.match(query):
            connection.autocommit = False  # psycopg begins the transaction with this statement


def begin_at_first_write(session: Session) -> None:
    """Until it writes, run the session's statements each on its own, without a transaction (PostgreSQL).

    The interview intake's reads (the token, the version, the enumerator's waves) need no transaction
    of their own: PostgreSQL's READ COMMITTED gives each statement its own snapshot even within one. So a
    transaction is begun at the first statement that writes (see `_LazyTransactionCursor`), which saves
    the BEGIN and COMMIT round trips of an interview whose one write is a single, self-contained INSERT
    (`DirectQuery(..., alone=True)`). Anything else written goes in one transaction, committed as always.
    Only for a connection that nothing else uses meanwhile; the pool puts it back to transactions
    whenever it is returned. Nothing on SQLite."""
    dbapi_connection = session.connection().connection.dbapi_connection
    if (isinstance(dbapi_connection, psycopg.Connection)
            and dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE):
        dbapi_connection.begins_at_first_write = True
        dbapi_connection.autocommit = True


def bound_waits(connection: Connection, seconds: float) -> None:
    """PostgreSQL: no statement on this connection runs, nor waits for a lock, longer than `seconds`
    (its session's statement_timeout and lock_timeout); put back to the server's defaults when the
    connection returns to the pool. Nothing on SQLite, whose writers wait at most the busy timeout."""
    dbapi_connection = connection.connection.dbapi_connection
    if not isinstance(dbapi_connection, psycopg.Connection):
        return
    milliseconds = str(max(1, round(seconds * 1000)))
    connection.execute(text("SELECT set_config('statement_timeout', :ms, false), "
                            "set_config('lock_timeout', :ms, false)"), {"ms": milliseconds})
    connection.commit()
    dbapi_connection.waits_bounded = True


def _transactions_again(dbapi_connection, _record) -> None:
    """A connection returned to the pool begins transactions as usual (see `begin_at_first_write`) and
    waits as long as any other (see `bound_waits`)."""
    if getattr(dbapi_connection, "begins_at_first_write", False):
        dbapi_connection.begins_at_first_write = False
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = False
    if getattr(dbapi_connection, "waits_bounded", False) and not dbapi_connection.closed:
        dbapi_connection.waits_bounded = False
        try:
            dbapi_connection.execute("RESET statement_timeout")
            dbapi_connection.execute("RESET lock_timeout")
            dbapi_connection.commit()
        except psycopg.Error:
            dbapi_connection.close()  # in an unknown state: the pool's pre-ping replaces it at its next checkout


def claim_writes_without_waiting(session: Session) -> bool:
    """Take this process's SQLite write turn for the session's transaction if it is free now (it is
    then released at commit or rollback); False if another transaction of the process holds it.
    Always True on PostgreSQL, where writers do not take turns.

    For work run on the event loop's own thread: waiting there for a turn held by a request in the
    threadpool would be waiting for a request that needs the event loop to finish."""
    connection = session.connection().connection.dbapi_connection
    if not isinstance(connection, _WriteGatedConnection) or connection.holds_gate:
        return True
    return connection.take_turn_now()


def begin_writes(session: Session) -> None:
    """SQLite: begin the session's transaction as a writer now (taking the write turns), unless the
    connection is in one already, so that savepoints nest inside it: a savepoint opened outside a
    transaction begins one, and releasing it commits."""
    connection = session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    if isinstance(dbapi_connection, _WriteGatedConnection) and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                          "factory": _WriteGatedConnection},
            json_serializer=column_json, json_deserializer=column_value, hide_parameters=True,
            **({} if parsed.database in (None, "", ":memory:") else
               {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW}),
        )
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    # A server that does not answer fails a connection attempt after this long instead of the system's
    # TCP timeout (minutes): the interview intake waits for the database on the event loop's thread.
    defaults = {"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS, **PG_KEEPALIVES}
    connect_args = {key: value for key, value in defaults.items() if key not in parsed.query}
    engine = create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW,
                           connect_args={**connect_args, "cursor_factory": _LazyTransactionCursor},
                           json_serializer=column_json, json_deserializer=column_value, hide_parameters=True)
    event.listen(engine, "checkin", _transactions_again)
    return engine


class DatabaseTurns:
    """At most `turns` requests use the database at once (see the module's docstring)."""

    def __init__(self, engine: Engine) -> None:
        pool = engine.pool
        # Half the connections, so that a request using a second one of its own (a failed
        # login's counter) still finds it free. No limit when the pool sets none.
        bounded = isinstance(pool, QueuePool) and pool._max_overflow >= 0
        self.turns = max(1, (pool.size() + pool._max_overflow) // 2) if bounded else None
        self._semaphores: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()

    def semaphore(self) -> asyncio.Semaphore | None:
        if self.turns is None:
            return None
        loop = asyncio.get_running_loop()  # one per event loop: test clients each run their own
        if loop not in self._semaphores:
            self._semaphores[loop] = asyncio.Semaphore(self.turns)
        return self._semaphores[loop]


async def database_turn(request: Request) -> AsyncIterator[None]:
    semaphore = request.app.state.database_turns.semaphore()
    if semaphore is None:
        yield
        return
    async with semaphore:
        yield


def get_session(request: Request, _turn: Annotated[None, Depends(database_turn, scope="function")]) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": the commit happens before the response leaves, so a failed commit is
# reported to the client instead of being lost after a 2xx was already sent.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

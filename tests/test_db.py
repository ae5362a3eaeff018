"""The engine: SQLite writers of one process take turns on a lock that commit, rollback and close release;
a PostgreSQL server that never answers fails a connection soon."""

import socket
import threading
import time

import pytest
from sqlalchemy import Integer, bindparam, text
from sqlalchemy.exc import OperationalError

from sqlmodel import Session

from api import db
from api.db import _sqlite_writer, create_db_engine
from api.direct_queries import DirectQuery


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE item (value INTEGER)"))
    yield engine
    engine.dispose()


def _insert_in_thread(engine, value: int, done: list[int]) -> threading.Thread:
    def insert() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO item VALUES (:value)"), {"value": value})
        done.append(value)

    thread = threading.Thread(target=insert)
    thread.start()
    return thread


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_second_writer_waits_until_the_first_transaction_ends(sqlite_engine, end):
    done: list[int] = []
    connection = sqlite_engine.connect()
    transaction = connection.begin()
    connection.execute(text("INSERT INTO item VALUES (1)"))
    assert _sqlite_writer.locked()
    second = _insert_in_thread(sqlite_engine, 2, done)
    second.join(timeout=0.5)
    assert second.is_alive() and done == []  # queued behind the open writing transaction
    if end == "commit":
        transaction.commit()
    elif end == "rollback":
        transaction.rollback()
    connection.close()
    second.join(timeout=30)
    assert done == [2]
    assert not _sqlite_writer.locked()  # every transaction that wrote let go of it
    with sqlite_engine.connect() as reader:
        values = sorted(reader.execute(text("SELECT value FROM item")).scalars())
    assert values == ([1, 2] if end == "commit" else [2])


def test_a_sqlite_commit_is_on_disk_before_it_returns(sqlite_engine):
    # WAL with synchronous=FULL: each commit syncs the log, so an interview answered 201 survives a power
    # loss or an OS crash (with NORMAL, the commits since the last checkpoint could roll back: a device
    # that deleted what it sent would have lost them).
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_readers_never_wait_for_a_writer(sqlite_engine):
    with sqlite_engine.connect() as writer, writer.begin():
        writer.execute(text("INSERT INTO item VALUES (1)"))
        with sqlite_engine.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM item")).scalar_one() == 0
            assert not reader.connection.dbapi_connection.holds_gate


def test_a_postgresql_server_that_never_answers_fails_the_connection_soon(monkeypatch):
    """A listening socket that accepts and then says nothing stands for a hung server: the attempt
    fails after the connect timeout instead of the system's TCP timeout."""
    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT_SECONDS", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        engine = db.create_db_engine(f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/postgres")
        started = time.monotonic()
        with pytest.raises(OperationalError):
            engine.connect()
        assert time.monotonic() - started < 8
        engine.dispose()


# --- PostgreSQL: a transaction begun at the first write ------------------------------------------------

@pytest.fixture
def pg_engine(engine, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("transactions begun at the first write: PostgreSQL")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS lazy_t (id integer PRIMARY KEY)"))
        connection.execute(text("TRUNCATE lazy_t"))
    yield engine
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE lazy_t"))


def _status(session) -> str:
    return session.connection().connection.dbapi_connection.info.transaction_status.name


def _count(engine) -> int:
    with engine.connect() as other:  # what other transactions see
        return other.execute(text("SELECT count(*) FROM lazy_t")).scalar_one()


def test_reads_run_without_a_transaction_until_the_first_write(pg_engine):
    with Session(pg_engine) as session:
        db.begin_at_first_write(session)
        session.execute(text("SELECT 1"))
        assert _status(session) == "IDLE"  # no transaction was begun for the read
        session.execute(text("INSERT INTO lazy_t VALUES (1)"))
        session.execute(text("INSERT INTO lazy_t VALUES (2)"))
        assert _status(session) == "INTRANS"
        assert _count(pg_engine) == 0  # not committed: one transaction holds both
        session.rollback()
    assert _count(pg_engine) == 0  # and both went with the rollback
    with Session(pg_engine) as session:
        db.begin_at_first_write(session)
        session.execute(text("SELECT id FROM lazy_t FOR UPDATE"))  # locks last until the commit
        assert _status(session) == "INTRANS"
        session.rollback()
        db.begin_at_first_write(session)
        with session.begin_nested():  # a savepoint needs the transaction too
            session.execute(text("INSERT INTO lazy_t VALUES (3)"))
        session.commit()
    assert _count(pg_engine) == 1


def test_a_statement_alone_commits_by_itself_when_nothing_was_written_before(pg_engine):
    alone = DirectQuery(text("INSERT INTO lazy_t VALUES (:id)").bindparams(bindparam("id", type_=Integer)), alone=True)
    with Session(pg_engine) as session:
        db.begin_at_first_write(session)
        alone.execute(session, {"id": 1})
        assert _status(session) == "IDLE" and _count(pg_engine) == 1  # committed by itself
        session.execute(text("INSERT INTO lazy_t VALUES (2)"))  # a later write begins a transaction
        alone.execute(session, {"id": 3})  # … which a statement alone then joins
        assert _count(pg_engine) == 1
        session.rollback()
    assert _count(pg_engine) == 1
    with Session(pg_engine) as session:  # without begin_at_first_write: one transaction as always
        alone.execute(session, {"id": 4})
        assert _status(session) == "INTRANS"
        session.rollback()
    assert _count(pg_engine) == 1


def test_a_connection_back_in_the_pool_begins_transactions_as_usual(pg_engine):
    with Session(pg_engine) as session:
        db.begin_at_first_write(session)
        dbapi_connection = session.connection().connection.dbapi_connection
        assert dbapi_connection.autocommit
    assert not dbapi_connection.autocommit  # returned to the pool, reset
    with Session(pg_engine) as session:
        session.execute(text("SELECT 1"))
        assert _status(session) == "INTRANS"
        session.rollback()

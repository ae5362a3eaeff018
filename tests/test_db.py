"""The engine: SQLite writers of one process take turns on a lock that commit, rollback and close release;
a PostgreSQL server that never answers fails a connection soon."""

import socket
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from api import db
from api.db import _sqlite_writer, create_db_engine


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

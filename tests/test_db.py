"""The engine's SQLite writers of one process take turns on a lock that commit, rollback and close release."""

import threading

import pytest
from sqlalchemy import text

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

"""Single interviews arriving together: on SQLite committed in one transaction, each stored in a savepoint
of its own and answered only after the commit; on either database each gets the answer it would get alone."""

import asyncio
import contextlib
import copy
import sqlite3
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from api import db
from api.app import create_app
from api.submissions import intake
from api.submissions.models import Submission
from tests.api.submission_data import interview, publish_bundled
from tests.databases import objects_created, refused_inserts

URL = "/api/v1/submissions"


@pytest.fixture
def perception(engine) -> str:
    return publish_bundled(engine, "perception")["perception"]


def post_together(app, requests: list[tuple[dict, dict]]) -> list[httpx.Response]:
    """The requests sent at once to the app (one event loop, as a worker serves them)."""
    async def send() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sinmiedo.test") as client:
            return await asyncio.gather(*(client.post(URL, json=body, headers=headers) for body, headers in requests))

    return asyncio.run(send())


def stored_ids(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Submission.instance_id)).all())


@contextlib.contextmanager
def commits_counted(engine) -> Iterator[list[int]]:
    counted = [0]

    def count(_connection) -> None:
        counted[0] += 1

    event.listen(engine, "commit", count)
    try:
        yield counted
    finally:
        event.remove(engine, "commit", count)


def test_interviews_arriving_together_are_committed_together(app, engine, make_account, perception, database_url):
    enumerator = make_account("enumerator")
    bodies = [interview("perception", perception) for _ in range(20)]

    with commits_counted(engine) as counted:
        responses = post_together(app, [(body, enumerator.headers) for body in bodies])

    assert [response.status_code for response in responses] == [201] * 20
    assert [response.json()["instance_id"] for response in responses] == [body["instance_id"] for body in bodies]
    assert stored_ids(engine) == sorted(body["instance_id"] for body in bodies)
    if database_url.startswith("sqlite"):  # PostgreSQL takes them one at a time, each INSERT its own commit
        assert 1 <= counted[0] < 20


def test_interviews_beyond_a_groups_size_make_the_next_groups(app, engine, make_account, perception, database_url,
                                                               monkeypatch):
    monkeypatch.setattr(intake, "MAX_GROUP", 3)
    enumerator = make_account("enumerator")
    bodies = [interview("perception", perception) for _ in range(10)]

    with commits_counted(engine) as counted:
        responses = post_together(app, [(body, enumerator.headers) for body in bodies])

    assert [response.status_code for response in responses] == [201] * 10
    assert stored_ids(engine) == sorted(body["instance_id"] for body in bodies)
    if database_url.startswith("sqlite"):
        assert counted[0] == 4  # 3 + 3 + 3 + 1


def test_each_interview_of_a_group_gets_the_answer_it_would_get_alone(app, engine, make_account, perception):
    ana, bea = make_account("enumerator"), make_account("enumerator")
    valid = [interview("perception", perception) for _ in range(3)]
    invalid = interview("perception", perception, insecurity_country="sometimes")
    changed = copy.deepcopy(valid[1])
    changed["paradata"]["device_id"] = "another tablet"
    requests = [(valid[0], ana.headers), (invalid, ana.headers), (valid[1], ana.headers), (valid[0], ana.headers),
                (changed, ana.headers), (valid[2], {"Authorization": "Bearer not-a-token"}), (valid[2], bea.headers)]

    responses = post_together(app, requests)

    statuses = [response.status_code for response in responses]
    # The first of two identical interviews is created and the second is its resend, whichever came first.
    assert sorted(statuses[0:4:3]) == [200, 201] and statuses[1:3] == [422, 201]
    assert statuses[4:] == [409, 401, 201]
    assert responses[1].json()["code"] == "answers_invalid"
    assert responses[4].json()["code"] == "instance_conflict"
    assert stored_ids(engine) == sorted(body["instance_id"] for body in valid)


def test_an_interview_the_database_refuses_takes_nothing_of_its_group(app, engine, make_account, perception):
    enumerator = make_account("enumerator")
    bodies = [interview("perception", perception) for _ in range(5)]
    bodies[2]["paradata"]["device_id"] = "refused"
    alone = interview("perception", perception)
    alone["paradata"]["device_id"] = "refused"

    with refused_inserts(engine, "submission", "NEW.device_id = 'refused'"):
        refused_alone = post_together(app, [(alone, enumerator.headers)])[0]
        responses = post_together(app, [(body, enumerator.headers) for body in bodies])

    assert refused_alone.status_code == 500
    assert [response.status_code for response in responses] == [201, 201, refused_alone.status_code, 201, 201]
    assert stored_ids(engine) == sorted(body["instance_id"] for index, body in enumerate(bodies) if index != 2)


def test_a_group_whose_commit_fails_is_answered_so_and_stores_nothing(sqlite_only, app, engine, make_account,
                                                                      perception):
    """No interview is answered before its group's commit: a failed commit (here a deferred constraint that
    one interview breaks) fails them all, and each device resends."""
    enumerator = make_account("enumerator")
    bodies = [interview("perception", perception) for _ in range(4)]
    bodies[3]["paradata"]["device_id"] = "doomed"
    checked_at_commit = [
        "CREATE TABLE test_at_commit (submission_id INTEGER REFERENCES submission(id) DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TRIGGER test_doom AFTER INSERT ON submission WHEN NEW.device_id = 'doomed' "
        "BEGIN INSERT INTO test_at_commit VALUES (-1); END",
    ]
    with objects_created(engine, checked_at_commit, ["DROP TRIGGER test_doom", "DROP TABLE test_at_commit"]):
        with commits_counted(engine) as counted:
            responses = post_together(app, [(body, enumerator.headers) for body in bodies])

        assert counted[0] == 1  # one commit tried for the four, refused
        assert [response.status_code for response in responses] == [500] * 4
        assert stored_ids(engine) == []
        resent = post_together(app, [(body, enumerator.headers) for body in bodies[:3]])

    assert [response.status_code for response in resent] == [201] * 3
    assert stored_ids(engine) == sorted(body["instance_id"] for body in bodies[:3])


def test_a_group_that_cannot_begin_writing_is_told_to_resend(sqlite_only, settings, database_url, make_account,
                                                             perception, monkeypatch):
    """Another program holds SQLite's write lock past the busy timeout: every interview of the group is
    answered 503 (none is left waiting), and the resends are stored."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    engine = db.create_db_engine(database_url)
    app = create_app(settings, engine=engine)
    enumerator = make_account("enumerator")
    bodies = [interview("perception", perception) for _ in range(3)]
    holder = sqlite3.connect(make_url(database_url).database)
    try:
        holder.execute("BEGIN IMMEDIATE")
        responses = post_together(app, [(body, enumerator.headers) for body in bodies])
        holder.rollback()
        resent = post_together(app, [(body, enumerator.headers) for body in bodies])
    finally:
        holder.close()
        engine.dispose()

    assert [response.status_code for response in responses] == [503] * 3
    assert all(response.headers.get("retry-after") for response in responses)
    assert [response.status_code for response in resent] == [201] * 3
    assert stored_ids(engine) == sorted(body["instance_id"] for body in bodies)


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("interviews are committed in groups on SQLite only")

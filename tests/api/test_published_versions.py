"""Published instrument versions are read from the database once per database; drafts every time."""

from sqlmodel import Session

from api.instruments import repository
from api.instruments import service as instruments
from survey_defs.instruments import bundled_instrument_path
from tests.api.submission_data import FORMS
from tests.databases import empty_all_tables


def count_reads(monkeypatch) -> list[dict]:
    reads = []
    original = repository._VERSION_BY_FORM.first

    def first(session, parameters):
        reads.append(parameters)
        return original(session, parameters)

    monkeypatch.setattr(repository._VERSION_BY_FORM, "first", first)
    return reads


def test_a_version_is_remembered_once_published_and_forgotten_with_the_tables(engine, monkeypatch):
    reads = count_reads(monkeypatch)
    form_id = FORMS["perception"][0]
    path = bundled_instrument_path("perception")
    with Session(engine) as session:
        _, draft = instruments.upload(session, None, path.read_bytes(), path.name)
        session.commit()
        assert repository.version_for_reading(session, form_id, draft.version).status == "draft"
        assert repository.version_for_reading(session, form_id, "no such version") is None
        instruments.publish(session, None, form_id, draft.version)
        session.commit()
        published = repository.version_for_reading(session, form_id, draft.version)
        assert (published.status, published.id, published.definition) == ("published", draft.id, None)
        assert len(reads) == 3  # a draft and a missing version are read again each time
        again = [repository.version_for_reading(session, form_id, draft.version) for _ in range(3)]
    with engine.connect() as connection, Session(connection) as session:  # as the intake binds its session
        again.append(repository.version_for_reading(session, form_id, draft.version))
    assert all(row is published for row in again) and len(reads) == 3

    empty_all_tables(engine)  # forgets: the same form and version may now be another row, or none
    with Session(engine) as session:
        assert repository.version_for_reading(session, form_id, draft.version) is None
    assert len(reads) == 4

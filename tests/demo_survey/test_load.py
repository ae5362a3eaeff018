"""Loading the demo survey through the fieldwork and submission services, on every backend."""

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from api.demo_survey.interviews import bundled_instrument
from api.demo_survey.load import SURVEY_CODE, VAWG_CODES, VAWG_SURVEY_CODE, load_demo_survey
from api.demo_survey.survey import RUSHING_ENUMERATOR, DemoSurvey, generate_demo_survey
from api.fieldwork import monitoring
from api.fieldwork import service as fieldwork
from api.fieldwork.models import Assignment, Disposition, Household, Survey
from api.submissions import service as submissions
from api.submissions.models import Submission, SubmissionRevision
from api.users import service as users_service
from api.users.models import Role, User
from api.users.schemas import UserCreate
from tests.api.submission_data import publish_bundled
from tests.conftest import TEST_PASSWORD
from tests.databases import empty_all_tables

SEED, SHARE = 11, 0.1


@pytest.fixture(scope="module")
def generated() -> DemoSurvey:
    return generate_demo_survey(SEED, psu_share=SHARE)


@pytest.fixture(scope="module")
def loaded(session_engine: Engine, generated: DemoSurvey) -> Iterator[Engine]:
    """One load per backend for the whole module (it takes seconds): the tests here only read."""
    empty_all_tables(session_engine)
    publish_bundled(session_engine, "perception", "victimization", "vawg")
    with Session(session_engine) as session:
        admin = users_service.create_user(
            session, UserCreate(username="admin-1", role=Role.admin, password=TEST_PASSWORD), actor=None
        )
        load_demo_survey(session, admin, seed=SEED, psu_share=SHARE)
        session.commit()
    yield session_engine
    empty_all_tables(session_engine)


def _counts(session: Session) -> dict[str, int]:
    tables: list[type[SQLModel]] = [User, Survey, Household, Assignment, Disposition, Submission, SubmissionRevision]
    return {table.__name__: session.exec(select(func.count()).select_from(table)).one() for table in tables}


def test_sample_probabilities_stored_are_the_ones_the_selection_used(loaded, generated):
    psus = {psu.code: psu for psu in generated.psus}
    households = {household.code: household for household in generated.households}
    with Session(loaded) as session:
        frame = fieldwork.household_frame(session, fieldwork.get_survey(session, SURVEY_CODE).id)

    assert len(frame) == len(generated.households)
    for row in frame:
        assert row.psu_probability == pytest.approx(psus[row.psu].probability, rel=1e-12)
        assert row.household_probability == households[row.household].probability


def test_vawg_wave_holds_half_the_psus_at_half_their_probability(loaded, generated):
    psus = {psu.code: psu for psu in generated.psus}
    with Session(loaded) as session:
        frame = fieldwork.household_frame(session, fieldwork.get_survey(session, VAWG_SURVEY_CODE).id)

    assert {row.psu for row in frame} == {psu.code for psu in generated.psus if psu.vawg}
    for row in frame:
        assert row.psu_probability == pytest.approx(psus[row.psu].probability * 0.5, rel=1e-12)


def test_every_household_has_the_disposition_of_its_visit(loaded, generated):
    expected = {"completed": "respondent", "refused": "nonrespondent", "non_contact": "nonrespondent",
                "vacant": "ineligible"}
    with Session(loaded) as session:
        frame = fieldwork.household_frame(session, fieldwork.get_survey(session, SURVEY_CODE).id)
        vawg_codes = {row.disposition_code for row in
                      fieldwork.household_frame(session, fieldwork.get_survey(session, VAWG_SURVEY_CODE).id)}
    dispositions = {household.code: household.disposition for household in generated.households}

    assert all(row.disposition == expected[dispositions[row.household]] for row in frame)
    assert vawg_codes <= set(VAWG_CODES.values()) | {"2.111", "2.24", "4.61"}


def test_every_interview_is_stored_once_approved_with_the_answers_sent(loaded, generated):
    with Session(loaded) as session:
        stored = {s.instance_id: s for s in session.exec(select(Submission))}
        revisions = {r.submission_id: r for r in session.exec(select(SubmissionRevision))}

    assert set(stored) == {interview.instance_id for interview in generated.interviews}
    assert {submission.review_status for submission in stored.values()} == {"approved"}
    for interview in generated.interviews:
        personal = submissions.question_classes(bundled_instrument(interview.instrument)).personal
        kept, _ = submissions.split_answers(interview.answers, personal)

        assert revisions[stored[interview.instance_id].id].answers == kept


def test_vawg_interviews_come_only_from_certified_women(loaded):
    with Session(loaded) as session:
        vawg_wave = fieldwork.get_survey(session, VAWG_SURVEY_CODE)
        carriers = session.exec(
            select(User).join(Submission, Submission.enumerator_id == User.id)
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .where(Assignment.survey_id == vawg_wave.id)
        ).all()

    assert carriers and all(user.vawg_certified and user.sex == "female" for user in carriers)


def test_household_response_rate_is_what_the_dispositions_give(loaded, generated):
    occupied = [h for h in generated.households if h.disposition != "vacant"]
    expected = sum(h.disposition == "completed" for h in occupied) / len(occupied)
    with Session(loaded) as session:
        rates = fieldwork.response_rates(session, SURVEY_CODE, "household")

    assert rates.pending == 0
    assert rates.rr1 == pytest.approx(expected, rel=1e-12)
    assert 0.65 <= rates.rr1 <= 0.9


def test_too_short_flags_point_at_the_enumerator_who_rushes_and_gps_stays_in_its_psu(loaded):
    with Session(loaded) as session:
        admin = session.exec(select(User).where(User.username == "admin-1")).one()
        flags = monitoring.quality_flags(session, admin, SURVEY_CODE, monitoring.FlagSettings())
    too_short = Counter(flag.enumerator for flag in flags if flag.flag == "too_short")

    assert too_short.most_common(1)[0][0] == RUSHING_ENUMERATOR
    assert not [flag for flag in flags if flag.flag == "gps_far_from_psu"]


def test_loading_again_adds_nothing(loaded):
    with Session(loaded) as session:
        before = _counts(session)
        admin = session.exec(select(User).where(User.username == "admin-1")).one()
        report = load_demo_survey(session, admin, seed=SEED, psu_share=SHARE)
        session.commit()
        after = _counts(session)

    assert "already there" in report
    assert after == before

"""The intake reads a token's user and the user's current waves in one statement: the same as reading
them apart, on both databases."""

import itertools
from datetime import timedelta

from sqlmodel import Session

from api.db_types import utcnow
from api.fieldwork import repository
from api.fieldwork.models import PSU, Assignment, Household, Stratum, Survey
from api.security import new_token, token_digest
from api.users import repository as users_repository
from api.users.models import AccessToken, Role, User
from tests.conftest import TEST_SECRET

CODES = itertools.count()


def make_user(session: Session, name: str) -> tuple[User, str]:
    user = User(username=name, role=Role.enumerator, password_hash="x", sex="female")
    session.add(user)
    session.flush()
    token = new_token()
    session.add(AccessToken(user_id=user.id, token_hash=token_digest(token, TEST_SECRET),
                            expires_at=utcnow() + timedelta(hours=1)))
    return user, token_digest(token, TEST_SECRET)


def assign(session: Session, survey: Survey, user: User, *, ended: bool = False) -> None:
    code = str(next(CODES))
    stratum = Stratum(survey_id=survey.id, code=f"s{code}")
    session.add(stratum)
    session.flush()
    psu = PSU(survey_id=survey.id, stratum_id=stratum.id, code=f"p{code}", selection_probability=0.5)
    session.add(psu)
    session.flush()
    household = Household(survey_id=survey.id, psu_id=psu.id, code=f"h{code}", selection_probability=0.1)
    session.add(household)
    session.flush()
    session.add(Assignment(survey_id=survey.id, psu_id=psu.id, household_id=household.id, enumerator_id=user.id,
                           ended_at=utcnow() if ended else None))
    session.flush()


def test_token_user_and_current_waves_read_together_as_apart(engine):
    with Session(engine, expire_on_commit=False) as session:
        waves = [Survey(code=f"w{index}", name=f"Wave {index}", form_ids=[f"form_{index}", "shared"],
                        vawg_requires_female_enumerator=bool(index % 2)) for index in range(3)]
        session.add_all(waves)
        session.flush()
        two, two_hash = make_user(session, "two-waves")
        ended, ended_hash = make_user(session, "ended-only")
        none, none_hash = make_user(session, "no-waves")
        for wave in waves[:2]:
            assign(session, wave, two)
        assign(session, waves[0], two)  # a second household in the same wave: the wave once
        assign(session, waves[2], ended, ended=True)
        session.commit()

    with Session(engine) as session:
        for user, digest, expected in ((two, two_hash, 2), (ended, ended_hash, 0), (none, none_hash, 0)):
            state, read_user, read_waves = repository.token_with_read_only_user_and_waves(session, digest)
            apart_state, apart_user = users_repository.token_with_read_only_user(session, digest)
            apart_waves = repository.surveys_assigned_to(session, user.id)
            assert read_user is apart_user and read_user.username == user.username
            assert (state.kind, state.revoked_at, state.expires_at) == (
                apart_state.kind, apart_state.revoked_at, apart_state.expires_at)
            assert len(read_waves) == expected
            by_id = lambda rows: sorted((w.model_dump() for w in rows), key=lambda w: w["id"])  # noqa: E731
            assert by_id(read_waves) == by_id(apart_waves)
        assert repository.token_with_read_only_user_and_waves(session, "not a digest") is None

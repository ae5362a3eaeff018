"""All SQL touching survey waves, their sample, teams, assignments and dispositions."""

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

from api.db import DIALECT_INSERT
from api.direct_queries import DirectQuery
from api.fieldwork.models import (
    PSU,
    Assignment,
    Disposition,
    Household,
    HouseholdContact,
    InterviewFacts,
    Stratum,
    Survey,
    Team,
    TeamMember,
    VawgInterview,
)
from api.instruments.models import InstrumentVersion
from api.instruments.repository import LIGHT_VERSION
from api.submissions.models import Submission, SubmissionPersonal, SubmissionRevision
from api.users import repository as users_repository
from api.users.models import AccessToken, User


def add(session: Session, *rows: SQLModel) -> None:
    session.add_all(rows)
    session.flush()


# --- surveys and the sample ------------------------------------------------------------------------

def survey_by_code(session: Session, code: str) -> Survey | None:
    return session.exec(select(Survey).where(Survey.code == code)).first()


def surveys(session: Session) -> list[Survey]:
    return list(session.exec(select(Survey).order_by(col(Survey.code))).all())


def sample_size(session: Session, survey_id: int) -> int:
    return session.exec(select(func.count()).select_from(Household).where(Household.survey_id == survey_id)).one()


def psu_by_code(session: Session, survey_id: int, code: str) -> PSU | None:
    return session.exec(select(PSU).where(PSU.survey_id == survey_id, PSU.code == code)).first()


def households_of(session: Session, psu_id: int, codes: Sequence[str] | None = None) -> list[Household]:
    query = select(Household).where(Household.psu_id == psu_id)
    if codes is not None:
        query = query.where(col(Household.code).in_(codes))
    return list(session.exec(query.order_by(col(Household.code))).all())


# --- teams -----------------------------------------------------------------------------------------

def team(session: Session, team_id: int) -> Team | None:
    return session.get(Team, team_id)


def teams(session: Session, supervisor_id: int | None) -> list[tuple[Team, str]]:
    query = select(Team, User.username).join(User, col(User.id) == col(Team.supervisor_id))
    if supervisor_id is not None:
        query = query.where(Team.supervisor_id == supervisor_id)
    return [(t, name) for t, name in session.exec(query.order_by(col(Team.name))).all()]


def team_by_name(session: Session, name: str) -> Team | None:
    return session.exec(select(Team).where(Team.name == name)).first()


def member_names(session: Session, team_id: int) -> list[str]:
    return list(session.exec(
        select(User.username).join(TeamMember, col(TeamMember.enumerator_id) == col(User.id))
        .where(TeamMember.team_id == team_id).order_by(col(User.username))
    ).all())


def membership(session: Session, enumerator_id: int) -> TeamMember | None:
    return session.get(TeamMember, enumerator_id)


def remove(session: Session, row: SQLModel) -> None:
    session.delete(row)
    session.flush()


def any_team(session: Session) -> bool:
    return session.exec(select(Team.id).limit(1)).first() is not None


def team_enumerator_ids(session: Session, supervisor_id: int) -> set[int]:
    return set(session.exec(
        select(TeamMember.enumerator_id).join(Team, col(Team.id) == col(TeamMember.team_id))
        .where(Team.supervisor_id == supervisor_id)
    ).all())


def username_of(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.username if user else f"#{user_id}"


def teams_of(session: Session, enumerator_ids: set[int]) -> dict[int, int]:
    """Team id per enumerator, for those in a team."""
    rows = session.exec(
        select(TeamMember.enumerator_id, TeamMember.team_id).where(col(TeamMember.enumerator_id).in_(enumerator_ids))
    ).all()
    return {enumerator: team for enumerator, team in rows}


def user_by_name(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


# --- assignments -----------------------------------------------------------------------------------

def active_assignments(session: Session, household_ids: Iterable[int]) -> list[Assignment]:
    ids = list(household_ids)
    return list(session.exec(
        select(Assignment).where(col(Assignment.household_id).in_(ids), col(Assignment.ended_at).is_(None))
    ).all())


def assignment(session: Session, assignment_id: int) -> Assignment | None:
    return session.get(Assignment, assignment_id)


def current_assignments_of_household(session: Session, enumerator_id: int, psu_code: str,
                                     household_code: str) -> list[Assignment]:
    """The enumerator's current assignments of the household coded PSU/household (one per wave)."""
    return list(session.exec(
        select(Assignment)
        .join(PSU, col(PSU.id) == col(Assignment.psu_id))
        .join(Household, col(Household.id) == col(Assignment.household_id))
        .where(Assignment.enumerator_id == enumerator_id, col(Assignment.ended_at).is_(None),
               PSU.code == psu_code, Household.code == household_code)
        .order_by(col(Assignment.id))
    ).all())


_ASSIGNMENTS = Assignment.__table__  # type: ignore[attr-defined]
_SURVEYS = Survey.__table__  # type: ignore[attr-defined]


def _current_waves_of(enumerator_id: Any) -> Any:
    """A condition on the survey table: the enumerator (a bound parameter or a column) holds a current
    assignment in the wave."""
    return _SURVEYS.c.id.in_(core_select(_ASSIGNMENTS.c.survey_id).where(
        _ASSIGNMENTS.c.enumerator_id == enumerator_id, _ASSIGNMENTS.c.ended_at.is_(None)))


_SURVEYS_ASSIGNED = DirectQuery(core_select(_SURVEYS).where(_current_waves_of(bindparam("enumerator_id"))))


def surveys_assigned_to(session: Session, enumerator_id: int) -> list[Survey]:
    """The waves in which the enumerator holds at least one current assignment: read-only, detached
    rows from one Core query (every interview submitted asks)."""
    rows = _SURVEYS_ASSIGNED.all(session, {"enumerator_id": enumerator_id})
    return [Survey.model_construct(**row._asdict()) for row in rows]


_SURVEY_KEYS = tuple(column.key for column in _SURVEYS.columns)
_TOKENS = AccessToken.__table__  # type: ignore[attr-defined]
# The token's state and user (`users_repository.TOKEN_STATE`), then, a row each, the waves in which
# its user holds a current assignment (one row of nulls when none): `surveys_assigned_to` read in the
# same statement.
_TOKEN_STATE_AND_WAVES = DirectQuery(
    users_repository.TOKEN_STATE
    .add_columns(*(column.label(f"wave_{column.key}") for column in _SURVEYS.columns))
    .outerjoin(_SURVEYS, _current_waves_of(_TOKENS.c.user_id))
)


def token_with_read_only_user_and_waves(session: Session, token_hash: str) -> tuple[Any, User, list[Survey]] | None:
    """`users_repository.token_with_read_only_user` and `surveys_assigned_to` for the token's user, in one
    statement (one round trip instead of two for each interview submitted)."""
    rows = _TOKEN_STATE_AND_WAVES.all(session, {"token_hash": token_hash})
    if not rows:
        return None
    start = users_repository.TOKEN_STATE_WIDTH
    wave_id = start + _SURVEY_KEYS.index("id")  # null when the user has no wave
    waves = [Survey.model_construct(**dict(zip(_SURVEY_KEYS, row[start:], strict=True)))
             for row in rows if row[wave_id] is not None]
    return rows[0], users_repository.read_only_user(rows[0]), waves


def _latest_dispositions(person_level: bool):
    condition = col(Disposition.person).is_not(None) if person_level else col(Disposition.person).is_(None)
    return (
        select(func.max(Disposition.id).label("id"))
        .where(condition)
        .group_by(Disposition.household_id, Disposition.person)
        .subquery()
    )


def _current_household_codes():
    """(household_id, code) of each household's latest household-level disposition."""
    latest = _latest_dispositions(person_level=False)
    return (
        select(Disposition.household_id, Disposition.code)
        .join(latest, col(Disposition.id) == latest.c.id)
        .subquery()
    )


def assignment_rows(session: Session, survey_id: int, *, enumerator_ids: set[int] | None,
                    with_contacts: bool, household_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    current = _current_household_codes()
    query = (
        select(Assignment, PSU.code, Household.code, User.username, current.c.code,
               HouseholdContact.address, HouseholdContact.phone)
        .join(PSU, col(PSU.id) == col(Assignment.psu_id))
        .join(Household, col(Household.id) == col(Assignment.household_id))
        .join(User, col(User.id) == col(Assignment.enumerator_id))
        .outerjoin(current, current.c.household_id == col(Assignment.household_id))
        .outerjoin(HouseholdContact, col(HouseholdContact.household_id) == col(Assignment.household_id))
        .where(Assignment.survey_id == survey_id, col(Assignment.ended_at).is_(None))
    )
    if enumerator_ids is not None:
        query = query.where(col(Assignment.enumerator_id).in_(enumerator_ids))
    if household_ids is not None:
        query = query.where(col(Assignment.household_id).in_(list(household_ids)))
    rows = []
    for row, psu, household, username, code, address, phone in session.exec(
        query.order_by(col(PSU.code), col(Household.code))
    ).all():
        item = {"id": row.id, "psu": psu, "household": household, "enumerator": username,
                "assigned_at": row.assigned_at, "disposition": code}
        if with_contacts:
            item.update(address=address, phone=phone)
        rows.append(item)
    return rows


# --- dispositions ----------------------------------------------------------------------------------

def disposition_history(session: Session, household_id: int) -> list[tuple[Disposition, str]]:
    rows = session.exec(
        select(Disposition, User.username).join(User, col(User.id) == col(Disposition.recorded_by))
        .where(Disposition.household_id == household_id).order_by(col(Disposition.id))
    ).all()
    return [(d, name) for d, name in rows]


def latest_codes(session: Session, survey_id: int, *, person_level: bool) -> list[str]:
    latest = _latest_dispositions(person_level)
    return list(session.exec(
        select(Disposition.code).join(latest, col(Disposition.id) == latest.c.id)
        .join(Household, col(Household.id) == col(Disposition.household_id))
        .where(Household.survey_id == survey_id)
    ).all())


def household_frame(session: Session, survey_id: int) -> list[tuple[str, str, str | None, float, str, float, str | None]]:
    """(stratum, psu, psu territory, psu probability, household, household probability, latest household code)."""
    current = _current_household_codes()
    rows = session.exec(
        select(Stratum.code, PSU.code, PSU.territory, PSU.selection_probability, Household.code,
               Household.selection_probability, current.c.code)
        .select_from(Household)
        .join(PSU, col(PSU.id) == col(Household.psu_id))
        .join(Stratum, col(Stratum.id) == col(PSU.stratum_id))
        .outerjoin(current, current.c.household_id == col(Household.id))
        .where(Household.survey_id == survey_id)
        .order_by(col(Stratum.code), col(PSU.code), col(Household.code))
    ).all()
    return [tuple(r) for r in rows]


def progress_households(session: Session, survey_id: int) -> list[tuple[str, str | None, str | None]]:
    """(PSU code, current enumerator username or None, latest household code or None) per household."""
    current = _current_household_codes()
    active = (
        select(Assignment.household_id, User.username)
        .join(User, col(User.id) == col(Assignment.enumerator_id))
        .where(col(Assignment.ended_at).is_(None), Assignment.survey_id == survey_id)
        .subquery()
    )
    rows = session.exec(
        select(PSU.code, active.c.username, current.c.code)
        .select_from(Household)
        .join(PSU, col(PSU.id) == col(Household.psu_id))
        .outerjoin(active, active.c.household_id == col(Household.id))
        .outerjoin(current, current.c.household_id == col(Household.id))
        .where(Household.survey_id == survey_id)
    ).all()
    return [tuple(r) for r in rows]


# --- interviews of a survey ------------------------------------------------------------------------

class Facts(NamedTuple):
    """A revision's facts for the quality flags (`api.fieldwork.facts`), as `InterviewFacts` keeps them."""

    answered: int
    privacy_check: str | None
    reached_sensitive: bool
    discloses: bool


class WaveInterview(NamedTuple):
    """What progress and the quality flags read of one interview. GPS is for server-side checks only:
    callers never return it."""

    instance_id: str
    enumerator_id: int
    enumerator: str
    duration_seconds: float | None
    version: InstrumentVersion  # without its large columns
    psu: str
    psu_centroid: tuple[float | None, float | None]
    revision_id: int | None = None  # the current revision's
    facts: Facts | None = None  # None until worked out
    gps: tuple[float | None, float | None] = (None, None)


def survey_interviews(session: Session, survey_id: int, *, for_flags: bool) -> list[WaveInterview]:
    """Non-deleted interviews naming an assignment of the survey, read as plain columns: a wave has up to
    ~100,000, and an ORM object per interview cost more than the rest of its progress. `for_flags`: with
    their current revision, its kept facts and GPS (never the answers: see `revision_answers`)."""
    columns: list[Any] = [Submission.instance_id, Submission.enumerator_id, User.username, Submission.duration_seconds,
                          Submission.instrument_version_id, PSU.code, PSU.latitude, PSU.longitude]
    if for_flags:
        columns += [SubmissionRevision.id, InterviewFacts.answered, InterviewFacts.privacy_check,
                    InterviewFacts.reached_sensitive, InterviewFacts.discloses, SubmissionPersonal.latitude,
                    SubmissionPersonal.longitude]
    query = (
        select(*columns)
        .join(Assignment, col(Assignment.id) == col(Submission.assignment_id))
        .join(PSU, col(PSU.id) == col(Assignment.psu_id))
        .join(User, col(User.id) == col(Submission.enumerator_id))
        .where(Assignment.survey_id == survey_id, col(Submission.deleted_at).is_(None))
    )
    if for_flags:
        query = query.join(
            SubmissionRevision,
            (col(SubmissionRevision.submission_id) == col(Submission.id))
            & (col(SubmissionRevision.revision) == col(Submission.current_revision)),
        ).outerjoin(InterviewFacts, col(InterviewFacts.revision_id) == col(SubmissionRevision.id)
                    ).outerjoin(SubmissionPersonal, col(SubmissionPersonal.revision_id) == col(SubmissionRevision.id))
    rows = session.exec(query.order_by(col(Submission.id))).all()
    version_ids = {row[4] for row in rows}
    versions = {version.id: version for version in session.exec(
        select(InstrumentVersion).where(col(InstrumentVersion.id).in_(version_ids)).options(*LIGHT_VERSION))}
    return [WaveInterview(instance_id, enumerator_id, username, duration, versions[version_id], psu, (psu_lat, psu_lon),
                          *(_flag_columns(*extra) if extra else ()))
            for instance_id, enumerator_id, username, duration, version_id, psu, psu_lat, psu_lon, *extra in rows]


def _flag_columns(revision_id: int, answered: int | None, privacy_check: str | None, reached_sensitive: bool | None,
                  discloses: bool | None, latitude: float | None, longitude: float | None) -> tuple[Any, ...]:
    facts = None if answered is None else Facts(answered, privacy_check, bool(reached_sensitive), bool(discloses))
    return revision_id, facts, (latitude, longitude)


def revision_answers(session: Session, revision_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """These revisions' answers, by revision id (read a chunk at a time: a wave's hold gigabytes as objects)."""
    return dict(session.exec(select(SubmissionRevision.id, SubmissionRevision.answers)
                             .where(col(SubmissionRevision.id).in_(revision_ids))).all())


def keep_facts(session: Session, facts: dict[int, Facts]) -> None:
    """Keep these revisions' facts; a revision whose facts a concurrent read kept first is left as it is."""
    if facts:
        table = InterviewFacts.__table__  # type: ignore[attr-defined]
        statement = DIALECT_INSERT[session.connection().dialect.name](table).on_conflict_do_nothing()
        session.execute(statement, [{"revision_id": revision_id, **row._asdict()}
                                    for revision_id, row in facts.items()])


# --- VAWG interviews per household -----------------------------------------------------------------

def vawg_claim(session: Session, household_id: int) -> VawgInterview | None:
    return session.get(VawgInterview, household_id)


def submission_by_instance(session: Session, instance_id: str) -> Submission | None:
    return session.exec(select(Submission).where(Submission.instance_id == instance_id)).first()

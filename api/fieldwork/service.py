"""Fieldwork rules: survey waves and their sample, teams, assignments, dispositions and the
household frame the analysis layer weights.

Who may do what: a supervisor manages their own teams and assigns households only to their
teams' enumerators; an admin does both anywhere. Enumerators record dispositions for their own
current assignments. Reads of household contacts are audited.
"""

from dataclasses import dataclass

from sqlmodel import Session

from api.audit import service as audit
from api.db_types import utcnow
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.fieldwork import repository
from api.fieldwork.models import (
    PSU,
    Assignment,
    Disposition,
    Household,
    HouseholdContact,
    Stratum,
    Survey,
    Team,
    TeamMember,
)
from api.fieldwork.outcomes import CODES, nonresponse_category, outcome_rates
from api.fieldwork.sample_csv import read_sample
from api.fieldwork.schemas import (
    AssignmentCreate,
    AssignmentPublic,
    DispositionCreate,
    DispositionPublic,
    MyAssignment,
    OutcomeRatesPublic,
    SampleImported,
    SurveyCreate,
    SurveyPublic,
    TeamCreate,
    TeamPublic,
)
from api.instruments import repository as instruments_repository
from api.users.models import Role, User

# --- survey waves and their sample -----------------------------------------------------------------

def get_survey(session: Session, code: str) -> Survey:
    survey = repository.survey_by_code(session, code)
    if survey is None:
        raise NotFound(f"No survey '{code}'", code="survey_not_found")
    return survey


def survey_public(session: Session, survey: Survey) -> SurveyPublic:
    return SurveyPublic.model_validate(
        {**survey.model_dump(), "households": repository.sample_size(session, survey.id)}
    )


def list_surveys(session: Session) -> list[SurveyPublic]:
    return [survey_public(session, survey) for survey in repository.surveys(session)]


def create_survey(session: Session, actor: User, data: SurveyCreate) -> Survey:
    if repository.survey_by_code(session, data.code) is not None:
        raise Conflict(f"A survey '{data.code}' already exists", code="survey_exists")
    unknown = [
        {"loc": ["form_ids", index], "msg": f"no instrument '{form_id}'", "type": "unknown_instrument"}
        for index, form_id in enumerate(data.form_ids)
        if instruments_repository.get_by_form_id(session, form_id) is None
    ]
    if unknown:
        raise Unprocessable("The survey names instruments that do not exist", code="unknown_instrument", errors=unknown)
    survey = Survey(**data.model_dump(), created_by=actor.id)
    repository.add(session, survey)
    audit.record(session, actor, "survey.create", "survey", survey.code, {"form_ids": survey.form_ids})
    return survey


def import_sample(session: Session, actor: User, code: str, files: dict[str, bytes]) -> SampleImported:
    """Strata, PSUs and households from CSV, all or nothing (see fieldwork.sample_csv for layouts)."""
    survey = get_survey(session, code)
    if repository.sample_size(session, survey.id) > 0:
        raise Conflict(f"Survey '{code}' already has its sample", code="sample_already_imported")
    sample = read_sample(files)
    strata = {row.code: Stratum(survey_id=survey.id, code=row.code, name=row.name, psus_selected=row.psus_selected,
                                measure_of_size_total=row.measure_of_size_total, psus_in_frame=row.psus_in_frame)
              for row in sample.strata}
    repository.add(session, *strata.values())
    psus = {row.code: PSU(survey_id=survey.id, stratum_id=strata[row.stratum].id, code=row.code,
                          selection_probability=row.selection_probability, measure_of_size=row.measure_of_size,
                          latitude=row.latitude, longitude=row.longitude, territory=row.territory)
            for row in sample.psus}
    repository.add(session, *psus.values())
    households = [Household(survey_id=survey.id, psu_id=psus[row.psu].id, code=row.code,
                            selection_probability=row.selection_probability) for row in sample.households]
    repository.add(session, *households)
    contacts = [HouseholdContact(household_id=household.id, address=row.address, phone=row.phone)
                for household, row in zip(households, sample.households, strict=True) if row.address or row.phone]
    repository.add(session, *contacts)
    counts = SampleImported(strata=len(strata), psus=len(psus), households=len(households))
    audit.record(session, actor, "survey.import_sample", "survey", survey.code, counts.model_dump())
    return counts


# --- teams -----------------------------------------------------------------------------------------

def _user(session: Session, username: str, role: Role) -> User:
    user = repository.user_by_name(session, username)
    if user is None:
        raise NotFound(f"No user '{username}'", code="user_not_found")
    if user.role != role:
        raise Unprocessable(f"'{username}' is not a {role.value}", code=f"not_a_{role.value}")
    return user


def _team_public(session: Session, team: Team, supervisor: str) -> TeamPublic:
    return TeamPublic(id=team.id, name=team.name, supervisor=supervisor, members=repository.member_names(session, team.id))


def create_team(session: Session, actor: User, data: TeamCreate) -> TeamPublic:
    if actor.role == Role.supervisor:
        if data.supervisor not in (None, actor.username):
            raise Forbidden("A supervisor creates teams they lead themselves", code="not_your_team")
        supervisor = actor
    elif data.supervisor is None:
        raise Unprocessable("Name the team's supervisor", code="supervisor_required",
                            errors=[{"loc": ["supervisor"], "msg": "required", "type": "missing"}])
    else:
        supervisor = _user(session, data.supervisor, Role.supervisor)
    if repository.team_by_name(session, data.name) is not None:
        raise Conflict(f"A team '{data.name}' already exists", code="team_exists")
    team = Team(name=data.name, supervisor_id=supervisor.id)
    repository.add(session, team)
    audit.record(session, actor, "team.create", "team", team.id, {"supervisor": supervisor.username})
    return _team_public(session, team, supervisor.username)


def _managed_team(session: Session, actor: User, team_id: int) -> Team:
    team = repository.team(session, team_id)
    if team is None:
        raise NotFound(f"No team {team_id}", code="team_not_found")
    if actor.role != Role.admin and team.supervisor_id != actor.id:
        raise Forbidden("Only the team's supervisor or an admin manages this team", code="not_your_team")
    return team


def list_teams(session: Session, actor: User) -> list[TeamPublic]:
    rows = repository.teams(session, None if actor.role == Role.admin else actor.id)
    return [_team_public(session, team, supervisor) for team, supervisor in rows]


def add_member(session: Session, actor: User, team_id: int, username: str) -> TeamPublic:
    team = _managed_team(session, actor, team_id)
    enumerator = _user(session, username, Role.enumerator)
    current = repository.membership(session, enumerator.id)
    if current is not None and current.team_id != team.id:
        raise Conflict(f"'{username}' already belongs to another team; remove them there first",
                       code="already_in_team")
    if current is None:
        repository.add(session, TeamMember(enumerator_id=enumerator.id, team_id=team.id))
        audit.record(session, actor, "team.add_member", "team", team.id, {"enumerator": username})
    return _team_public(session, team, repository.username_of(session, team.supervisor_id))


def remove_member(session: Session, actor: User, team_id: int, username: str) -> None:
    team = _managed_team(session, actor, team_id)
    enumerator = repository.user_by_name(session, username)
    current = repository.membership(session, enumerator.id) if enumerator else None
    if current is None or current.team_id != team.id:
        raise NotFound(f"'{username}' is not in team {team_id}", code="member_not_found")
    repository.remove(session, current)
    audit.record(session, actor, "team.remove_member", "team", team.id, {"enumerator": username})


# --- assignments -----------------------------------------------------------------------------------

def _may_direct(session: Session, actor: User, enumerator_id: int) -> bool:
    return actor.role == Role.admin or enumerator_id in repository.team_enumerator_ids(session, actor.id)


def assign(session: Session, actor: User, code: str, data: AssignmentCreate) -> list[AssignmentPublic]:
    """Give a PSU's households (all, or those listed) to an enumerator; a household held by someone
    else is reassigned, its earlier assignment ended rather than changed."""
    survey = get_survey(session, code)
    enumerator = _user(session, data.enumerator, Role.enumerator)
    if not enumerator.is_active:
        raise Unprocessable(f"'{data.enumerator}' is disabled", code="user_disabled")
    if not _may_direct(session, actor, enumerator.id):
        raise Forbidden(f"'{data.enumerator}' is not in one of your teams", code="enumerator_not_in_team")
    psu = repository.psu_by_code(session, survey.id, data.psu)
    if psu is None:
        raise NotFound(f"No PSU '{data.psu}' in survey '{code}'", code="psu_not_found")
    households = repository.households_of(session, psu.id, data.households)
    if data.households is not None:
        missing = sorted(set(data.households) - {h.code for h in households})
        if missing:
            raise Unprocessable(
                f"{len(missing)} household(s) are not in PSU '{data.psu}'", code="unknown_household",
                errors=[{"loc": ["households", data.households.index(m)], "msg": f"no household '{m}'",
                         "type": "unknown_household"} for m in missing],
            )
    held = {a.household_id: a for a in repository.active_assignments(session, [h.id for h in households])}
    for assignment in held.values():
        if assignment.enumerator_id != enumerator.id and not _may_direct(session, actor, assignment.enumerator_id):
            raise Forbidden("Some of these households are assigned outside your teams",
                            code="household_assigned_elsewhere")
    now_ = utcnow()
    for household in households:
        previous = held.get(household.id)
        if previous is not None and previous.enumerator_id == enumerator.id:
            continue
        if previous is not None:
            previous.ended_at = now_
            repository.add(session, previous)
        repository.add(session, Assignment(survey_id=survey.id, psu_id=psu.id, household_id=household.id,
                                           enumerator_id=enumerator.id, assigned_by=actor.id, assigned_at=now_))
    audit.record(session, actor, "assignment.create", "survey", survey.code,
                 {"psu": psu.code, "enumerator": enumerator.username, "households": len(households)})
    # Only this PSU's households are read back: assigning a whole sample PSU by PSU stays linear.
    rows = repository.assignment_rows(session, survey.id, enumerator_ids={enumerator.id}, with_contacts=False,
                                      household_ids=[h.id for h in households])
    return [AssignmentPublic(**row) for row in rows]


def list_assignments(session: Session, actor: User, code: str, *, enumerator: str | None = None) -> list[AssignmentPublic]:
    survey = get_survey(session, code)
    visible = None if actor.role == Role.admin else repository.team_enumerator_ids(session, actor.id)
    rows = repository.assignment_rows(session, survey.id, enumerator_ids=visible, with_contacts=False)
    return [AssignmentPublic(**row) for row in rows if enumerator is None or row["enumerator"] == enumerator]


def my_assignments(session: Session, actor: User) -> list[MyAssignment]:
    """The enumerator's current households, with the address and phone they need to visit (audited)."""
    result = []
    for survey in repository.surveys_assigned_to(session, actor.id):
        for row in repository.assignment_rows(session, survey.id, enumerator_ids={actor.id}, with_contacts=True):
            result.append(MyAssignment(**row, survey=survey.code, form_ids=survey.form_ids))
    audit.record(session, actor, "assignment.read_mine", "assignment", None, {"households": len(result)})
    return result


# --- dispositions ----------------------------------------------------------------------------------

def _reachable_assignment(session: Session, actor: User, assignment_id: int) -> Assignment:
    assignment = repository.assignment(session, assignment_id)
    if assignment is None:
        raise NotFound(f"No assignment {assignment_id}", code="assignment_not_found")
    own = assignment.enumerator_id == actor.id and assignment.ended_at is None
    managing = actor.role in (Role.admin, Role.supervisor) and _may_direct(session, actor, assignment.enumerator_id)
    if not (own or managing):
        raise Forbidden(f"Assignment {assignment_id} is not one of yours", code="assignment_not_yours")
    return assignment


def _disposition_public(row: Disposition, recorded_by: str) -> DispositionPublic:
    return DispositionPublic(code=row.code, meaning=CODES[row.code], person=row.person, note=row.note,
                             instance_id=row.instance_id, recorded_by=recorded_by, recorded_at=row.recorded_at)


def record_disposition(session: Session, actor: User, assignment_id: int, data: DispositionCreate) -> DispositionPublic:
    """Append an outcome; earlier ones stay in the history and the latest is the current one."""
    assignment = _reachable_assignment(session, actor, assignment_id)
    row = Disposition(household_id=assignment.household_id, person=data.person, code=data.code, note=data.note,
                      instance_id=data.instance_id, recorded_by=actor.id)
    repository.add(session, row)
    audit.record(session, actor, "disposition.record", "assignment", assignment.id,
                 {"code": row.code, "person": row.person})
    return _disposition_public(row, actor.username)


def disposition_history(session: Session, actor: User, assignment_id: int) -> list[DispositionPublic]:
    assignment = _reachable_assignment(session, actor, assignment_id)
    return [_disposition_public(row, name) for row, name in repository.disposition_history(session, assignment.household_id)]


def response_rates(session: Session, code: str, level: str) -> OutcomeRatesPublic:
    survey = get_survey(session, code)
    person_level = level == "person"
    codes = repository.latest_codes(session, survey.id, person_level=person_level)
    pending = 0 if person_level else repository.sample_size(session, survey.id) - len(codes)
    rates = outcome_rates(codes)
    return OutcomeRatesPublic(level=level, pending=pending, **vars(rates))


# --- the frame the analysis layer weights ----------------------------------------------------------

@dataclass(frozen=True)
class FrameRow:
    """One sampled household with its design and its outcome; never any contact detail.

    `disposition` is weighting.nonresponse's category (respondent, nonrespondent, unknown,
    ineligible); a household never worked counts as unknown eligibility (AAPOR 3.11).
    """

    stratum: str
    psu: str
    territory: str | None
    household: str
    psu_probability: float
    household_probability: float
    selection_probability: float
    disposition_code: str | None
    disposition: str


def household_frame(session: Session, survey_id: int) -> list[FrameRow]:
    return [
        FrameRow(stratum=stratum, psu=psu, territory=territory, household=household, psu_probability=psu_p,
                 household_probability=household_p, selection_probability=psu_p * household_p,
                 disposition_code=code, disposition=nonresponse_category(code))
        for stratum, psu, territory, psu_p, household, household_p, code
        in repository.household_frame(session, survey_id)
    ]

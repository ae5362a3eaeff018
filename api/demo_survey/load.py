"""Loading the demo survey through the services a real survey goes through: field staff accounts,
two waves (victimization and perception in every PSU; the VAWG module in half of them) imported from
CSV, teams, assignments, AAPOR dispositions, interviews sent in batches by their enumerators and
approved by their supervisors. Loading is all or nothing and happens once: a database that already
has the demo wave is left as it is."""

import secrets
from collections import defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session

from api.demo_survey.interviews import Interview, bundled_instrument
from api.demo_survey.sample import COMPLETED, NON_CONTACT, REFUSED, VACANT
from api.demo_survey.sample_files import sample_files
from api.demo_survey.survey import DEFAULT_SEED, DemoSurvey, generate_demo_survey
from api.demo_survey.teams import TEAMS, FieldWorker
from api.fieldwork import repository as fieldwork_repository
from api.fieldwork import service as fieldwork
from api.fieldwork.schemas import AssignmentCreate, DispositionCreate, SurveyCreate, TeamCreate
from api.json_text import compact_json
from api.submissions import service as submissions
from api.submissions.schemas import MAX_BATCH
from api.users import repository as users_repository
from api.users import service as users_service
from api.users.models import Role, User
from api.users.schemas import UserCreate

SURVEY_CODE = "demo-2026"
VAWG_SURVEY_CODE = "demo-2026-vawg"
# The first visit's outcome as an AAPOR final disposition code.
HOUSEHOLD_CODES = {COMPLETED: "1.1", REFUSED: "2.111", NON_CONTACT: "2.24", VACANT: "4.61"}
# The VAWG visit's outcome (the instrument's interview_outcome) as an AAPOR code; a woman never found
# alone again counts as away or unavailable.
VAWG_CODES = {"completed": "1.1", "interrupted": "1.2", "refused": "2.112",
              "rescheduled_no_privacy": "2.25", "not_interviewed": "4.70"}


def load_demo_survey(session: Session, actor: User, *, seed: int = DEFAULT_SEED, psu_share: float = 1.0) -> str:
    """Load the demo waves unless they are there; returns a one-line report. ``actor`` is an admin."""
    if fieldwork_repository.survey_by_code(session, SURVEY_CODE) is not None:
        return f"survey: demo waves {SURVEY_CODE} and {VAWG_SURVEY_CODE} already there"
    survey = generate_demo_survey(seed, psu_share=psu_share)
    workers = _field_workers(session, actor)
    _teams(session, actor)
    by_instrument: dict[str, list[Interview]] = defaultdict(list)
    for interview in survey.interviews:
        by_instrument[interview.instrument].append(interview)
    assignments = _wave(session, actor, workers, survey, vawg=False, interviews=by_instrument["victimization"])
    vawg_assignments = _wave(session, actor, workers, survey, vawg=True, interviews=by_instrument["vawg"])
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for interview in survey.interviews:
        wave = vawg_assignments if interview.instrument == "vawg" else assignments
        items[interview.enumerator].append(_submission(interview, wave[interview.household]))
    for username, batch in items.items():
        _send(session, workers[username], batch)
    _approve(session, workers, survey.interviews)
    return (
        f"survey: {SURVEY_CODE} ({len(survey.psus)} PSUs, {len(survey.households)} households) and "
        f"{VAWG_SURVEY_CODE}; {len(survey.interviews)} interviews submitted and approved"
    )


def _field_workers(session: Session, actor: User) -> dict[str, User]:
    """Supervisors and enumerators of the three regional teams (random passwords: an admin sets real ones)."""
    users = {}
    for team in TEAMS.values():
        for worker, role in ((team.supervisor, Role.supervisor), *((e, Role.enumerator) for e in team.enumerators)):
            users[worker.username] = users_repository.get_by_username(session, worker.username) or _create(
                session, actor, worker, role
            )
    return users


def _create(session: Session, actor: User, worker: FieldWorker, role: Role) -> User:
    return users_service.create_user(
        session,
        UserCreate(username=worker.username, full_name=worker.full_name, role=role, sex=worker.sex,
                   vawg_certified=worker.vawg_certified, sensitive_access=role == Role.supervisor,
                   password=secrets.token_urlsafe(16)),
        actor=actor,
    )


def _teams(session: Session, actor: User) -> None:
    for team in TEAMS.values():
        existing = fieldwork_repository.team_by_name(session, team.code)
        team_id = existing.id if existing else fieldwork.create_team(
            session, actor, TeamCreate(name=team.code, supervisor=team.supervisor.username)
        ).id
        for enumerator in team.enumerators:
            fieldwork.add_member(session, actor, team_id, enumerator.username)


def _wave(session: Session, actor: User, workers: dict[str, User], survey: DemoSurvey, *, vawg: bool,
          interviews: list[Interview]) -> dict[str, int]:
    """Create one wave, import its sample, assign its PSUs and have their enumerators record each
    household's outcome; returns the assignment id of each household."""
    code = VAWG_SURVEY_CODE if vawg else SURVEY_CODE
    visits = [interview.started_at.date() for interview in interviews]
    fieldwork.create_survey(session, actor, SurveyCreate(
        code=code,
        name=("Encuesta demo de salud y vida de las mujeres 2026" if vawg
              else "Encuesta demo de victimización y percepción de seguridad 2026"),
        reference_period_start=date(2025, 8, 1),
        reference_period_end=date(2026, 7, 31),
        fieldwork_start=min(visits),
        fieldwork_end=max(visits),
        form_ids=[_form_id("vawg")] if vawg else [_form_id("victimization"), _form_id("perception")],
    ))
    fieldwork.import_sample(session, actor, code, sample_files(survey, vawg=vawg))
    assignment_ids: dict[str, int] = {}
    for psu in survey.psus:
        if vawg and not psu.vawg:
            continue
        for row in fieldwork.assign(session, actor, code, AssignmentCreate(enumerator=survey.plan[psu.code].enumerator,
                                                                          psu=psu.code)):
            assignment_ids[row.household] = row.id
    by_household = {interview.household: interview for interview in interviews}
    for household in survey.households:
        if household.code not in assignment_ids:
            continue
        enumerator = workers[survey.plan[household.psu].enumerator]
        interview = by_household.get(household.code)
        if interview is None:
            disposition = DispositionCreate(code=HOUSEHOLD_CODES[household.disposition])
        else:
            outcome = VAWG_CODES[interview.answers["interview_outcome"]] if vawg else HOUSEHOLD_CODES[COMPLETED]
            disposition = DispositionCreate(code=outcome, instance_id=interview.instance_id)
        fieldwork.record_disposition(session, enumerator, assignment_ids[household.code], disposition)
    return assignment_ids


def _submission(interview: Interview, assignment_id: int) -> dict[str, Any]:
    """The JSON body a tablet sends for one interview."""
    return {
        "instance_id": interview.instance_id,
        "instrument": {"form_id": _form_id(interview.instrument),
                       "version": bundled_instrument(interview.instrument).settings.version},
        "answers": interview.answers,
        "paradata": {
            "started_at": interview.started_at.isoformat(),
            "ended_at": interview.ended_at.isoformat(),
            "device_id": f"collect:{interview.enumerator}",
            "gps": {"latitude": interview.latitude, "longitude": interview.longitude,
                    "accuracy": interview.gps_accuracy},
        },
        "assignment_id": assignment_id,
    }


def _form_id(instrument: str) -> str:
    return bundled_instrument(instrument).settings.form_id


class DemoLoadFailed(RuntimeError):
    """The services refused a generated interview: the demo and the platform disagree."""


def _send(session: Session, enumerator: User, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), MAX_BATCH):
        result = submissions.submit_batch(session, enumerator, [(item, compact_json(item).decode("utf-8"))
                                                                 for item in items[start:start + MAX_BATCH]])
        refused = [row for row in result.results if row.status not in ("created", "duplicate")]
        if refused:
            raise DemoLoadFailed(f"{len(refused)} demo interview(s) of {enumerator.username} refused: {refused[0]}")


def _approve(session: Session, workers: dict[str, User], interviews: tuple[Interview, ...]) -> None:
    supervisors = {enumerator.username: workers[team.supervisor.username]
                   for team in TEAMS.values() for enumerator in team.enumerators}
    for interview in interviews:
        submissions.review(session, supervisors[interview.enumerator], interview.instance_id, "approve", None)

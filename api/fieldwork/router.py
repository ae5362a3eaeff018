"""Fieldwork over HTTP: survey waves and their sample, teams, assignments, dispositions, progress
and quality flags.

The sample is uploaded once per wave as three CSV files in one multipart request
(`POST /surveys/{code}/sample`, parts `strata`, `psus`, `households`), all checked before any row is
stored; every bad row comes back as `errors: [{loc: [file, line, column], msg, type}]`.

strata.csv     stratum*, name, psus_selected, measure_of_size_total, psus_in_frame
psus.csv       stratum*, psu*, selection_probability | measure_of_size, latitude, longitude, territory
households.csv psu*, household*, selection_probability*, address, phone

(* required; UTF-8, comma-separated, header on line 1). A PSU given a measure of size M_hi gets the
probability pi_hi = n_h * M_hi / M_h (n_h = its stratum's psus_selected, M_h = its stratum's
measure_of_size_total over the frame). Household probabilities are within the PSU; address and phone
are kept apart from the frame and shown only to the enumerator assigned (audited).
"""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Response, UploadFile

from api.db import SessionDep
from api.errors import BadRequest
from api.fieldwork import monitoring, service
from api.fieldwork.schemas import (
    AssignmentCreate,
    AssignmentPublic,
    DispositionCreate,
    DispositionPublic,
    MemberAdd,
    MyAssignment,
    OutcomeRatesPublic,
    Progress,
    QualityFlag,
    SampleImported,
    SurveyCreate,
    SurveyPublic,
    TeamCreate,
    TeamPublic,
)
from api.params import RecordId
from api.security import Permission, require
from api.users.models import User

router = APIRouter(prefix="/api/v1/fieldwork", tags=["fieldwork"])

Manager = Annotated[User, require(Permission.manage_fieldwork)]
Reader = Annotated[User, require(Permission.read_fieldwork)]
Collector = Annotated[User, require(Permission.submit_interviews)]
InterviewReader = Annotated[User, require(Permission.read_interviews)]


@router.post("/surveys", response_model=SurveyPublic, status_code=201)
def create_survey(session: SessionDep, manager: Manager, data: SurveyCreate) -> SurveyPublic:
    return service.survey_public(session, service.create_survey(session, manager, data))


@router.get("/surveys", response_model=list[SurveyPublic])
def list_surveys(session: SessionDep, reader: Reader) -> list[SurveyPublic]:
    return service.list_surveys(session)


@router.get("/surveys/{code}", response_model=SurveyPublic)
def get_survey(session: SessionDep, reader: Reader, code: str) -> SurveyPublic:
    return service.survey_public(session, service.get_survey(session, code))


def _content(upload: UploadFile, part: str) -> bytes:
    data = upload.file.read()
    if not data:
        raise BadRequest(f"The uploaded {part}.csv is empty", code="empty_upload")
    return data


@router.post("/surveys/{code}/sample", response_model=SampleImported, status_code=201)
def import_sample(
    session: SessionDep,
    manager: Manager,
    code: str,
    strata: Annotated[UploadFile, File(description="strata.csv")],
    psus: Annotated[UploadFile, File(description="psus.csv")],
    households: Annotated[UploadFile, File(description="households.csv")],
) -> SampleImported:
    """The wave's sample from three CSV files (layouts in this module's description); all or nothing."""
    files = {"strata": _content(strata, "strata"), "psus": _content(psus, "psus"),
             "households": _content(households, "households")}
    return service.import_sample(session, manager, code, files)


@router.post("/teams", response_model=TeamPublic, status_code=201)
def create_team(session: SessionDep, manager: Manager, data: TeamCreate) -> TeamPublic:
    return service.create_team(session, manager, data)


@router.get("/teams", response_model=list[TeamPublic])
def list_teams(session: SessionDep, manager: Manager) -> list[TeamPublic]:
    """A supervisor's own teams; every team for an admin."""
    return service.list_teams(session, manager)


@router.post("/teams/{team_id}/members", response_model=TeamPublic)
def add_member(session: SessionDep, manager: Manager, team_id: RecordId, member: MemberAdd) -> TeamPublic:
    return service.add_member(session, manager, team_id, member.username)


@router.delete("/teams/{team_id}/members/{username}", status_code=204, response_class=Response)
def remove_member(session: SessionDep, manager: Manager, team_id: RecordId, username: str) -> None:
    service.remove_member(session, manager, team_id, username)


@router.post("/surveys/{code}/assignments", response_model=list[AssignmentPublic], status_code=201)
def assign(session: SessionDep, manager: Manager, code: str, data: AssignmentCreate) -> list[AssignmentPublic]:
    """Give a PSU (every household, or those listed) to an enumerator of one of your teams."""
    return service.assign(session, manager, code, data)


@router.get("/surveys/{code}/assignments", response_model=list[AssignmentPublic])
def list_assignments(session: SessionDep, manager: Manager, code: str) -> list[AssignmentPublic]:
    """Current assignments: your teams' for a supervisor, all for an admin."""
    return service.list_assignments(session, manager, code)


@router.get("/my-assignments", response_model=list[MyAssignment])
def my_assignments(session: SessionDep, enumerator: Collector) -> list[MyAssignment]:
    """Your current households, the instruments of their wave, and where to find them."""
    return service.my_assignments(session, enumerator)


@router.post("/assignments/{assignment_id}/dispositions", response_model=DispositionPublic, status_code=201)
def record_disposition(session: SessionDep, enumerator: Collector, assignment_id: RecordId,
                       data: DispositionCreate) -> DispositionPublic:
    """An AAPOR outcome for one of your households (or a member, by roster position); never overwritten."""
    return service.record_disposition(session, enumerator, assignment_id, data)


@router.get("/assignments/{assignment_id}/dispositions", response_model=list[DispositionPublic])
def disposition_history(session: SessionDep, reader: InterviewReader, assignment_id: RecordId) -> list[DispositionPublic]:
    """Every outcome recorded, oldest first: for the assigned enumerator, their supervisor or an admin."""
    return service.disposition_history(session, reader, assignment_id)


@router.get("/surveys/{code}/response-rates", response_model=OutcomeRatesPublic)
def response_rates(session: SessionDep, reader: Reader, code: str,
                   level: Literal["household", "person"] = "household") -> OutcomeRatesPublic:
    """AAPOR RR1-RR4, COOP1-2, REF1, CON1 over the latest dispositions (formulas in fieldwork.outcomes)."""
    return service.response_rates(session, code, level)


@router.get("/surveys/{code}/progress", response_model=Progress)
def progress(session: SessionDep, reader: Reader, code: str) -> Progress:
    return monitoring.progress(session, code)


@router.get("/surveys/{code}/quality-flags", response_model=list[QualityFlag])
def quality_flags(
    session: SessionDep,
    manager: Manager,
    code: str,
    short_fraction: Annotated[float, Query(gt=0, le=1, description="Too short: under this x the median")] = 0.5,
    gps_radius_m: Annotated[float, Query(gt=0, description="GPS farther than this from the PSU centroid")] = 1000.0,
    disclosure_alpha: Annotated[float, Query(gt=0, lt=1, description="Binomial test level")] = 0.05,
    disclosure_min_interviews: Annotated[int, Query(ge=1)] = 5,
) -> list[QualityFlag]:
    """Flags on your teams' interviews (all, for an admin); reading them is audited."""
    settings = monitoring.FlagSettings(short_fraction, gps_radius_m, disclosure_alpha, disclosure_min_interviews)
    return monitoring.quality_flags(session, manager, code, settings)

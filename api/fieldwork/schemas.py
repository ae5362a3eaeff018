"""Request and response bodies for survey waves, teams, assignments, dispositions, progress and
quality flags. No response carries GPS coordinates of an interview."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from api.db_types import StorableText
from api.fieldwork.outcomes import CODES

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class SurveyCreate(BaseModel):
    code: StorableText = Field(pattern=CODE_PATTERN, description="Short identifier of the wave, e.g. 'envipe-2026'")
    name: StorableText = Field(min_length=1, max_length=300)
    reference_period_start: date | None = None
    reference_period_end: date | None = None
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    form_ids: list[StorableText] = Field(min_length=1, max_length=50, description="Instruments collected in this wave")
    only_approved_feed_estimates: bool = True
    vawg_requires_female_enumerator: bool = True

    @model_validator(mode="after")
    def _periods_in_order(self) -> "SurveyCreate":
        for start, end in (("reference_period_start", "reference_period_end"), ("fieldwork_start", "fieldwork_end")):
            first, last = getattr(self, start), getattr(self, end)
            if first is not None and last is not None and last < first:
                raise ValueError(f"{end} is before {start}")
        return self


class SurveyPublic(SurveyCreate):
    created_at: datetime
    households: int = Field(description="Households in the imported sample (0 before the import)")


class SampleImported(BaseModel):
    strata: int
    psus: int
    households: int


class TeamCreate(BaseModel):
    name: StorableText = Field(min_length=1, max_length=200)
    supervisor: StorableText | None = Field(default=None, description="Username; an admin must name one, a supervisor "
                                                             "creates their own team")


class TeamPublic(BaseModel):
    id: int
    name: str
    supervisor: str
    members: list[str]


class MemberAdd(BaseModel):
    username: StorableText = Field(min_length=1, max_length=64)


class AssignmentCreate(BaseModel):
    enumerator: StorableText = Field(min_length=1, max_length=64, description="Username of an enumerator")
    psu: StorableText = Field(min_length=1, max_length=64, description="PSU code")
    households: list[StorableText] | None = Field(
        default=None, max_length=5000, description="Household codes in the PSU; omitted: every household of the PSU"
    )


class AssignmentPublic(BaseModel):
    id: int
    psu: str
    household: str
    enumerator: str
    assigned_at: datetime
    disposition: str | None = Field(description="Latest household disposition code, if any")


class MyAssignment(AssignmentPublic):
    survey: str
    form_ids: list[str]
    address: str | None
    phone: str | None


class DispositionCreate(BaseModel):
    code: StorableText = Field(description="AAPOR final disposition code, e.g. 1.1, 2.11, 2.24, 3.18, 4.60")
    person: int | None = Field(default=None, ge=1, le=99, description="Roster position; omitted: the household")
    note: StorableText | None = Field(default=None, max_length=2000)
    instance_id: StorableText | None = Field(default=None, max_length=64, description="The interview it concerns")

    @model_validator(mode="after")
    def _known_code(self) -> "DispositionCreate":
        if self.code not in CODES:
            raise ValueError(f"'{self.code}' is not an AAPOR disposition code; use one of {', '.join(CODES)}")
        return self


class DispositionPublic(BaseModel):
    code: str
    meaning: str
    person: int | None
    note: str | None
    instance_id: str | None
    recorded_by: str
    recorded_at: datetime


class OutcomeRatesPublic(BaseModel):
    level: Literal["household", "person"]
    counts: dict[str, int] = Field(description="Cases by AAPOR group: I, P, R, NC, O, UH, UO, NE")
    pending: int = Field(description="Households with no disposition yet (household level only)")
    e: float | None
    rr1: float | None
    rr2: float | None
    rr3: float | None
    rr4: float | None
    coop1: float | None
    coop2: float | None
    ref1: float | None
    con1: float | None


class ProgressRow(BaseModel):
    assigned: int
    completed: int = Field(description="Households whose latest disposition is 1.1")
    response_rate: float | None = Field(description="RR1 over the households with a disposition")
    interviews: int
    median_duration_seconds: float | None


class PsuProgress(ProgressRow):
    psu: str
    households: int


class EnumeratorProgress(ProgressRow):
    enumerator: str


class Progress(BaseModel):
    by_psu: list[PsuProgress]
    by_enumerator: list[EnumeratorProgress]


class QualityFlag(BaseModel):
    flag: Literal["too_short", "privacy_check_failed", "disclosure_rate_low", "disclosure_rate_high",
                  "gps_far_from_psu"]
    enumerator: str
    instance_id: str | None = Field(description="The interview, for per-interview flags")
    detail: str
    value: float | None = Field(description="Duration (s), distance (m) or the enumerator's disclosure rate")
    reference: float | None = Field(description="Threshold (s or m) or the rest of the team's disclosure rate")

"""Submission bodies. The answer shape is survey_defs.answers' (fields by name, repeats as lists)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, GetPydanticSchema, model_validator
from pydantic_core import core_schema

from api.db_types import INTEGER_MAX, StorableText, StorableTime

MAX_BATCH = 500


class InstrumentRef(BaseModel):
    form_id: StorableText = Field(min_length=1, max_length=100)
    version: StorableText = Field(min_length=1, max_length=100)


class GPS(BaseModel):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accuracy: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class Paradata(BaseModel):
    started_at: StorableTime
    ended_at: StorableTime
    device_id: StorableText = Field(min_length=1, max_length=100)
    gps: GPS | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> "Paradata":
        if self.started_at.tzinfo is None or self.ended_at.tzinfo is None:
            raise ValueError("started_at and ended_at need a time zone offset (e.g. 2026-05-01T10:00:00-05:00)")
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        return self


class SubmissionCreate(BaseModel):
    instance_id: UUID
    instrument: InstrumentRef
    answers: dict[str, Any]
    paradata: Paradata
    assignment_id: int | None = Field(default=None, ge=1, le=INTEGER_MAX)


class SubmissionEdit(BaseModel):
    answers: dict[str, Any]
    reason: StorableText = Field(min_length=3, max_length=2000)


class ReviewAction(BaseModel):
    action: Literal["approve", "return"]
    comment: StorableText | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _return_needs_comment(self) -> "ReviewAction":
        if self.action == "return" and not (self.comment and self.comment.strip()):
            raise ValueError("returning an interview to the enumerator needs a comment saying why")
        return self


MAX_BULK_REVIEW = 1000


class BulkReviewIn(ReviewAction):
    """One decision for many interviews (a supervisor approving a day's work)."""

    instance_ids: list[StorableText] = Field(min_length=1, max_length=MAX_BULK_REVIEW)


class BulkReviewItem(BaseModel):
    instance_id: str
    status: Literal["approved", "returned", "already_approved", "not_found"]


class BulkReviewResult(BaseModel):
    approved: int
    returned: int
    already_approved: int
    not_found: int
    results: list[BulkReviewItem]


class SubmissionPublic(BaseModel):
    instance_id: str
    form_id: str
    version: str
    enumerator: str
    assignment_id: int | None
    revision: int
    review_status: str
    review_comment: str | None
    answers: dict[str, Any]
    withheld: list[str] = Field(description="Sensitive answers not shown to this user")
    started_at: datetime | None
    ended_at: datetime | None
    duration_seconds: float | None
    device_id: str | None
    received_at: datetime
    updated_at: datetime
    deleted: bool


class SubmissionPage(BaseModel):
    items: list[SubmissionPublic]
    total: int
    offset: int
    limit: int


class RevisionPublic(BaseModel):
    revision: int
    author: str
    reason: str | None
    created_at: datetime
    answers: dict[str, Any]
    withheld: list[str]


# A batch's item as read: any value, so that one that is not even an object is refused on its own (as
# any invalid interview is, by `SubmissionCreate`); documented as the interview it should be.
BatchItem = Annotated[Any, GetPydanticSchema(lambda _, __: core_schema.any_schema(),
                                             lambda _, handler: handler(SubmissionCreate.__pydantic_core_schema__))]


class BatchIn(BaseModel):
    # Items are validated one by one so that one malformed interview never blocks the others.
    submissions: list[BatchItem] = Field(max_length=MAX_BATCH)


@dataclass(frozen=True)
class UnreadableItem:
    """A batch item that cannot be taken as an interview's values at all (text that is no Unicode): refused
    on its own with these errors, as an invalid interview is."""

    errors: list[dict[str, Any]]
    instance_id: str | None = None


class BatchItemResult(BaseModel):
    index: int
    instance_id: str | None
    status: Literal["created", "duplicate", "invalid", "conflict"]
    errors: list[dict[str, Any]] = []


class BatchResult(BaseModel):
    created: int
    duplicate: int
    invalid: int
    conflict: int
    results: list[BatchItemResult]

"""Interviews over HTTP (JSON): submit one or a batch, read, edit, review, delete and restore."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlmodel import Session

from api.db import SessionDep
from api.openapi_bodies import json_body, json_response
from api.pagination import PageDep
from api.security import Permission, require
from api.submissions.bodies import batch_items, interview_body
from api.submissions.intake import intake_of
from api.submissions import service
from api.submissions.schemas import (
    BatchIn,
    BatchResult,
    BulkReviewIn,
    BulkReviewResult,
    ReviewAction,
    RevisionPublic,
    SubmissionCreate,
    SubmissionEdit,
    SubmissionPage,
    SubmissionPublic,
)
from api.users.models import User

router = APIRouter(prefix="/api/v1/submissions", tags=["submissions"])

Collector = Annotated[User, require(Permission.submit_interviews)]
Reader = Annotated[User, require(Permission.read_interviews)]
Editor = Annotated[User, require(Permission.edit_interviews)]
Reviewer = Annotated[User, require(Permission.review_interviews)]
Deleter = Annotated[User, require(Permission.delete_interviews)]
Restorer = Annotated[User, require(Permission.restore_interviews)]
PersonalReader = Annotated[User, require(Permission.read_personal_identifiers)]


async def raw_body(request: Request) -> str:
    """The body exactly as received, kept with the interview. Read here, in the event loop, so that the
    endpoints themselves are plain functions run in the threadpool (their database work never blocks
    other requests)."""
    return (await request.body()).decode("utf-8", errors="replace")


RawBody = Annotated[str, Depends(raw_body)]


@router.post(
    "",
    response_model=SubmissionPublic,
    status_code=201,
    responses={200: {"description": "Already received with the same content: the stored interview"},
               409: {"description": "Already received with different content"}},
    openapi_extra=json_body(SubmissionCreate, bearer=True),
)
async def submit(request: Request) -> Response:
    """One interview, validated against the exact instrument version; resending it is harmless."""
    payload = await request.body()

    def prepare(session: Session, enumerator: User) -> tuple[SubmissionCreate, service.Prepared]:
        data = interview_body(payload)
        return data, service.prepare_one(session, enumerator, data, payload.decode("utf-8", errors="replace"))

    def store(session: Session, enumerator: User, prepared: tuple[SubmissionCreate, service.Prepared]) -> Response:
        view, created = service.store_one(session, enumerator, *prepared)
        return json_response(view, 201 if created else 200)

    return await intake_of(request).run_grouped(request, Permission.submit_interviews, prepare, store)


@router.post("/batch", response_model=BatchResult, openapi_extra=json_body(BatchIn, bearer=True))
async def submit_batch(request: Request) -> Response:
    """Offline sync: up to 500 interviews, each with its own result; resending is harmless."""
    payload = await request.body()

    def work(session: Session, enumerator: User) -> Response:
        return json_response(service.submit_batch(session, enumerator, batch_items(payload)), 200)

    return await intake_of(request).run(request, Permission.submit_interviews, work)


@router.post("/review", response_model=BulkReviewResult)
def review_submissions(session: SessionDep, reviewer: Reviewer, decision: BulkReviewIn) -> BulkReviewResult:
    """Approve, or return with a comment, many interviews at once; each gets its own verdict."""
    return service.review_many(session, reviewer, decision.instance_ids, decision.action, decision.comment)


@router.get("", response_model=SubmissionPage)
def list_submissions(
    session: SessionDep,
    reader: Reader,
    page: PageDep,
    form_id: Annotated[str | None, Query(max_length=100)] = None,
    review_status: Annotated[str | None, Query(pattern="^(received|approved|returned|resubmitted)$")] = None,
) -> SubmissionPage:
    items, total = service.list_page(session, reader, offset=page.offset, limit=page.limit, form_id=form_id,
                                     review_status=review_status)
    return SubmissionPage(items=items, total=total, offset=page.offset, limit=page.limit)


@router.get("/{instance_id}", response_model=SubmissionPublic)
def get_submission(session: SessionDep, reader: Reader, instance_id: str) -> SubmissionPublic:
    return service.read(session, reader, instance_id)


@router.put("/{instance_id}", response_model=SubmissionPublic)
def edit_submission(session: SessionDep, editor: Editor, instance_id: str, change: SubmissionEdit,
                    payload: RawBody) -> SubmissionPublic:
    """Change answers: a new revision with author, time and reason; earlier ones are kept."""
    return service.edit(session, editor, instance_id, change, payload=payload)


@router.get("/{instance_id}/revisions", response_model=list[RevisionPublic])
def list_revisions(session: SessionDep, reader: Reader, instance_id: str) -> list[RevisionPublic]:
    return service.revisions(session, reader, instance_id)


@router.post("/{instance_id}/review", response_model=SubmissionPublic)
def review_submission(session: SessionDep, reviewer: Reviewer, instance_id: str, action: ReviewAction) -> SubmissionPublic:
    """Approve, or return to the enumerator with a comment."""
    return service.review(session, reviewer, instance_id, action.action, action.comment)


@router.delete("/{instance_id}", status_code=204, response_class=Response)
def delete_submission(session: SessionDep, deleter: Deleter, instance_id: str) -> None:
    """Soft delete: the interview leaves lists and estimates; an admin can restore it."""
    service.soft_delete(session, deleter, instance_id)


@router.post("/{instance_id}/restore", response_model=SubmissionPublic)
def restore_submission(session: SessionDep, admin: Restorer, instance_id: str) -> SubmissionPublic:
    return service.restore(session, admin, instance_id)


@router.get("/{instance_id}/personal")
def personal_identifiers(session: SessionDep, reader: PersonalReader, instance_id: str) -> dict[str, Any]:
    """Names, phones, addresses and exact GPS, kept apart from answers (audited)."""
    return service.personal_identifiers(session, reader, instance_id)

"""The indicator catalogue, and catalogue indicators computed on analysts' analyses."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.db import SessionDep
from api.indicators import service
from api.indicators.schemas import ComparisonOut, ComparisonRequest, IndicatorOut, IndicatorRequest
from api.params import RecordId
from api.security import Permission, require
from api.users.models import User

router = APIRouter(prefix="/api/v1", tags=["indicators"])

Analyst = Annotated[User, require(Permission.analyse)]


@router.get("/indicators")
def list_indicators(source: Annotated[Literal["survey", "administrative"] | None, Query()] = None) -> dict[str, Any]:
    """Every indicator with its definition, universe, unit, SDG series and counting rules (public)."""
    return service.catalogue(source)


@router.get("/indicators/{indicator_id}")
def get_indicator(indicator_id: str) -> dict[str, Any]:
    return service.describe(indicator_id)


@router.post("/analyses/{analysis_id}/indicators/{indicator_id}", response_model=IndicatorOut)
def compute_indicator(session: SessionDep, analyst: Analyst, analysis_id: RecordId, indicator_id: str,
                      request: IndicatorRequest) -> IndicatorOut:
    """The indicator under a counting rule, with the standard estimate rows and the rule's settings."""
    metadata, rows, cached = service.compute_on_analysis(session, analyst, analysis_id, indicator_id, request)
    return IndicatorOut(analysis_id=analysis_id, indicator_id=indicator_id, cached=cached, metadata=metadata, rows=rows)


@router.post("/analyses/{analysis_id}/comparisons", response_model=ComparisonOut)
def compare_with_records(session: SessionDep, analyst: Analyst, analysis_id: RecordId,
                         request: ComparisonRequest) -> ComparisonOut:
    """Per territory and period, a survey total (with CI) beside one source's recorded count and rate,
    the recording ratio with its CI and the dark figure; quantities of different units are refused."""
    metadata, rows = service.compare_on_analysis(session, analyst, analysis_id, request)
    return ComparisonOut(analysis_id=analysis_id, indicator_id=request.indicator_id, metadata=metadata, rows=rows)

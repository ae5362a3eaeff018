"""Analysts over HTTP: upload microdata, declare an analysis (design + weighting steps), and
request estimates with SEs, CIs and quality flags (cached per analysis and request)."""

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from api.db import SessionDep
from api.db_types import StorableText
from api.errors import BadRequest
from api.files import safe_filename
from api.estimates import repository, service
from api.estimates.schemas import (
    AnalysisCreate,
    AnalysisPublic,
    DatasetPublic,
    EstimateIn,
    EstimateOut,
    WaveAnalysisCreate,
    WaveAnalysisPublic,
)
from api.pagination import PageDep
from api.params import RecordId
from api.security import Permission, require
from api.users.models import User

router = APIRouter(prefix="/api/v1", tags=["estimates"])

Analyst = Annotated[User, require(Permission.analyse)]


@router.post("/microdata", response_model=DatasetPublic, status_code=201)
def upload_microdata(
    session: SessionDep,
    analyst: Analyst,
    file: Annotated[UploadFile, File(description="CSV, Parquet, Stata (.dta) or SPSS (.sav) microdata")],
    name: Annotated[StorableText, Form(min_length=1, max_length=200)],
) -> DatasetPublic:
    """Microdata of a wave collected elsewhere, one row per respondent."""
    data = file.file.read()
    if not data:
        raise BadRequest("The uploaded file is empty", code="empty_upload")
    filename = safe_filename(file.filename, "data.csv")
    dataset = service.upload_dataset(session, analyst, name, filename, data)
    return DatasetPublic.model_validate(dataset, from_attributes=True)


@router.get("/microdata", response_model=list[DatasetPublic])
def list_microdata(session: SessionDep, _analyst: Analyst, page: PageDep) -> list[DatasetPublic]:
    return [DatasetPublic.model_validate(d, from_attributes=True)
            for d in repository.datasets(session, offset=page.offset, limit=page.limit)]


@router.post("/analyses", response_model=AnalysisPublic, status_code=201)
def create_analysis(session: SessionDep, analyst: Analyst, data: AnalysisCreate) -> AnalysisPublic:
    """A design and weighting steps over a dataset, checked by running them, stored to be re-run."""
    return AnalysisPublic.model_validate(service.create_analysis(session, analyst, data), from_attributes=True)


@router.post("/analyses/from-wave", response_model=WaveAnalysisPublic, status_code=201)
def create_wave_analysis(session: SessionDep, analyst: Analyst, data: WaveAnalysisCreate) -> WaveAnalysisPublic:
    """An analysis over a survey wave's collected interviews: the frame (approved interviews, the sample's
    strata, PSUs and probabilities, nonresponse-adjusted weights) is snapshotted as a dataset."""
    dataset, analysis, notes = service.create_wave_analysis(session, analyst, data)
    return WaveAnalysisPublic(dataset=DatasetPublic.model_validate(dataset, from_attributes=True),
                              analysis=AnalysisPublic.model_validate(analysis, from_attributes=True), notes=notes)


@router.get("/analyses", response_model=list[AnalysisPublic])
def list_analyses(session: SessionDep, _analyst: Analyst, page: PageDep) -> list[AnalysisPublic]:
    return [AnalysisPublic.model_validate(a, from_attributes=True)
            for a in repository.analyses(session, offset=page.offset, limit=page.limit)]


@router.get("/analyses/{analysis_id}", response_model=AnalysisPublic)
def get_analysis(session: SessionDep, _analyst: Analyst, analysis_id: RecordId) -> AnalysisPublic:
    return AnalysisPublic.model_validate(service.get_analysis(session, analysis_id), from_attributes=True)


@router.post("/analyses/{analysis_id}/estimates", response_model=EstimateOut)
def request_estimate(session: SessionDep, analyst: Analyst, analysis_id: RecordId, data: EstimateIn) -> EstimateOut:
    rows, cached = service.run_estimate(session, analyst, analysis_id, data)
    return EstimateOut(analysis_id=analysis_id, cached=cached, request=data.model_dump(), rows=rows)

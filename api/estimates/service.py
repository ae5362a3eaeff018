"""Analyses over microdata: uploaded files read by weighting.microdata, designs and weighting
steps run by weighting.pipeline, results cached per analysis and request."""

import hashlib
import io
import json
import math
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet
import pyreadstat
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.audit import service as audit
from api.errors import AppError, Forbidden, NotFound, PayloadTooLarge, Unprocessable
from api.estimates import repository
from api.estimates.models import Analysis, Dataset, EstimateResult
from api.estimates.frames import wave_frame
from api.estimates.schemas import AnalysisCreate, DesignSpec, EstimateIn, WaveAnalysisCreate
from api.users.models import User
from weighting import Design, Survey, WeightingError
from weighting.microdata import read_microdata
from weighting.pipeline import EstimateRequest, Step, build_survey, estimate

MICRODATA_SUFFIXES = (".csv", ".parquet", ".dta", ".sav")
# Parquet, Stata and SPSS files compress well: a small upload can declare a table that fills memory
# (a "parquet bomb"). Their headers say how large the table is, so it is refused before it is read.
MAX_MICRODATA_CELLS = 20_000_000


def weighting_problem(error: WeightingError) -> Unprocessable:
    column = getattr(error, "column", None)
    return Unprocessable(
        str(error), code=error.code,
        errors=[{"loc": [part for part in ("data", column) if part], "msg": str(error), "type": error.code}],
    )


@dataclass(frozen=True)
class _Stored:
    """Keys the frame cache by content hash; the bytes ride along but are not compared."""

    sha256: str
    suffix: str
    data: bytes = field(compare=False, hash=False)


def frame_of(dataset: Dataset) -> pd.DataFrame:
    return _frame_cached(_Stored(dataset.sha256, Path(dataset.filename).suffix.lower(), dataset.data))


@lru_cache(maxsize=8)
def _frame_cached(stored: _Stored) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"data{stored.suffix}"
        path.write_bytes(stored.data)
        _refuse_oversized_table(path)
        return read_microdata(path).data


def _declared_cells(path: Path) -> int | None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        metadata = pyarrow.parquet.read_metadata(path)
        return metadata.num_rows * metadata.num_columns
    if suffix in (".dta", ".sav"):
        read = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        _, metadata = read(str(path), metadataonly=True)
        return (metadata.number_rows or 0) * (metadata.number_columns or 0)
    return None  # CSV: bounded by the upload limit itself


def _refuse_oversized_table(path: Path) -> None:
    cells = _declared_cells(path)
    if cells is not None and cells > MAX_MICRODATA_CELLS:
        raise PayloadTooLarge(
            f"the file declares {cells} cells; microdata may hold at most {MAX_MICRODATA_CELLS}",
            code="microdata_too_large",
        )


def upload_dataset(session: Session, actor: User, name: str, filename: str, data: bytes, *,
                   sensitive: bool = False, source: dict[str, Any] | None = None) -> Dataset:
    suffix = Path(filename).suffix.lower()
    if suffix not in MICRODATA_SUFFIXES:
        raise Unprocessable(
            f"'{filename}' is not microdata sinmiedo reads; use {', '.join(MICRODATA_SUFFIXES)}",
            code="unsupported_format",
        )
    digest = hashlib.sha256(data).hexdigest()
    try:
        frame = _frame_cached(_Stored(digest, suffix, data))
    except WeightingError as error:
        raise weighting_problem(error) from error
    except AppError:
        raise
    except Exception as error:  # a reader's own error: the file is not what its name says
        raise Unprocessable(f"'{filename}' could not be read as {suffix}: {error}", code="unreadable_file") from error
    dataset = Dataset(
        name=name, filename=filename, sha256=digest, size=len(data), data=data,
        columns=[str(c) for c in frame.columns], n_rows=len(frame), uploaded_by=actor.id, sensitive=sensitive,
        source=source,
    )
    repository.add(session, dataset)
    audit.record(session, actor, "dataset.upload", "dataset", dataset.id, {"filename": filename, "rows": len(frame)})
    return dataset


def get_dataset(session: Session, dataset_id: int) -> Dataset:
    dataset = repository.get_dataset(session, dataset_id)
    if dataset is None:
        raise NotFound(f"No dataset {dataset_id}", code="dataset_not_found")
    return dataset


def check_may_analyse(actor: User, dataset: Dataset) -> None:
    """Sensitive (VAWG) answers are analysed only by users granted sensitive access."""
    if dataset.sensitive and not actor.sensitive_access:
        raise Forbidden(
            f"Dataset {dataset.id} holds sensitive answers; analysing it needs sensitive access",
            code="sensitive_access_required",
        )


def get_analysis(session: Session, analysis_id: int) -> Analysis:
    analysis = repository.get_analysis(session, analysis_id)
    if analysis is None:
        raise NotFound(f"No analysis {analysis_id}", code="analysis_not_found")
    return analysis


def _design(spec: dict[str, Any]) -> Design:
    clusters = tuple(c for c in (spec.get("psu"), spec.get("ssu")) if c)
    return Design(
        weight=spec["weight"], strata=spec.get("strata"), clusters=clusters, fpc=tuple(spec.get("fpc") or ()),
        nest=spec.get("nest", False), lonely_psu=spec.get("lonely_psu", "fail"),
    )


def analysis_survey(session: Session, analysis: Analysis) -> Survey:
    """The analysis' design with its weighting steps applied, built once per process.

    Keyed by content (the data's hash, the design and the steps), never by the analysis id alone:
    ids come round again after a restore or in another database this process serves."""
    dataset = get_dataset(session, analysis.dataset_id)
    recipe = hashlib.sha256(json.dumps([analysis.design, analysis.steps], sort_keys=True, default=str).encode())
    return _survey_cached(recipe.hexdigest(), dataset.sha256, _Spec(analysis.design, analysis.steps, dataset))


@dataclass(frozen=True)
class _Spec:
    design: dict[str, Any] = field(compare=False, hash=False)
    steps: list[dict[str, Any]] = field(compare=False, hash=False)
    dataset: Dataset = field(compare=False, hash=False)


@lru_cache(maxsize=16)
def _survey_cached(recipe: str, sha256: str, spec: _Spec) -> Survey:
    steps = [Step(s["kind"], s.get("options", {})) for s in spec.steps]
    return build_survey(frame_of(spec.dataset), _design(spec.design), steps)


def create_analysis(session: Session, actor: User, data: AnalysisCreate) -> Analysis:
    dataset = get_dataset(session, data.dataset_id)
    check_may_analyse(actor, dataset)
    design = data.design.model_dump()
    steps = [s.model_dump() for s in data.steps]
    try:
        # Built now so a design or step that cannot run is refused before it is stored.
        build_survey(frame_of(dataset), _design(design), [Step(s["kind"], s["options"]) for s in steps])
    except WeightingError as error:
        raise weighting_problem(error) from error
    except (TypeError, KeyError) as error:  # options that do not fit the step's arguments
        raise Unprocessable(f"A weighting step's options are not valid: {error}", code="invalid_step") from error
    analysis = Analysis(dataset_id=dataset.id, name=data.name, design=design, steps=steps, created_by=actor.id)
    repository.add(session, analysis)
    audit.record(session, actor, "analysis.create", "analysis", analysis.id, {"dataset_id": dataset.id})
    return analysis


def plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy to Python, NaN and infinities to null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_estimate(session: Session, actor: User, analysis_id: int, data: EstimateIn) -> tuple[list[dict[str, Any]], bool]:
    """Estimate rows for a request; the same request on the same analysis is served from the cache."""
    analysis = get_analysis(session, analysis_id)
    check_may_analyse(actor, get_dataset(session, analysis.dataset_id))
    request = data.model_dump()
    request_hash = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    hit = repository.cached(session, analysis.id, request_hash)
    if hit is not None:
        return hit.rows, True
    survey = analysis_survey(session, analysis)
    try:
        rows = estimate(survey, EstimateRequest(
            statistic=data.statistic, variable=data.variable, denominator=data.denominator,
            quantiles=tuple(data.quantiles), by=tuple(data.by), domain=data.domain or None, ci=data.ci,
            level=data.level, quality=data.quality, levels=tuple(data.levels),
        ))
    except WeightingError as error:
        raise weighting_problem(error) from error
    plain_rows = [{key: plain(value) for key, value in row.as_dict().items()} for row in rows]
    result = EstimateResult(analysis_id=analysis.id, request_hash=request_hash, request=request, rows=plain_rows)
    try:
        with session.begin_nested():
            repository.add(session, result)
    except IntegrityError:
        pass  # the same request computed concurrently: identical rows are already stored
    audit.record(session, actor, "estimate.run", "analysis", analysis.id, {"statistic": data.statistic,
                                                                           "variable": data.variable})
    return plain_rows, False



def create_wave_analysis(session: Session, actor: User, data: WaveAnalysisCreate) -> tuple[Dataset, Analysis, dict[str, Any]]:
    """Snapshot a wave's frame as a dataset (so the analysis re-runs on the same rows) and analyse it."""
    frame = wave_frame(session, actor, data.survey_code, data.form_id, data.level, data.repeat)
    buffer = io.BytesIO()
    frame.data.to_parquet(buffer, index=False)
    filename = f"{data.survey_code}-{data.form_id}-{data.level}.parquet"
    source = {key: frame.notes[key] for key in ("form_id", "instrument_version_id", "level", "repeat")}
    dataset = upload_dataset(session, actor, data.name, filename, buffer.getvalue(), sensitive=frame.notes["sensitive"],
                             source={"survey_code": data.survey_code, **source})
    design = {**frame.design, "lonely_psu": data.lonely_psu}
    analysis = create_analysis(session, actor, AnalysisCreate(
        dataset_id=dataset.id, name=data.name, design=DesignSpec(**design), steps=data.steps,
    ))
    return dataset, analysis, frame.notes

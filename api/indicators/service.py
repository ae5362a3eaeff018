"""Catalogue indicators computed on stored analyses (their design and weighting steps), cached
like any estimate request of the same analysis."""

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import indicators
from api.audit import service as audit
from api.errors import NotFound, Unprocessable
from api.estimates import repository as estimates_repository
from api.estimates import service as estimates
from api.estimates.models import EstimateResult
from api.indicators.schemas import IndicatorRequest
from api.users.models import User


def describe(indicator_id: str) -> dict[str, Any]:
    try:
        return indicators.get_indicator(indicator_id).describe()
    except indicators.IndicatorError as error:
        raise NotFound(str(error), code="indicator_not_found") from error


def catalogue(source: str | None) -> dict[str, Any]:
    return {
        "version": indicators.CATALOGUE_VERSION,
        "indicators": [indicator.describe() for indicator in indicators.list_indicators(source=source)],
    }


def _problem(error: indicators.IndicatorError) -> Unprocessable:
    variable = getattr(error, "variable", None)
    return Unprocessable(
        str(error), code=error.code,
        errors=[{"loc": [part for part in ("binding", variable) if part], "msg": str(error), "type": error.code}],
    )


def compute_on_analysis(session: Session, actor: User, analysis_id: int, indicator_id: str,
                        request: IndicatorRequest) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    describe(indicator_id)
    analysis = estimates.get_analysis(session, analysis_id)
    estimates.check_may_analyse(actor, estimates.get_dataset(session, analysis.dataset_id))
    key = {"kind": "indicator", "indicator_id": indicator_id, **request.model_dump()}
    request_hash = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    hit = estimates_repository.cached(session, analysis.id, request_hash)
    if hit is not None:
        return hit.request["metadata"], hit.rows, True
    survey = estimates.analysis_survey(session, analysis)
    try:
        binding = (
            indicators.Binding(request.binding.name, request.binding.columns, request.binding.recodes)
            if request.binding else None
        )
        result = indicators.compute(
            indicator_id, survey, rule=request.rule, binding=binding, by=request.by, domain=request.domain or None,
            quality_profile=request.quality_profile, ci=request.ci, level=request.level,
        )
    except indicators.IndicatorError as error:
        raise _problem(error) from error
    metadata = json.loads(json.dumps(result.metadata(), default=str))
    rows = [{k: estimates.plain(v) for k, v in row.as_dict().items()} for row in result.rows]
    cached = EstimateResult(analysis_id=analysis.id, request_hash=request_hash,
                            request={**key, "metadata": metadata}, rows=rows)
    try:
        with session.begin_nested():
            estimates_repository.add(session, cached)
    except IntegrityError:
        pass  # computed concurrently: the same rows are stored
    audit.record(session, actor, "indicator.compute", "analysis", analysis.id, {"indicator_id": indicator_id})
    return metadata, rows, False

"""Catalogue indicators computed on stored analyses (their design and weighting steps), cached
like any estimate request of the same analysis; survey totals by territory set beside the recorded
figures of one source for the same territory codes, year and ICCS scope."""

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import crime_data
import indicators
from api.audit import service as audit
from api.crime import rates as crime_rates
from api.crime import service as crime_service
from api.errors import NotFound, Unprocessable
from api.estimates import repository as estimates_repository
from api.estimates import service as estimates
from api.estimates.models import EstimateResult
from api.indicators.schemas import ComparisonRequest, IndicatorRequest, SurveyOptions
from api.users.models import User
from crime_data import TerritoryHierarchy
from weighting import Survey
from weighting.results import EstimateRow


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


def _binding(request: SurveyOptions) -> indicators.Binding | None:
    """The analyst's explicit mapping (None: the bundled instrument's variables); bad mappings raise IndicatorError."""
    spec = request.binding
    return indicators.Binding(spec.name, spec.columns, spec.recodes) if spec else None


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
        result = indicators.compute(
            indicator_id, survey, rule=request.rule, binding=_binding(request), by=request.by,
            domain=request.domain or None, quality_profile=request.quality_profile, ci=request.ci, level=request.level,
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


# --- survey totals beside recorded figures ---------------------------------------------------------

COMPARISON_DEFINITIONS = {
    "recording_ratio": "recorded / survey estimate; the records are a census (no sampling error), so its interval "
                       "is the survey interval inverted: [recorded / ci_high, recorded / ci_low]",
    "dark_figure": "1 - recording_ratio: the share of the crimes the survey estimates that no record of the source "
                   "holds, interval [1 - ratio ci_high, 1 - ratio ci_low] clipped to [0, 1]; null when the records "
                   "exceed the survey estimate",
    "survey_per_100000": "the survey estimate (and its interval) per 100,000 of the same population the recorded "
                         "rate divides by",
}


def _territory_survey(survey: Survey, request: ComparisonRequest, hierarchy: TerritoryHierarchy) -> tuple[Survey, str]:
    """The analysis' survey with one column of stored territory codes (rolled up when a level is asked)."""
    column = request.territory_column
    if column not in survey.data.columns:
        raise Unprocessable(f"The analysis' data has no column '{column}' of territory codes", code="missing_column",
                            errors=[{"loc": ["territory_column"], "msg": f"no column '{column}'",
                                     "type": "missing_column"}])
    codes = survey.data[column]
    if codes.isna().any():
        raise Unprocessable(f"{int(codes.isna().sum())} row(s) of the analysis have no territory in '{column}'",
                            code="missing_territory",
                            errors=[{"loc": ["territory_column"], "msg": "missing territory codes",
                                     "type": "missing_territory"}])
    territory_of: dict[Any, str] = {}
    for code in codes.unique():
        text = str(code)
        if text not in hierarchy:
            raise Unprocessable(f"Territory '{text}' in column '{column}' is not in the stored territory table",
                                code="unknown_territory",
                                errors=[{"loc": ["territory_column", text], "msg": "unknown territory code",
                                         "type": "unknown_territory"}])
        territory_of[code] = (text if request.territory_level is None
                              else crime_service.computed(hierarchy.at_level, text, request.territory_level).code)
    name = f"{column}_{request.territory_level}" if request.territory_level else column
    if name == column and all(str(code) == code for code in territory_of):
        return survey, column
    data = survey.data.assign(**{name: codes.map(territory_of)})
    return Survey(data=data, design=survey.design, calibration=survey.calibration), name


def _comparison_row(row: EstimateRow, rate: crime_data.Rate, comparison: indicators.RecordComparison | None,
                    hierarchy: TerritoryHierarchy) -> dict[str, Any]:
    scale = 100_000 / rate.population
    ratio = comparison.recording_ratio if comparison else None
    dark = comparison.dark_figure if comparison else None
    values = {
        "territory": rate.territory_code, "territory_name": hierarchy.get(rate.territory_code).name,
        "period": str(rate.period), "iccs_scope": rate.iccs_scope, "unit": str(rate.unit),
        "survey_estimate": row.estimate, "survey_se": row.se, "survey_ci_low": row.ci_low,
        "survey_ci_high": row.ci_high, "survey_cv": row.cv, "survey_n": row.n, "survey_flag": row.flag,
        "survey_per_100000": row.estimate * scale, "survey_per_100000_ci_low": row.ci_low * scale,
        "survey_per_100000_ci_high": row.ci_high * scale,
        "recorded": rate.count, "recorded_unit": str(rate.unit), "recorded_rate": rate.value,
        "population": rate.population, "population_version": rate.population_version, "source": str(rate.source),
        "recording_ratio": ratio.estimate if ratio else None, "recording_ratio_ci_low": ratio.ci_low if ratio else None,
        "recording_ratio_ci_high": ratio.ci_high if ratio else None,
        "dark_figure": dark.estimate if dark else None, "dark_figure_ci_low": dark.ci_low if dark else None,
        "dark_figure_ci_high": dark.ci_high if dark else None,
    }
    return {key: estimates.plain(value) for key, value in values.items()}


def compare_on_analysis(session: Session, actor: User, analysis_id: int,
                        request: ComparisonRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Per territory: the survey total with its CI beside one source's recorded count and rate for the year.

    Not cached: the recorded side changes whenever an analyst imports crime data.
    """
    describe(request.indicator_id)
    indicator = indicators.get_indicator(request.indicator_id)
    try:
        indicators.require_comparable(indicator)
    except indicators.IndicatorError as error:
        raise _problem(error) from error
    assert indicator.iccs_scope is not None
    analysis = estimates.get_analysis(session, analysis_id)
    estimates.check_may_analyse(actor, estimates.get_dataset(session, analysis.dataset_id))
    hierarchy = crime_service.stored_hierarchy(session)
    survey, column = _territory_survey(estimates.analysis_survey(session, analysis), request, hierarchy)
    period = crime_data.Period(request.year)
    try:
        estimate = indicators.compute(indicator.id, survey, rule=request.rule, binding=_binding(request), by=[column],
                                      level=request.level)
    except indicators.IndicatorError as error:
        raise _problem(error) from error
    cells = [(row, dict(row.by)[column]) for row in estimate.rows]
    recorded = crime_rates.territory_rates(session, crime_rates.RateQuery(
        year=request.year, source=request.source, iccs=indicator.iccs_scope,
        population_version=request.population_version, prefer_unit=crime_data.Unit(indicator.unit),
    ), [code for _, code in cells])
    rows = []
    for row, code in cells:
        rate = recorded[code]
        count = crime_data.AggregatedCount(code, period, rate.iccs_scope, None, None, rate.source, rate.unit,
                                           rate.count)
        try:
            comparison = indicators.compare_with_records(estimate, count, territory=code, period=period,
                                                         cell={column: code})
        except indicators.IndicatorError as error:
            if error.code != "zero_estimate":  # no survey victim there: the ratio is undefined, the row stays
                raise _problem(error) from error
            comparison = None
        rows.append(_comparison_row(row, rate, comparison, hierarchy))
    metadata = {
        "survey": json.loads(json.dumps(estimate.metadata(), default=str)),
        "records": {"source": str(request.source), "year": request.year, "iccs_scope": indicator.iccs_scope,
                    "basis": crime_rates.RateBasis.counts.value,
                    "population_version": rows[0]["population_version"] if rows else None},
        "territory_column": request.territory_column,
        "territory_level": None if request.territory_level is None else str(request.territory_level),
        "periods": f"the survey's reference period ({indicator.reference_period}) is set beside the records of "
                   f"{request.year}, as the request asked",
        "definitions": COMPARISON_DEFINITIONS,
    }
    audit.record(session, actor, "indicator.compare", "analysis", analysis.id,
                 {"indicator_id": indicator.id, "year": request.year, "source": str(request.source)})
    return metadata, rows

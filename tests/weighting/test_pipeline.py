"""The stored-analysis pipeline (design + steps + request, as JSON-able data) gives R's numbers.

Every golden case without replicate weights is replayed through weighting.pipeline, the path the
HTTP analyses and the command line share, and compared with R survey 4.1.1 to 1e-6.
"""

from types import SimpleNamespace

import pandas as pd
import pytest

from tests.weighting.estimators.r_golden_estimators import GOLDEN, assert_matches_r, case_ids, golden
from weighting import Design, WeightingError
from weighting.pipeline import EstimateRequest, Step, build_survey, estimate


def _replayable(case) -> bool:
    return "error" not in case and case["design"].get("replicate") is None


CASES = [c for c in golden()["cases"] if _replayable(c)]


def _steps(adjustment) -> list[Step]:
    if adjustment is None:
        return []
    if adjustment["kind"] == "poststratify":
        ((column, totals),) = adjustment["totals"].items()
        return [Step("poststratify", {"totals": [{column: k, "total": v} for k, v in totals.items()]})]
    if adjustment["kind"] == "rake":
        return [Step("rake", {"margins": adjustment["margins"]})]
    return [Step("calibrate", {"variables": adjustment["variables"], "totals": adjustment["totals"]})]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_pipeline_matches_r(case):
    spec, args = case["design"], case["args"]
    design = Design(
        weight=spec["weight"], strata=spec.get("strata"), clusters=tuple(spec.get("clusters") or ()),
        fpc=tuple(spec.get("fpc") or ()), nest=spec["nest"], lonely_psu=spec["lonely_psu"],
        adjust_domain_lonely=spec["adjust_domain_lonely"],
    )
    survey = build_survey(pd.read_csv(GOLDEN / f"{spec['data']}.csv"), design, _steps(spec.get("adjustment")))
    request = EstimateRequest(
        statistic=case["estimator"], variable=args["variable"], denominator=args.get("denominator"),
        quantiles=tuple(args.get("quantiles") or (0.5,)), by=tuple(args["by"] or ()),
        domain=args.get("domain"), ci=None if case["estimator"] == "quantile" else args.get("ci"),
    )
    assert_matches_r(SimpleNamespace(rows=estimate(survey, request)), case)


def test_unknown_step_is_refused():
    data = pd.read_csv(GOLDEN / "apistrat.csv")
    with pytest.raises(WeightingError) as raised:
        build_survey(data, Design(weight="pw", strata="stype"), [Step("smooth", {})])  # type: ignore[arg-type]
    assert raised.value.code == "unknown_step"


def test_unknown_column_in_a_request_is_named():
    survey = build_survey(pd.read_csv(GOLDEN / "apistrat.csv"), Design(weight="pw", strata="stype"))
    with pytest.raises(WeightingError) as raised:
        estimate(survey, EstimateRequest(statistic="mean", variable="api_00"))
    assert raised.value.code == "unknown_column" and "api00" in str(raised.value)


def test_quality_profile_flags_rows():
    survey = build_survey(pd.read_csv(GOLDEN / "apistrat.csv"), Design(weight="pw", strata="stype"))
    rows = estimate(survey, EstimateRequest(statistic="proportion", variable="sch.wide", quality="inegi"))
    assert all(row.flag for row in rows)


def test_levels_keep_only_the_chosen_levels_of_a_proportion():
    survey = build_survey(pd.read_csv(GOLDEN / "apistrat.csv"), Design(weight="pw", strata="stype"))
    everything = estimate(survey, EstimateRequest(statistic="proportion", variable="sch.wide", by=("stype",)))
    kept = estimate(survey, EstimateRequest(statistic="proportion", variable="sch.wide", by=("stype",),
                                            levels=("Yes",)))
    assert [row for row in everything if row.level == "Yes"] == list(kept)
    assert len(kept) == 3

"""Reading the R reference cases of tests/golden/estimators (see make_golden.R there)."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from weighting import Design, ReplicateSpec, Survey
from weighting.calibrate import calibrate
from weighting.poststratify import poststratify
from weighting.raking import rake

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "estimators"
RTOL = 1e-6
# Values that are zero in exact arithmetic come back from R's iterative fits (svyglm) as ~1e-12.
ATOL = 1e-9


@cache
def golden() -> dict[str, Any]:
    return json.loads((GOLDEN / "cases.json").read_text())


def cases(estimator: str, *, errors: bool = False) -> list[dict[str, Any]]:
    return [c for c in golden()["cases"] if c["estimator"] == estimator and ("error" in c) == errors]


def case_ids(selected: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in selected]


@cache
def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / f"{name}.csv")


def survey_for(spec: dict[str, Any]) -> Survey:
    replicate = spec.get("replicate")
    design = Design(
        weight=spec["weight"],
        strata=spec.get("strata"),
        clusters=tuple(spec.get("clusters") or ()),
        fpc=tuple(spec.get("fpc") or ()),
        nest=spec["nest"],
        lonely_psu=spec["lonely_psu"],
        adjust_domain_lonely=spec["adjust_domain_lonely"],
        replicate=None
        if replicate is None
        else ReplicateSpec(
            columns=tuple(replicate["columns"]),
            method=replicate["method"],
            scale=replicate["scale"],
            rscales=tuple(replicate["rscales"]),
            mse=replicate["mse"],
        ),
    )
    return _adjusted(Survey(_data(spec["data"]), design), spec.get("adjustment"))


def _adjusted(survey: Survey, adjustment: dict[str, Any] | None) -> Survey:
    """The weight adjustment of the case, made by weighting's own adjustment steps."""
    if adjustment is None:
        return survey
    if adjustment["kind"] == "poststratify":
        ((column, totals),) = adjustment["totals"].items()
        table = pd.DataFrame({column: list(totals), "total": list(totals.values())})
        return poststratify(survey, table)
    if adjustment["kind"] == "rake":
        return rake(survey, adjustment["margins"])
    return calibrate(survey, adjustment["variables"], adjustment["totals"])


def _close(got: float | None, expected: float | None) -> bool:
    if expected is None:
        return got is None or math.isnan(got)
    if got is None:
        return False
    return math.isclose(got, expected, rel_tol=RTOL, abs_tol=ATOL)


def assert_matches_r(table, case: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    by = list(case["args"]["by"] or ())
    got = {
        (tuple(str(dict(row.by)[b]) for b in by), row.level): row for row in table.rows
    }
    expected_rows = case["rows"]
    assert len(got) == len(expected_rows), (case["r_call"], sorted(got), len(expected_rows))
    for expected in expected_rows:
        key = (tuple(str(expected[b]) for b in by), expected["level"])
        assert key in got, (case["r_call"], key, sorted(got))
        row = got[key]
        for field in ("estimate", "se", "ci_low", "ci_high", "deff", "df", "weighted_n"):
            assert _close(getattr(row, field), expected[field]), (
                case["r_call"], key, field, getattr(row, field), expected[field]
            )
        assert row.n == expected["n"], (case["r_call"], key, row.n, expected["n"])

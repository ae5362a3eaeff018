"""A jackknife kept per PSU gives what the same replicates stored as columns give (and so R's)."""

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import POP_TYPES, api, clus1, rake, strat
from tests.weighting.estimators.r_golden_estimators import (
    assert_matches_r,
    case_ids,
    golden,
    survey_for,
)

from weighting.design import Design, Survey
from weighting.errors import WeightingError
from weighting.estimators import mean, proportion, quantile, ratio, total
from weighting.replicate_variance import _qr_rank
from weighting.replicates import make_replicates
from weighting.trimming import trim

AGREEMENT = 1e-10


def _lonely(rule: str) -> Survey:
    return Survey(api("apistrat_lonely"), Design(weight="pw", strata="stype", lonely_psu=rule))


def _with_census_stratum() -> Survey:
    # stratum H sampled exhaustively: no replicates for it, its PSUs are 1 in every replicate
    data = api("apistrat").copy()
    data["population"] = np.where(data["stype"] == "H", (data["stype"] == "H").sum(), data["fpc"])
    return Survey(data, Design(weight="pw", strata="stype", fpc=("population",)))


DESIGNS = {
    "jk1_clus1": lambda: (clus1(), "jk1"),
    "jk1_clus2": lambda: (Survey(api("apiclus2"), Design(weight="pw", clusters=("dnum", "snum"))), "jk1"),
    "jkn_strat": lambda: (strat(), "jkn"),
    "jkn_strat_nofpc": lambda: (Survey(api("apistrat"), Design(weight="pw", strata="stype")), "jkn"),
    "jkn_census_stratum": lambda: (_with_census_stratum(), "jkn"),
    "jkn_lonely_adjust": lambda: (_lonely("adjust"), "jkn"),
    "jkn_lonely_average": lambda: (_lonely("average"), "jkn"),
    "jkn_lonely_remove": lambda: (_lonely("remove"), "jkn"),
}

ESTIMATES = {
    "mean": lambda s: mean(s, "api00"),
    "mean_by": lambda s: mean(s, "api00", by="sch.wide"),
    "mean_domain": lambda s: mean(s, "api00", by="stype", domain={"awards": "Yes"}),
    "total_by_missing": lambda s: total(s, "acs.k3", by=["stype", "sch.wide"]),
    "proportion_logit": lambda s: proportion(s, "awards", by="stype"),
    "proportion_beta": lambda s: proportion(s, "stype", by="sch.wide", ci="beta"),
    "ratio": lambda s: ratio(s, "api00", "api99", by="awards"),
    "quantile": lambda s: quantile(s, "api00", (0.25, 0.5), by="sch.wide"),
}


def _both(name: str, mse: bool = False) -> tuple[Survey, Survey]:
    survey, method = DESIGNS[name]()
    return (
        make_replicates(survey, method, storage="columns", mse=mse),
        make_replicates(survey, method, storage="psu", mse=mse),
    )


def _assert_tables_agree(columns, psu) -> None:  # type: ignore[no-untyped-def]
    assert len(columns.rows) == len(psu.rows)
    for expected, got in zip(columns.rows, psu.rows, strict=True):
        assert (got.by, got.level, got.n, got.df) == (expected.by, expected.level, expected.n, expected.df)
        for field in ("estimate", "se", "ci_low", "ci_high", "deff", "weighted_n"):
            a, b = getattr(expected, field), getattr(got, field)
            if a is None or np.isnan(a):
                assert b is None or np.isnan(b), (field, a, b)
            else:
                assert b == pytest.approx(a, rel=AGREEMENT, abs=1e-12), (field, expected.by, expected.level)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_psu_jackknife_has_the_replicate_weights_of_the_columns(name):
    columns, psu = _both(name)
    assert psu.design.replicate.columns == ()
    np.testing.assert_array_equal(psu.replicate_weights(), columns.replicate_weights())
    assert (psu.design.replicate.scale, psu.design.replicate.rscales) == (
        columns.design.replicate.scale, columns.design.replicate.rscales,
    )


@pytest.mark.parametrize("estimate", list(ESTIMATES))
@pytest.mark.parametrize("name", list(DESIGNS))
def test_psu_jackknife_estimates_equal_the_explicit_replicates(name, estimate):
    for mse in (False, True):
        columns, psu = _both(name, mse=mse)
        _assert_tables_agree(ESTIMATES[estimate](columns), ESTIMATES[estimate](psu))


# R's own cases for as.svrepdesign(dclus1, "JK1") and (dstrat, "JKn"), with the replicates made here
BASE_DESIGNS = {
    "jk1": Design(weight="pw", clusters=("dnum",), fpc=("fpc",)),
    "jkn": Design(weight="pw", strata="stype", fpc=("fpc",)),
}
R_CASES = [
    c for c in golden()["cases"]
    if "error" not in c and (c["design"]["replicate"] or {}).get("method") in BASE_DESIGNS
    and not c["design"].get("adjustment") and c["estimator"] in ("mean", "total", "proportion", "ratio", "quantile")
]


@pytest.mark.parametrize("case", R_CASES, ids=case_ids(R_CASES))
def test_psu_jackknife_matches_r(case):
    method = case["design"]["replicate"]["method"]
    imported = survey_for(case["design"])  # the case's data, with R's replicate weights as columns
    base = Survey(imported.data, BASE_DESIGNS[method])
    survey = make_replicates(base, method, storage="psu", mse=imported.design.replicate.mse, prefix="psu_")
    args = case["args"]
    estimator = {"mean": mean, "total": total, "proportion": proportion, "quantile": quantile}.get(case["estimator"])
    options = {"by": tuple(args["by"] or ()), "domain": args["domain"]}
    if case["estimator"] == "ratio":
        table = ratio(survey, args["variable"], args["denominator"], ci=args["ci"], **options)
    elif case["estimator"] == "quantile":
        table = quantile(survey, args["variable"], args["quantiles"], **options)
    else:
        table = estimator(survey, args["variable"], ci=args["ci"], **options)
    assert_matches_r(table, case)


def test_r_cases_cover_both_jackknives():
    assert {c["design"]["replicate"]["method"] for c in R_CASES} == {"jk1", "jkn"}
    assert len(R_CASES) >= 10


def _random_design(rng: np.random.Generator, rule: str) -> tuple[Survey, np.ndarray]:
    strata = rng.integers(2, 6)
    sizes = rng.integers(1, 5, strata)
    sizes[0] = max(sizes[0], 2)
    psu_stratum = np.repeat(np.arange(strata), sizes)
    rows_per_psu = rng.integers(1, 4, len(psu_stratum))
    psu = np.repeat(np.arange(len(psu_stratum)), rows_per_psu)
    data = pd.DataFrame({"stratum": psu_stratum[psu], "psu": psu, "w": rng.uniform(1, 30, len(psu))})
    census = rng.random(strata) < 0.2
    census[0] = False
    data["population"] = np.where(census[data["stratum"]], sizes[data["stratum"]], sizes[data["stratum"]] * 3)
    design = Design(weight="w", strata="stratum", clusters=("psu",), fpc=("population",), lonely_psu=rule)
    return Survey(data, design), psu


@pytest.mark.parametrize("rule", ["adjust", "average", "remove", "certainty"])
def test_psu_jackknife_df_is_the_qr_rank_of_the_replicate_weights(rule):
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(60):
        survey, psu = _random_design(rng, rule)
        try:
            replicated = make_replicates(survey, "jkn", storage="psu")
        except WeightingError as error:  # every stratum a census: nothing to replicate
            assert error.code == "census"
            continue
        jackknife = replicated.design.replicate.jackknife
        weights = replicated.replicate_weights()
        for _ in range(5):
            rows = np.flatnonzero(rng.random(len(psu)) < rng.uniform(0.2, 1.0))
            if not len(rows):
                continue
            flags = np.zeros(jackknife.n_psu, dtype=bool)
            flags[jackknife.psu[rows]] = True
            assert jackknife.rank(flags) == _qr_rank(weights[rows]), (rule, rows)
            checked += 1
    assert checked > 100


def test_adjusting_a_psu_jackknife_is_refused():
    survey = make_replicates(clus1(), "jk1", storage="psu")
    for adjust in (lambda s: rake(s, {"stype": POP_TYPES}), lambda s: trim(s, lower=10, upper=40)):
        with pytest.raises(WeightingError) as error:
            adjust(survey)
        assert error.value.code == "psu_jackknife_not_adjustable"


def test_only_a_jackknife_is_kept_per_psu():
    with pytest.raises(WeightingError) as error:
        make_replicates(strat(), "bootstrap", storage="psu")
    assert error.value.code == "invalid_storage"

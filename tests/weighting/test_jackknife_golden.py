"""Jackknives on 2,000 and 2,400 PSUs kept per PSU, against R (tests/golden/jackknife/make_golden.R)."""

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from weighting.design import Design, Survey
from weighting.estimators import mean, proportion, ratio, total
from weighting.replicates import make_replicates

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "jackknife"
RTOL = 1e-6

DESIGNS = {
    "jk1": ("jk1", "jk1", Design(weight="weight", clusters=("psu",), fpc=("population",)), False),
    "jk1_nofpc_mse": ("jk1", "jk1", Design(weight="weight", clusters=("psu",)), True),
    "jkn": ("jkn", "jkn", Design(weight="weight", strata="stratum", clusters=("psu",), fpc=("population",)), False),
}

STATISTICS = {
    "mean_income": lambda s: mean(s, "income"),
    "total_victim": lambda s: total(s, "victim"),
    "ratio_income_household": lambda s: ratio(s, "income", "household"),
    "proportion_sex_by_region": lambda s: proportion(s, "sex", by="region"),
    "mean_income_by_region": lambda s: mean(s, "income", by="region"),
}


@cache
def expected() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "expected.csv", keep_default_na=False, dtype={"domain": str})


@cache
def survey(case: str) -> Survey:
    data_name, method, design, mse = DESIGNS[case]
    base = Survey(pd.read_csv(GOLDEN / f"{data_name}.csv"), design)
    # a small max_cells, as a large survey would have: the jackknife is kept per PSU
    replicated = make_replicates(base, method, mse=mse, max_cells=len(base.data))
    assert replicated.design.replicate.jackknife is not None
    return replicated


def test_designs_have_thousands_of_psus():
    for case in DESIGNS:
        assert survey(case).design.replicate.jackknife.n_psu >= 2000


@pytest.mark.parametrize("statistic", list(STATISTICS))
@pytest.mark.parametrize("case", list(DESIGNS))
def test_jackknife_on_thousands_of_psus_matches_r(case, statistic):
    rows = expected()[(expected()["case"] == case) & (expected()["statistic"] == statistic)]
    assert len(rows)
    table = STATISTICS[statistic](survey(case))
    got = {(str(dict(row.by).get("region", "")), row.level): row for row in table.rows}
    assert len(got) == len(rows)
    for r in rows.itertuples():
        # R names a factor level after the variable (sexf); others after the variable alone
        level = r.level.removeprefix("sex") if statistic.startswith("proportion") else None
        row = got[(r.domain, level)]
        assert row.estimate == pytest.approx(float(r.estimate), rel=RTOL), (r.domain, r.level)
        assert row.se == pytest.approx(float(r.se), rel=RTOL), (r.domain, r.level)
        assert row.df == r.df, (r.domain, r.level)

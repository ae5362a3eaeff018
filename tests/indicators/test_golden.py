"""Every survey indicator and counting rule against R survey (tests/golden/indicators/make_golden.R)."""

import numpy as np
import pandas as pd
import pytest

from indicators import compute
from indicators.catalogue import get_indicator, list_indicators
from tests.indicators.conftest import GOLDEN

FIELDS = ("estimate", "se", "ci_low", "ci_high")


def read_cases(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, dtype={"by": str, "by_value": str}, keep_default_na=False)


def groups(cases: pd.DataFrame) -> list[tuple[str, str, str]]:
    return sorted({(row.indicator, row.rule, row.by) for row in cases.itertuples()})


def assert_matches_r(survey, cases: pd.DataFrame, indicator_id: str, rule: str, by: str) -> None:
    # A profile that flags but never redacts: the VAWG profile would blank small cells.
    got = compute(indicator_id, survey, rule=rule, by=(by,) if by else (), quality_profile="inegi").to_frame()
    reference = cases[(cases.indicator == indicator_id) & (cases.rule == rule) & (cases.by == by)]
    assert len(got) == len(reference)
    if by:
        got = got.assign(**{by: got[by].astype(str)}).set_index(by).loc[reference.by_value.tolist()]
    for field in FIELDS:
        np.testing.assert_allclose(got[field].to_numpy(float), reference[field].astype(float).to_numpy(), rtol=1e-6,
                                   err_msg=field)


CASES = read_cases("expected.csv")
REPLICATE_CASES = read_cases("expected_replicates.csv")


@pytest.mark.parametrize(("indicator_id", "rule", "by"), groups(CASES), ids=["/".join(g).strip("/") for g in groups(CASES)])
def test_indicator_matches_r_survey(indicator_id, rule, by, respondents, incidents):
    survey = incidents if get_indicator(indicator_id).rule(rule).frame == "incident" else respondents
    assert_matches_r(survey, CASES, indicator_id, rule, by)


@pytest.mark.parametrize(("indicator_id", "rule", "by"), groups(REPLICATE_CASES))
def test_indicator_on_a_jackknife_replicate_design_matches_r_survey(indicator_id, rule, by, replicate_respondents):
    assert_matches_r(replicate_respondents, REPLICATE_CASES, indicator_id, rule, by)


def test_every_survey_indicator_and_rule_has_an_r_reference():
    covered = {(row.indicator, row.rule) for row in CASES.itertuples()}
    wanted = {(indicator.id, rule.name) for indicator in list_indicators(source="survey") for rule in indicator.rules}
    assert wanted - covered == set()

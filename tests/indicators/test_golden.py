"""Every survey indicator and counting rule against R survey (tests/golden/indicators/make_golden.R)."""

import numpy as np
import pandas as pd
import pytest

from indicators import compute
from indicators.catalogue import get_indicator, list_indicators
from tests.indicators.conftest import GOLDEN

CASES = pd.read_csv(GOLDEN / "expected.csv", dtype={"by": str, "by_value": str}, keep_default_na=False)
GROUPS = sorted({(row.indicator, row.rule, row.by) for row in CASES.itertuples()})


@pytest.mark.parametrize(("indicator_id", "rule", "by"), GROUPS, ids=["/".join(g).strip("/") for g in GROUPS])
def test_indicator_matches_r_survey(indicator_id, rule, by, respondents, incidents):
    counting = get_indicator(indicator_id).rule(rule)
    survey = incidents if counting.frame == "incident" else respondents
    # A profile that flags but never redacts: the VAWG profile would blank small cells.
    result = compute(indicator_id, survey, rule=rule, by=(by,) if by else (), quality_profile="inegi")
    reference = CASES[(CASES.indicator == indicator_id) & (CASES.rule == rule) & (CASES.by == by)]
    got = result.to_frame()
    assert len(got) == len(reference)
    if by:
        got[by] = got[by].astype(str)
        got = got.set_index(by).loc[reference.by_value.tolist()]
    for field in ("estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[field].to_numpy(float), reference[field].astype(float).to_numpy(), rtol=1e-6,
                                   err_msg=field)


def test_every_survey_indicator_and_rule_has_an_r_reference():
    covered = {(row.indicator, row.rule) for row in CASES.itertuples()}
    wanted = {(indicator.id, rule.name) for indicator in list_indicators(source="survey") for rule in indicator.rules}
    assert wanted - covered == set()

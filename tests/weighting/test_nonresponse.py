"""Nonresponse adjustment within classes: R hand computation (make_golden.R) and refusals."""

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import GOLDEN, RTOL, strat

from weighting.design import Survey
from weighting.errors import WeightingError
from weighting.nonresponse import adjust_nonresponse
from weighting.replicates import make_replicates


def _with_dispositions() -> Survey:
    reference = pd.read_csv(GOLDEN / "nonresponse_apistrat.csv")
    survey = strat()
    return Survey(survey.data.assign(disposition=reference["disposition"]), survey.design)


def test_adjusted_weights_match_the_r_hand_computation():
    reference = pd.read_csv(GOLDEN / "nonresponse_apistrat.csv")
    kept = reference["disposition"].isin(["respondent", "ineligible"])
    adjusted = adjust_nonresponse(_with_dispositions(), disposition="disposition", classes=["stype", "sch.wide"])
    np.testing.assert_allclose(adjusted.weights(), reference.loc[kept, "adjusted"], rtol=RTOL)


def test_nonrespondents_and_unknown_eligibility_cases_leave_the_survey():
    adjusted = adjust_nonresponse(_with_dispositions(), disposition="disposition", classes=["stype"])
    assert set(adjusted.data["disposition"]) == {"respondent", "ineligible"}


def test_ineligible_cases_keep_their_weight():
    survey = _with_dispositions()
    adjusted = adjust_nonresponse(survey, disposition="disposition", classes=["stype"])
    ineligible = adjusted.data["disposition"] == "ineligible"
    np.testing.assert_array_equal(
        adjusted.weights()[ineligible.to_numpy()], adjusted.data.loc[ineligible, "pw"].to_numpy()
    )


def test_without_unknowns_respondents_carry_the_eligible_weight_of_their_class():
    survey = _with_dispositions()
    data = survey.data.assign(disposition=survey.data["disposition"].replace({"unknown": "nonrespondent"}))
    adjusted = adjust_nonresponse(Survey(data, survey.design), disposition="disposition", classes=["stype"])
    eligible = data[data["disposition"] != "ineligible"].groupby("stype")["pw"].sum()
    respondents = adjusted.data["disposition"] == "respondent"
    carried = pd.Series(adjusted.weights()[respondents.to_numpy()]).groupby(
        adjusted.data.loc[respondents, "stype"].to_numpy()).sum()
    np.testing.assert_allclose(carried[eligible.index], eligible, rtol=1e-12)


def test_class_without_respondents_is_named():
    survey = _with_dispositions()
    data = survey.data.assign(
        disposition=np.where(survey.data["stype"] == "H", "nonrespondent", survey.data["disposition"])
    )
    with pytest.raises(WeightingError) as error:
        adjust_nonresponse(Survey(data, survey.design), disposition="disposition", classes=["stype"])
    assert (error.value.code, error.value.got) == ("class_without_respondents", "H")


def test_unknown_disposition_names_the_row():
    survey = _with_dispositions()
    data = survey.data.assign(disposition=survey.data["disposition"].where(survey.data.index != 7, "refused"))
    with pytest.raises(WeightingError) as error:
        adjust_nonresponse(Survey(data, survey.design), disposition="disposition")
    assert (error.value.code, error.value.column, error.value.row) == ("unknown_disposition", "disposition", 7)


def test_each_replicate_weight_is_adjusted_with_its_own_class_sums():
    survey = make_replicates(_with_dispositions(), "jkn")
    data = survey.data.assign(disposition=survey.data["disposition"].replace({"unknown": "nonrespondent"}))
    adjusted = adjust_nonresponse(Survey(data, survey.design), disposition="disposition", classes=["stype"])
    eligible = data["disposition"] != "ineligible"
    expected = data.loc[eligible, list(survey.design.replicate.columns)].groupby(data.loc[eligible, "stype"]).sum()
    respondents = (adjusted.data["disposition"] == "respondent").to_numpy()
    carried = pd.DataFrame(adjusted.replicate_weights()[respondents]).groupby(
        adjusted.data.loc[respondents, "stype"].to_numpy()).sum()
    np.testing.assert_allclose(carried.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12)

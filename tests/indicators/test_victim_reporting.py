"""Victim-based reporting from the incident frame."""

import numpy as np
import pandas as pd
import pytest

from indicators import IndicatorError, with_victim_reporting


def test_victim_reported_is_any_report_none_when_all_unreported_and_unknown_otherwise():
    incidents = pd.DataFrame({
        "respondent_id": ["a", "a", "b", "c", "c", "d"],
        "incident_crime_type": ["robbery", "robbery", "robbery", "robbery", "robbery", "fraud"],
        "reported_to_authority": [0, 1, 0, 0, None, 1],
    })
    respondents = pd.DataFrame({"respondent_id": ["a", "b", "c", "d", "e"]})
    result = with_victim_reporting(respondents, incidents)
    np.testing.assert_array_equal(result.victim_reported_robbery_12m.to_numpy(), [1.0, 0.0, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(result.victim_reported_fraud_12m.to_numpy(), [np.nan, np.nan, np.nan, 1.0, np.nan])
    assert result.victim_reported_burglary_12m.isna().all()


def test_missing_respondent_key_is_named():
    with pytest.raises(IndicatorError) as error:
        with_victim_reporting(pd.DataFrame({"id": ["a"]}), pd.DataFrame({"respondent_id": ["a"]}))
    assert (error.value.code, error.value.variable) == ("missing_column", "respondent_id")

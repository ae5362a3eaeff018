"""compute(): the rule travels with the figure, domains use the full design, errors say what and where."""

import dataclasses

import pandas as pd
import pytest

from indicators import CATALOGUE_VERSION, IndicatorError, compute
from weighting.quality import get_profile


def test_result_metadata_records_the_counting_rule_and_its_settings(respondents):
    result = compute("sdg_16_1_4", respondents, rule="exclude_dont_know")
    metadata = result.metadata()
    assert metadata["counting_rule"] == "exclude_dont_know"
    assert metadata["counting_rule_settings"]["excluded_from_denominator"] == ["dont_know", "refused"]
    assert metadata["catalogue_version"] == CATALOGUE_VERSION
    assert (metadata["sdg_series"], metadata["binding"], metadata["quality_profile"]) == (
        "VC_SNS_WALN_DRK", "sinmiedo_perception", "inegi")


def test_rows_carry_the_standard_estimate_fields(respondents):
    frame = compute("sdg_16_1_4", respondents, by="respondent_sex").to_frame()
    assert list(frame.columns) == ["respondent_sex", "level", "estimate", "se", "ci_low", "ci_high", "cv", "deff",
                                   "df", "n", "weighted_n", "flag"]
    assert frame.respondent_sex.tolist() == ["female", "male"]


def test_domain_on_a_standard_variable_equals_that_cell_of_the_disaggregation(respondents):
    by_sex = compute("sdg_16_1_3a", respondents, by="respondent_sex")
    women = compute("sdg_16_1_3a", respondents, domain={"respondent_sex": "female"})
    female_row = next(row for row in by_sex.rows if dict(row.by)["respondent_sex"] == "female")
    assert dataclasses.replace(women.rows[0], by=()) == dataclasses.replace(female_row, by=())


def test_disaggregation_outside_the_indicator_list_is_refused(respondents):
    with pytest.raises(IndicatorError) as error:
        compute("sdg_16_1_3a", respondents, by="respondent_age")
    assert (error.value.code, error.value.variable) == ("disaggregation_not_allowed", "respondent_age")


def test_disaggregation_by_an_unknown_column_is_refused(respondents):
    with pytest.raises(IndicatorError) as error:
        compute("sdg_16_1_3a", respondents, by="province")
    assert (error.value.code, error.value.variable) == ("missing_column", "province")


def test_administrative_indicator_is_not_estimated_from_a_survey(respondents):
    with pytest.raises(IndicatorError) as error:
        compute("sdg_16_1_1", respondents)
    assert error.value.code == "administrative_indicator"


def test_vawg_indicators_use_the_vawg_profile_and_suppress_small_cells(respondents):
    result = compute("sdg_5_2_1_sexual", respondents, rule="women_15_49")
    row = result.rows[0]
    assert result.quality_profile == "vawg"
    assert row.flag == get_profile("vawg").flag(compute(
        "sdg_5_2_1_sexual", respondents, rule="women_15_49", quality_profile="inegi").rows[0], "proportion")
    assert row.flag.startswith("suppressed:") and row.estimate is None and row.n > 0


def test_quality_profile_can_be_chosen_per_call(respondents):
    result = compute("trust_judges", respondents, quality_profile="min_base")
    assert result.quality_profile == "min_base" and result.rows[0].flag == "reliable"


def test_a_non_numeric_count_names_the_variable(respondents):
    data = respondents.data.assign(incidents_assault_12m=respondents.data.incidents_assault_12m.astype(object))
    data.loc[3, "incidents_assault_12m"] = "two"
    with pytest.raises(IndicatorError) as error:
        compute("victimization_incidence_assault", type(respondents)(data, respondents.design))
    assert (error.value.code, error.value.variable, error.value.got) == (
        "non_numeric_value", "incidents_assault_12m", "two")


def test_an_answer_outside_the_standard_ones_is_refused_not_counted_as_no(respondents):
    data = respondents.data.assign(physical_violence_12m=respondents.data.physical_violence_12m.astype(object))
    data.loc[3, "physical_violence_12m"] = "yes"
    with pytest.raises(IndicatorError) as error:
        compute("sdg_16_1_3a", type(respondents)(data, respondents.design))
    assert (error.value.code, error.value.variable, error.value.got) == (
        "unexpected_value", "physical_violence_12m", "yes")


def test_incident_rule_on_the_respondent_frame_names_the_missing_column(respondents):
    with pytest.raises(IndicatorError) as error:
        compute("reporting_rate", respondents)
    assert (error.value.code, error.value.variable) == ("missing_column", "reported_to_authority")


def test_dark_figure_equals_one_minus_reporting_times_investigation_on_the_published_example():
    # 100,000 incidents, 9.6% reported, 70.5% of reports investigated (6,768 of 9,600).
    from weighting import Design, Survey

    rows = 100_000
    reported = [1] * 9_600 + [0] * (rows - 9_600)
    investigated = [1] * 6_768 + [0] * (9_600 - 6_768) + [None] * (rows - 9_600)
    survey = Survey(pd.DataFrame({"w": 50.0, "reported_to_authority": reported, "investigation_opened": investigated}),
                    Design(weight="w"))
    assert compute("reporting_rate", survey).rows[0].estimate == pytest.approx(0.096, rel=1e-12)
    assert compute("investigation_rate", survey).rows[0].estimate == pytest.approx(0.705, rel=1e-12)
    dark = compute("dark_figure", survey).rows[0].estimate
    assert dark == pytest.approx(1 - 0.096 * 0.705, rel=1e-12)
    assert round(100 * dark, 1) == 93.2


def test_a_universe_with_no_answer_is_an_indicator_error_naming_the_indicator():
    from weighting import Design, Survey

    survey = Survey(pd.DataFrame({"w": [1.0, 2.0], "respondent_sex": ["male", "male"], "respondent_age": [30, 40],
                                  "nonpartner_sexual_12m": [None, None]}), Design(weight="w"))
    with pytest.raises(IndicatorError) as error:
        compute("sdg_5_2_2", survey)
    assert (error.value.code, error.value.indicator) == ("empty_domain", "sdg_5_2_2")


def test_an_unknown_quality_profile_is_refused_with_the_known_ones(respondents):
    with pytest.raises(IndicatorError) as error:
        compute("trust_judges", respondents, quality_profile="strictest")
    assert error.value.code == "unknown_quality_profile" and "inegi" in error.value.expected

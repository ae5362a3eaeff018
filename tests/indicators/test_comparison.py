"""Survey-estimated crimes next to recorded ones: same territory, period, scope and unit, or refused."""

import dataclasses
import math

import pytest

from crime_data import AggregatedCount, Period, Source, Unit
from indicators import IndicatorError, compare_with_records, compute

PERIOD = Period(2025)


def recorded(count: int, unit: Unit = Unit.INCIDENTS, scope: str = "0401", territory: str = "X") -> AggregatedCount:
    return AggregatedCount(territory, PERIOD, scope, None, None, Source.POLICE, unit, count)


def test_recording_ratio_is_recorded_over_estimated_with_the_survey_interval_inverted(respondents):
    estimate = compute("survey_incidents_robbery", respondents)
    row = estimate.rows[0]
    comparison = compare_with_records(estimate, recorded(20_000), territory="X", period=PERIOD)
    assert comparison.survey.value == row.estimate and comparison.recorded.value == 20_000
    assert comparison.recording_ratio.estimate == pytest.approx(20_000 / row.estimate, rel=1e-12)
    assert comparison.recording_ratio.ci_low == pytest.approx(20_000 / row.ci_high, rel=1e-12)
    assert comparison.recording_ratio.ci_high == pytest.approx(20_000 / row.ci_low, rel=1e-12)
    assert comparison.as_row()["unit"] == "incidents" and comparison.as_row()["source"] == "police"


def test_victims_are_never_divided_by_recorded_offences(respondents):
    estimate = compute("survey_victims_robbery", respondents)
    with pytest.raises(IndicatorError) as error:
        compare_with_records(estimate, recorded(20_000, Unit.RECORDED_OFFENCES), territory="X", period=PERIOD)
    assert (error.value.code, error.value.expected, error.value.got) == ("unit_mismatch", "victims", "recorded_offences")


@pytest.mark.parametrize(
    ("count", "code"),
    [
        (recorded(10, territory="Y"), "territory_mismatch"),
        (recorded(10, scope="0501"), "iccs_scope_mismatch"),
        (AggregatedCount("X", Period(2024), "0401", None, None, Source.POLICE, Unit.INCIDENTS, 10), "period_mismatch"),
    ],
)
def test_different_territory_period_or_scope_is_refused(respondents, count, code):
    with pytest.raises(IndicatorError) as error:
        compare_with_records(compute("survey_incidents_robbery", respondents), count, territory="X", period=PERIOD)
    assert error.value.code == code


def test_a_share_is_not_compared_with_a_count(respondents):
    with pytest.raises(IndicatorError) as error:
        compare_with_records(compute("victimization_prevalence_robbery", respondents), recorded(10), territory="X",
                             period=PERIOD)
    assert error.value.code == "not_comparable"


def test_a_disaggregated_estimate_compares_the_named_cell(respondents):
    estimate = compute("survey_incidents_robbery", respondents, by="region")
    comparison = compare_with_records(estimate, recorded(500, territory="north"), territory="north", period=PERIOD,
                                      cell={"region": "north"})
    north = next(row for row in estimate.rows if dict(row.by) == {"region": "north"})
    assert comparison.survey.value == north.estimate
    with pytest.raises(IndicatorError) as error:
        compare_with_records(estimate, recorded(500, territory="north"), territory="north", period=PERIOD)
    assert error.value.code == "cell_not_found"


def test_a_cell_without_an_interval_is_compared_without_one(respondents):
    estimate = compute("survey_incidents_robbery", respondents)
    row = estimate.rows[0]
    no_interval = dataclasses.replace(estimate, table=estimate.table.replace_rows(
        (dataclasses.replace(row, ci_low=math.nan, ci_high=math.nan),)))
    comparison = compare_with_records(no_interval, recorded(20_000), territory="X", period=PERIOD)
    assert comparison.survey.ci_low is None and comparison.recording_ratio.ci_low is None
    assert comparison.recording_ratio.estimate == pytest.approx(20_000 / row.estimate, rel=1e-12)
    assert comparison.dark_figure.estimate == pytest.approx(1 - 20_000 / row.estimate, rel=1e-12)


def test_the_dark_figure_against_records_is_one_minus_the_recording_ratio(respondents):
    estimate = compute("survey_incidents_robbery", respondents)
    row = estimate.rows[0]
    comparison = compare_with_records(estimate, recorded(20_000), territory="X", period=PERIOD)
    assert comparison.as_row()["dark_figure"] == pytest.approx(1 - 20_000 / row.estimate, rel=1e-12)
    assert comparison.as_row()["dark_figure_ci_high"] == pytest.approx(1 - 20_000 / row.ci_high, rel=1e-12)

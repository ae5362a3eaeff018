import math
from fractions import Fraction

import pytest

from crime_data.comparison import Quantity, Ratio, dark_figure, recording_ratio, unrecorded_share
from crime_data.errors import CrimeDataError
from crime_data.vocabulary import Unit


def test_published_dark_figure_example_is_exact():
    assert dark_figure(Fraction("0.096"), Fraction("0.705")) == Fraction("0.93232")


def test_published_dark_figure_example_rounds_to_93_2_percent():
    assert round(100 * dark_figure(0.096, 0.705), 1) == 93.2


def test_dark_figure_refuses_a_percentage_given_as_a_number_above_one():
    with pytest.raises(CrimeDataError) as caught:
        dark_figure(9.6, 0.705)
    assert caught.value.code == "out_of_range"


def test_recording_ratio_is_recorded_over_estimated():
    ratio = recording_ratio(Quantity(2_000, Unit.INCIDENTS), Quantity(40_000, Unit.INCIDENTS))
    assert ratio.estimate == 0.05 and ratio.ci_low is None


def test_recording_ratio_ci_inverts_the_survey_interval():
    ratio = recording_ratio(Quantity(2_000, Unit.INCIDENTS), Quantity(40_000, Unit.INCIDENTS, 32_000, 50_000))
    assert (ratio.ci_low, ratio.ci_high) == (2_000 / 50_000, 2_000 / 32_000)


def test_recording_ratio_upper_bound_is_infinite_when_survey_interval_reaches_zero():
    ratio = recording_ratio(Quantity(10, Unit.VICTIMS), Quantity(500, Unit.VICTIMS, -20, 1_020))
    assert ratio.ci_high == math.inf


def test_dividing_recorded_offences_by_survey_victims_is_refused():
    with pytest.raises(CrimeDataError) as caught:
        recording_ratio(Quantity(2_000, Unit.RECORDED_OFFENCES), Quantity(40_000, Unit.VICTIMS))
    assert caught.value.code == "unit_mismatch"


def test_interval_not_containing_the_estimate_is_refused():
    with pytest.raises(CrimeDataError) as caught:
        Quantity(40_000, Unit.INCIDENTS, 41_000, 50_000)
    assert caught.value.code == "bad_interval"


def test_unrecorded_share_is_one_minus_the_recording_ratio_with_its_interval_mapped():
    share = unrecorded_share(recording_ratio(Quantity(2_000, Unit.VICTIMS), Quantity(40_000, Unit.VICTIMS, 32_000,
                                                                                     50_000)))
    assert share.estimate == pytest.approx(0.95, rel=1e-15)
    assert (share.ci_low, share.ci_high) == (1 - 2_000 / 32_000, 1 - 2_000 / 50_000)
    assert share.unit is Unit.VICTIMS


def test_unrecorded_share_interval_is_clipped_to_a_proportion():
    share = unrecorded_share(Ratio(0.8, 0.5, math.inf, Unit.VICTIMS))
    assert (share.ci_low, share.ci_high) == (0.0, 0.5)


def test_no_unrecorded_share_when_records_exceed_the_survey_estimate():
    assert unrecorded_share(Ratio(1.2, 0.9, 1.6, Unit.VICTIMS)) is None
    assert unrecorded_share(Ratio(0.25, None, None, Unit.VICTIMS)) == Ratio(0.75, None, None, Unit.VICTIMS)

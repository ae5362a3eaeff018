"""The demo sample is a real stratified two-stage design: its recorded probabilities are the ones
the selection used, and the weights they give reproduce the frame."""

from collections import defaultdict

import pytest

from api.crime.demo import MUNICIPALITIES
from api.demo_survey.design import household_weight, interview_frame
from api.demo_survey.frame import STRATA
from api.demo_survey.sample import HOUSEHOLDS_PER_PSU, VACANT


def test_every_inclusion_probability_is_in_zero_one(demo_survey):
    psus = {psu.code: psu for psu in demo_survey.psus}

    assert all(0 < psu.probability < 1 for psu in demo_survey.psus)
    assert all(0 < household.probability <= 1 for household in demo_survey.households)
    assert all(0 < psus[h.psu].probability * h.probability < 1 for h in demo_survey.households)


def test_pps_probabilities_of_the_frame_sum_to_the_psus_taken_in_each_stratum(demo_survey):
    for code, frame in demo_survey.frames.items():
        probabilities = frame.stratum.sampled_psus * frame.area_households / frame.households

        assert probabilities.sum() == pytest.approx(frame.stratum.sampled_psus, rel=1e-12)


def test_each_stratum_has_its_allocated_psus_and_each_psu_its_households(demo_survey):
    psus_per_stratum = defaultdict(int)
    for psu in demo_survey.psus:
        psus_per_stratum[psu.stratum] += 1
    households_per_psu = defaultdict(int)
    for household in demo_survey.households:
        households_per_psu[household.psu] += 1

    assert psus_per_stratum == {stratum.code: stratum.sampled_psus for stratum in STRATA}
    assert set(households_per_psu.values()) == {HOUSEHOLDS_PER_PSU}
    assert len({psu.code for psu in demo_survey.psus}) == len(demo_survey.psus)


def test_recorded_psu_probability_is_n_h_times_its_size_over_the_stratum_size(demo_survey):
    for psu in demo_survey.psus:
        frame = demo_survey.frames[psu.stratum]
        index = int(psu.code.rsplit("-", 1)[1]) - 1

        assert psu.area_households == frame.area_households[index]
        assert psu.probability == pytest.approx(psu.stratum_psus * psu.area_households / frame.households, rel=1e-15)


def test_horvitz_thompson_total_of_selected_households_is_the_frame_total_in_every_stratum(demo_survey):
    """PPS on households then a fixed take per PSU makes the design self-weighting within a stratum:
    every selected household weighs M_h / (n_h * m), so the HT total is M_h exactly."""
    psus = {psu.code: psu for psu in demo_survey.psus}
    totals = defaultdict(float)
    for household in demo_survey.households:
        psu = psus[household.psu]
        totals[psu.stratum] += household_weight(psu, household)

    for code, frame in demo_survey.frames.items():
        assert totals[code] == pytest.approx(frame.households, rel=1e-12)


def test_horvitz_thompson_vawg_subsample_also_reproduces_the_frame_total(demo_survey):
    psus = {psu.code: psu for psu in demo_survey.psus}
    totals = defaultdict(float)
    for household in demo_survey.households:
        psu = psus[household.psu]
        if psu.vawg:
            totals[psu.stratum] += household_weight(psu, household, vawg=True)

    for code, frame in demo_survey.frames.items():
        assert totals[code] == pytest.approx(frame.households, rel=1e-12)


def test_person_weights_are_the_household_weight_times_the_adults_the_roster_lists(demo_survey):
    """k comes from the instrument's own calculate (selection_probability = 1/k): it must count the
    roster's adults, so the weighted count of respondents is the weighted count of listed adults."""
    frame = interview_frame(demo_survey, "victimization")
    adults = {
        code: sum(member.age >= 18 for member in members) for code, members in demo_survey.rosters.items()
    }
    by_roster = (frame["household_weight"] * frame["household"].map(adults)).sum()

    assert frame["person_weight"].sum() == pytest.approx(by_roster, rel=1e-12)


def test_response_rate_is_seventy_to_eighty_percent_and_lower_in_cities(demo_survey):
    psus = {psu.code: psu for psu in demo_survey.psus}
    occupied = defaultdict(int)
    completed = defaultdict(int)
    for household in demo_survey.households:
        if household.disposition == VACANT:
            continue
        area = next(s.area for s in STRATA if s.code == psus[household.psu].stratum)
        occupied[area] += 1
        completed[area] += household.disposition == "completed"
    rate = {area: completed[area] / occupied[area] for area in occupied}
    overall = sum(completed.values()) / sum(occupied.values())

    assert 0.70 <= overall <= 0.85
    assert rate["urban"] < rate["rural"]


def test_half_of_each_strata_psus_carry_the_vawg_module_with_that_probability_recorded(demo_survey):
    for stratum in STRATA:
        psus = [psu for psu in demo_survey.psus if psu.stratum == stratum.code]

        assert sum(psu.vawg for psu in psus) == stratum.sampled_psus // 2
        assert {psu.vawg_probability for psu in psus} == {0.5}


REGION_CODES = {"norte": "01", "metropolitana": "02", "sur": "03"}  # the crime demo's Norte, Centro, Sur


def test_every_area_lies_in_a_municipality_of_the_crime_demo_in_its_stratum_region(demo_survey):
    for psu in demo_survey.psus:
        stratum = demo_survey.frames[psu.stratum].stratum
        _, region, _ = MUNICIPALITIES[psu.territory]
        assert region == REGION_CODES[stratum.region] and psu.territory in stratum.territories


def test_each_municipality_of_a_stratum_holds_a_run_of_its_areas(demo_survey):
    for frame in demo_survey.frames.values():
        territories = [frame.area_territory(index) for index in range(len(frame.area_households))]
        assert territories == sorted(territories)
        assert set(territories) == set(frame.stratum.territories)

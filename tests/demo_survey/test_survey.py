"""The generated interviews: reproducible from the seed, valid for their instrument, drawn as the
device draws, and with the prevalences the demo is meant to show."""

from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from api.demo_survey.design import interview_frame
from api.demo_survey.interviews import bundled_instrument
from api.demo_survey.rosters import is_adult, is_woman_15_plus, selected_member
from api.demo_survey.survey import generate_demo_survey
from survey_defs.answers import compile_validator
from tests.demo_survey.conftest import SMALL_SHARE

ELIGIBLE = {"perception": is_adult, "victimization": is_adult, "vawg": is_woman_15_plus}


def _weighted_share(frame: pd.DataFrame, column: str, where: pd.Series | None = None) -> float:
    rows = frame if where is None else frame[where]
    values = pd.to_numeric(rows[column], errors="coerce")
    known = values.notna()
    return float(np.average(values[known], weights=rows["person_weight"][known]))


def test_same_seed_gives_the_same_survey(small_survey):
    again = generate_demo_survey(7, psu_share=SMALL_SHARE)

    assert again.psus == small_survey.psus
    assert again.households == small_survey.households
    assert again.rosters == small_survey.rosters
    assert [asdict(i) for i in again.interviews] == [asdict(i) for i in small_survey.interviews]


def test_another_seed_gives_another_sample(small_survey):
    other = generate_demo_survey(8, psu_share=SMALL_SHARE)

    assert {psu.code for psu in other.psus} != {psu.code for psu in small_survey.psus}


def test_instance_ids_are_unique(demo_survey):
    assert len({interview.instance_id for interview in demo_survey.interviews}) == len(demo_survey.interviews)


def test_demo_has_a_few_thousand_interviews_of_each_instrument_where_expected(demo_survey):
    counts = pd.Series([interview.instrument for interview in demo_survey.interviews]).value_counts()
    completed = sum(household.disposition == "completed" for household in demo_survey.households)
    vawg_households = sum(
        household.disposition == "completed" and psu.vawg
        for household in demo_survey.households
        for psu in demo_survey.psus if psu.code == household.psu
    )

    assert counts["victimization"] == counts["perception"] == completed
    assert counts["vawg"] == vawg_households
    assert 3_000 <= counts.sum() <= 6_000


def test_every_generated_interview_validates_against_its_instrument(demo_survey):
    validators = {name: compile_validator(bundled_instrument(name)) for name in ELIGIBLE}

    invalid = {
        interview.instance_id: errors
        for interview in demo_survey.interviews
        if (errors := validators[interview.instrument].validate(interview.answers))
    }

    assert invalid == {}


def test_instruments_draw_the_member_the_answer_models_were_given(demo_survey):
    for interview in demo_survey.interviews:
        members = demo_survey.rosters[interview.household]
        keys = [member["member_selection_key"] for member in interview.answers["members"]]
        selection = selected_member(members, keys, ELIGIBLE[interview.instrument])
        if selection is None:
            assert interview.answers["selected_position"] == ""
            continue
        position, eligible = selection

        assert interview.answers["selected_position"] == position + 1
        assert interview.answers["selection_probability"] == pytest.approx(1 / eligible, rel=1e-15)
        assert interview.answers["respondent_sex"] == members[position].sex


def test_vawg_is_carried_only_by_certified_women(demo_survey):
    from api.demo_survey.teams import TEAMS

    workers = {worker.username: worker for team in TEAMS.values() for worker in team.enumerators}
    carriers = {workers[i.enumerator] for i in demo_survey.interviews if i.instrument == "vawg"}

    assert carriers and all(worker.vawg_certified and worker.sex == "female" for worker in carriers)


def test_feeling_safe_after_dark_is_about_half_and_lower_for_women_and_in_cities(demo_survey):
    frame = interview_frame(demo_survey, "perception")
    frame["feels_safe"] = frame["feel_safe_dark"].isin(["very_safe", "safe"]).astype(float)
    urban = frame["stratum"].str.endswith("urban")

    assert 0.42 <= _weighted_share(frame, "feels_safe") <= 0.60
    assert _weighted_share(frame, "feels_safe", frame["respondent_sex"] == "female") < _weighted_share(
        frame, "feels_safe", frame["respondent_sex"] == "male"
    ) - 0.05
    assert _weighted_share(frame, "feels_safe", urban) < _weighted_share(frame, "feels_safe", ~urban) - 0.05


def test_victimization_prevalences_are_in_the_intended_ranges(demo_survey):
    frame = interview_frame(demo_survey, "victimization")
    urban = frame["stratum"].str.endswith("urban")

    assert 0.08 <= _weighted_share(frame, "victim_robbery_12m") <= 0.15
    assert 0.03 <= _weighted_share(frame, "victim_assault_12m") <= 0.06
    assert _weighted_share(frame, "victim_robbery_12m", urban) > _weighted_share(frame, "victim_robbery_12m", ~urban)
    assert _weighted_share(frame, "victim_assault_12m", frame["respondent_sex"] == "male") > _weighted_share(
        frame, "victim_assault_12m", frame["respondent_sex"] == "female"
    )


def test_a_fifth_to_a_third_of_incidents_reach_the_police(demo_survey):
    incidents = pd.DataFrame([
        incident
        for interview in demo_survey.interviews if interview.instrument == "victimization"
        for incident in interview.answers.get("incidents", [])
    ])

    assert len(incidents) > 500
    assert 0.20 <= pd.to_numeric(incidents["reported_to_police"], errors="coerce").mean() <= 0.35


def test_partner_and_non_partner_violence_prevalences_are_in_the_intended_ranges(demo_survey):
    frame = interview_frame(demo_survey, "vawg")
    ever_partnered = frame["ever_partnered"] == 1

    assert 0.05 <= _weighted_share(frame, "ipv_physical_12m", ever_partnered) <= 0.12
    assert 0.15 <= _weighted_share(frame, "ipv_psychological_12m", ever_partnered) <= 0.25
    assert 0.02 <= _weighted_share(frame, "nonpartner_sexual_12m") <= 0.04
    assert set(frame["interview_outcome"]) == {
        "completed", "not_interviewed", "rescheduled_no_privacy", "refused", "interrupted"
    }

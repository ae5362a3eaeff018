"""The bundled standard instruments: committed as built, valid for sinmiedo and for pyxform, declaring
the indicator variables the indicator catalogue binds to, and accepting realistic answers."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import copy
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from defusedxml import ElementTree
from pyxform.xls2xform import convert

from survey_defs import load_instrument
from survey_defs.answers import compile_validator
from survey_defs.expressions import EvaluationContext
from survey_defs.instruments import BUNDLED_INSTRUMENTS, bundled_instrument_path
from survey_defs.instruments.build import DEFINITIONS
from survey_defs.instruments.rows import ENGLISH, SPANISH, Workbook
from survey_defs.model import Instrument, Question
from survey_defs.xform import to_xform

XFORMS = "{http://www.w3.org/2002/xforms}"
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
# The contract with indicators/: variable names each instrument yields (SDG 16.1.3, 16.1.4, 16.3.1, 5.2.1, 5.2.2).
EXPECTED_VARIABLES = {
    "perception": {
        "feel_safe_dark", "feel_safe_dark_probe", "insecurity_neighbourhood", "insecurity_municipality",
        "insecurity_country", "trust_police", "trust_prosecutors", "trust_judges", "habits_changed",
        "respondent_sex", "respondent_age", "respondent_age_group", "n_eligible_adults", "selection_probability",
    },
    "victimization": {
        "respondent_sex", "respondent_age", "n_eligible_adults", "selection_probability",
        *(f"{measure}_{crime}_12m" for measure in ("victim", "incidents") for crime in (
            "burglary", "vehicle_theft", "robbery", "assault", "threats", "sexual_offence", "fraud", "extortion")),
        "physical_violence_12m", "psychological_violence_12m", "sexual_violence_12m", "violence_any_12m",
        "n_incidents_12m", "incident_crime_type", "incident_month", "incident_place", "incident_weapon",
        "incident_injured", "reported_to_authority", "reported_to_police", "not_reported_reasons",
        "investigation_opened", "incident_cost",
    },
    "vawg": {
        "respondent_sex", "respondent_age", "n_eligible_women", "selection_probability", "interview_outcome",
        "ever_partnered", "ipv_physical_12m", "ipv_sexual_12m", "ipv_psychological_12m", "ipv_physical_ever",
        "ipv_sexual_ever", "ipv_psychological_ever", "ipv_physical_sexual_12m", "ipv_any_12m",
        "nonpartner_sexual_12m", "nonpartner_sexual_since15",
    },
}


@pytest.fixture(scope="module")
def instruments() -> dict[str, Instrument]:
    return {name: load_instrument(bundled_instrument_path(name)) for name in BUNDLED_INSTRUMENTS}


@pytest.fixture(scope="module")
def xforms() -> dict[str, Any]:
    converted = {}
    for name in BUNDLED_INSTRUMENTS:
        warnings: list[str] = []
        xform = convert(str(bundled_instrument_path(name)), warnings=warnings, validate=False).xform
        assert warnings == [], (name, warnings)
        converted[name] = ElementTree.fromstring(xform)
    return converted


def _read_workbook(path: Path) -> Workbook:
    """Every sheet as lines of strings, empty cells as "" (the builder writes every line at full width)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [["" if cell is None else str(cell) for cell in line] for line in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _bind(xform: Any, name: str) -> dict[str, str]:
    binds = [bind for bind in xform.iter(f"{XFORMS}bind") if bind.get("nodeset").endswith(f"/{name}")]
    assert len(binds) == 1, name
    return dict(binds[0].attrib)


def _errors(instrument: Instrument, answers: dict[str, Any]) -> list[tuple[str, str]]:
    return [(error.path, error.code) for error in compile_validator(instrument).validate(answers, now=NOW)]


@pytest.mark.parametrize("name", BUNDLED_INSTRUMENTS)
def test_committed_workbook_holds_what_its_definition_builds(name: str) -> None:
    assert _read_workbook(bundled_instrument_path(name)) == DEFINITIONS[name]()


@pytest.mark.parametrize("name", BUNDLED_INSTRUMENTS)
def test_bundled_instrument_loads_in_spanish_and_english(name: str, instruments: dict[str, Instrument]) -> None:
    instrument = instruments[name]

    assert instrument.languages == (SPANISH, ENGLISH)
    assert instrument.settings.default_language == SPANISH


@pytest.mark.parametrize("name", BUNDLED_INSTRUMENTS)
def test_pyxform_conversion_carries_both_languages_spanish_first(name: str, xforms: dict[str, Any]) -> None:
    translations = {
        translation.get("lang"): translation.get("default") for translation in xforms[name].iter(f"{XFORMS}translation")
    }

    assert translations == {SPANISH: "true()", ENGLISH: None}


@pytest.mark.parametrize("name", BUNDLED_INSTRUMENTS)
def test_bundled_instrument_declares_the_indicator_variables_of_the_catalogue(
    name: str, instruments: dict[str, Instrument]
) -> None:
    instrument = instruments[name]
    elements = instrument.elements()

    assert {variable.variable for variable in instrument.indicator_variables} == EXPECTED_VARIABLES[name]
    for variable in instrument.indicator_variables:
        assert isinstance(elements[variable.question].element, Question), variable


@pytest.mark.parametrize("name", BUNDLED_INSTRUMENTS)
def test_xform_exported_from_the_model_keeps_every_bind_of_the_designers_file(
    name: str, instruments: dict[str, Instrument], xforms: dict[str, Any]
) -> None:
    exported = ElementTree.fromstring(to_xform(instruments[name]))

    def binds(xform: Any) -> dict[str, dict[str, str]]:
        return {bind.get("nodeset"): dict(bind.attrib) for bind in xform.iter(f"{XFORMS}bind")}

    assert binds(exported) == binds(xforms[name])


def test_perception_probe_is_asked_only_of_those_who_never_go_out_alone(xforms: dict[str, Any]) -> None:
    bind = _bind(xforms["perception"], "feel_safe_dark_probe")

    assert bind["relevant"] == " /data/household/interview/safety/feel_safe_dark  = 'never_alone_after_dark'"


def test_perception_habits_refuse_none_combined_with_an_activity(xforms: dict[str, Any]) -> None:
    assert _bind(xforms["perception"], "habits_changed")["constraint"] == (
        "not((selected(., 'none') or selected(., 'refused')) and count-selected(.) > 1)"
    )


def test_victimization_incident_reports_repeat_once_per_incident_up_to_five(xforms: dict[str, Any]) -> None:
    repeats = {repeat.get("nodeset"): repeat for repeat in xforms["victimization"].iter(f"{XFORMS}repeat")}
    count = repeats["/data/household/interview/incidents"].get("{http://openrosa.org/javarosa}count")

    assert count == " /data/household/interview/n_incident_reports "
    assert _bind(xforms["victimization"], "n_incident_reports")["calculate"] == (
        "if( /data/household/interview/n_incidents_12m  > 5, 5,  /data/household/interview/n_incidents_12m )"
    )


def test_victimization_asks_why_not_only_for_unreported_incidents(xforms: dict[str, Any]) -> None:
    bind = _bind(xforms["victimization"], "incident_not_reported_reasons")

    assert bind["relevant"] == " ../incident_reported  = 'no'"


def test_vawg_sensitive_block_needs_privacy_and_consent_and_referral_needs_nothing(xforms: dict[str, Any]) -> None:
    xform = xforms["vawg"]

    assert _bind(xform, "experiences")["relevant"] == " /data/privacy_check  = 'private' and  /data/consent  = 'agrees'"
    assert _bind(xform, "consent")["relevant"] == " /data/privacy_check  = 'private'"
    assert "relevant" not in _bind(xform, "referral")


def test_vawg_draws_the_respondent_on_the_device(xforms: dict[str, Any]) -> None:
    xform = xforms["vawg"]

    assert _bind(xform, "member_selection_key")["calculate"] == "once(random())"
    assert _bind(xform, "selection_probability")["calculate"] == (
        "if( /data/household/n_eligible_women  > 0, 1 div  /data/household/n_eligible_women , '')"
    )


def test_vawg_title_and_labels_never_name_violence(instruments: dict[str, Instrument]) -> None:
    instrument = instruments["vawg"]
    texts = [instrument.settings.title, instrument.settings.form_id]
    texts += [text for located in instrument.walk() for text in located.element.label.values()]
    texts += [text for choices in instrument.choice_lists.values() for choice in choices.choices
              for text in choice.label.values()]

    assert [text for text in texts if "violen" in text.lower()] == []


def _selection(instrument: Instrument, members: list[dict[str, Any]], eligible_count: str) -> dict[str, Any]:
    """Evaluate the roster's selection calculates as the device would, given each member's random key."""
    elements = instrument.elements()
    answers: dict[str, Any] = {"members": [dict(member) for member in members]}
    parent = {name: "members" for name in ("member_name", "member_sex", "member_age", "member_eligible",
                                            "member_selection_key", "member_draw")}

    def calculated(name: str, repeat_path: tuple[tuple[str, int], ...] = ()) -> Any:
        context = EvaluationContext(answers=answers, parent_repeat=parent, repeat_path=repeat_path)
        return elements[name].element.calculation.evaluate(context)

    for position, member in enumerate(answers["members"], 1):
        for name in ("member_eligible", "member_draw"):
            member[name] = calculated(name, (("members", position),))
    for name in (eligible_count, "selected_position", "selection_probability"):
        answers[name] = calculated(name)
    return answers


def test_vawg_selects_the_eligible_woman_with_the_largest_key(instruments: dict[str, Instrument]) -> None:
    members = [
        {"member_name": "Luis", "member_sex": "male", "member_age": 44, "member_selection_key": 0.97},
        {"member_name": "Rosa", "member_sex": "female", "member_age": 41, "member_selection_key": 0.35},
        {"member_name": "Ana", "member_sex": "female", "member_age": 14, "member_selection_key": 0.99},
        {"member_name": "Eva", "member_sex": "female", "member_age": 19, "member_selection_key": 0.62},
    ]

    selection = _selection(instruments["vawg"], members, "n_eligible_women")

    assert (selection["n_eligible_women"], selection["selected_position"]) == (2, 4)
    assert selection["selection_probability"] == pytest.approx(0.5, rel=1e-12)


def test_victimization_selects_among_adults_of_either_sex(instruments: dict[str, Instrument]) -> None:
    members = [
        {"member_name": "Luis", "member_sex": "male", "member_age": 44, "member_selection_key": 0.97},
        {"member_name": "Rosa", "member_sex": "female", "member_age": 41, "member_selection_key": 0.35},
        {"member_name": "Ana", "member_sex": "female", "member_age": 17, "member_selection_key": 0.99},
    ]

    selection = _selection(instruments["victimization"], members, "n_eligible_adults")

    assert (selection["n_eligible_adults"], selection["selected_position"]) == (2, 1)
    assert selection["selection_probability"] == pytest.approx(0.5, rel=1e-12)


_MEMBER = st.tuples(st.sampled_from(["female", "male"]), st.integers(0, 90))


@settings(max_examples=60, deadline=None)
@given(
    people=st.lists(_MEMBER, min_size=1, max_size=12),
    keys=st.lists(st.integers(0, 999_999_999), min_size=12, max_size=12, unique=True),
)
def test_vawg_draw_is_the_eligible_woman_with_the_largest_key_and_probability_one_over_k(
    instruments: dict[str, Instrument], people: list[tuple[str, int]], keys: list[int]
) -> None:
    # Keys sit mid-way between two 9-digit steps so that int(key * 10^9) gives back the drawn integer.
    members = [
        {"member_name": f"m{position}", "member_sex": sex, "member_age": age,
         "member_selection_key": (key + 0.5) / 1e9}
        for position, ((sex, age), key) in enumerate(zip(people, keys), 1)
    ]
    eligible = [position for position, (sex, age) in enumerate(people, 1) if sex == "female" and age >= 15]

    selection = _selection(instruments["vawg"], members, "n_eligible_women")

    assert selection["n_eligible_women"] == len(eligible)
    if eligible:
        assert selection["selected_position"] == max(eligible, key=lambda position: keys[position - 1])
        assert selection["selection_probability"] == pytest.approx(1 / len(eligible), rel=1e-12)
    else:
        assert selection["selected_position"] == selection["selection_probability"] == ""


def _household(*members: tuple[str, str, int, float]) -> dict[str, Any]:
    return {
        "household_consent": "yes",
        "n_members": len(members),
        "members": [
            {"member_name": name, "member_sex": sex, "member_age": age, "member_selection_key": key}
            for name, sex, age, key in members
        ],
    }


PERCEPTION_ANSWERS = {
    "start": "2026-11-21T10:02:00-05:00",
    "end": "2026-11-21T10:15:31-05:00",
    "today": "2026-11-21",
    **_household(("Rosa", "female", 34, 0.81), ("Luis", "male", 36, 0.12), ("Ana", "female", 6, 0.93)),
    "respondent_status": "agrees",
    "feel_safe_dark": "never_alone_after_dark",
    "feel_safe_dark_probe": "very_unsafe",
    "insecurity_neighbourhood": "unsafe",
    "insecurity_municipality": "unsafe",
    "insecurity_country": "dont_know",
    "trust_police": "little",
    "trust_prosecutors": "none",
    "trust_judges": "some",
    "habits_changed": ["going_out_at_night", "carrying_cash"],
}


def test_perception_accepts_a_realistic_interview(instruments: dict[str, Instrument]) -> None:
    assert _errors(instruments["perception"], PERCEPTION_ANSWERS) == []


def test_perception_refuses_a_probe_for_someone_who_goes_out_and_none_with_an_activity(
    instruments: dict[str, Instrument],
) -> None:
    answers = {**PERCEPTION_ANSWERS, "feel_safe_dark": "unsafe", "habits_changed": ["none", "carrying_cash"]}

    assert _errors(instruments["perception"], answers) == [
        ("feel_safe_dark_probe", "not_relevant_but_answered"),
        ("habits_changed", "constraint_violated"),
    ]


def _incident(crime: str, reported: str, **answers: Any) -> dict[str, Any]:
    return {"incident_crime_type": crime, "incident_month": "7", "incident_place": "street",
            "incident_reported": reported, **answers}


VICTIMIZATION_ANSWERS = {
    "start": "2026-11-21T11:00:00-05:00",
    "today": "2026-11-21",
    **_household(("Rosa", "female", 41, 0.35), ("Luis", "male", 44, 0.97), ("Ana", "female", 9, 0.99)),
    "respondent_status": "agrees",
    "owns_vehicle": "no",
    "burglary_12m": "no",
    "robbery_12m": "yes",
    "robbery_times": 2,
    "assault_12m": "no",
    "threats_12m": "yes",
    "threats_times": 1,
    "sexual_offence_12m": "no",
    "fraud_12m": "dont_know",
    "extortion_12m": "refused",
    "incidents": [
        _incident("robbery", "yes", incident_weapon="knife", incident_injured="no",
                  incident_reported_to=["police"], incident_investigation="yes", incident_cost=150.5),
        _incident("robbery", "no", incident_weapon="none", incident_injured="no",
                  incident_not_reported_reasons=["waste_of_time", "distrust_authority"], incident_cost=40),
        _incident("threats", "no", incident_weapon="dont_know",
                  incident_not_reported_reasons=["fear_of_reprisal"]),
    ],
}


def test_victimization_accepts_a_household_with_three_incidents(instruments: dict[str, Instrument]) -> None:
    assert _errors(instruments["victimization"], VICTIMIZATION_ANSWERS) == []


def test_victimization_refuses_an_incident_of_a_crime_not_screened_and_a_missing_report(
    instruments: dict[str, Instrument],
) -> None:
    incidents = [VICTIMIZATION_ANSWERS["incidents"][0], _incident("fraud", "dont_know")]

    assert _errors(instruments["victimization"], {**VICTIMIZATION_ANSWERS, "incidents": incidents}) == [
        ("incidents", "repeat_count_mismatch"),
        ("incidents[1].incident_crime_type", "constraint_violated"),
    ]


VAWG_START = {
    "start": "2026-11-21T09:00:00-05:00",
    "today": "2026-11-21",
    **_household(("Rosa", "female", 41, 0.35), ("Luis", "male", 44, 0.97), ("Eva", "female", 16, 0.62)),
}
VAWG_CONSENTED = {
    **VAWG_START,
    "privacy_check": "private",
    "consent": "agrees",
    "self_rated_health": "good",
    "health_visit_12m": "yes",
    "partner_status": "married",
}
NEVER = {"ipv_psychological_insulted_ever": "no", "ipv_psychological_humiliated_ever": "no",
         "ipv_psychological_intimidated_ever": "no", "ipv_psychological_threatened_ever": "no",
         "ipv_physical_pushed_ever": "no", "ipv_physical_hit_ever": "no", "ipv_physical_kicked_ever": "no",
         "ipv_physical_choked_burnt_ever": "no", "ipv_physical_weapon_ever": "no",
         "ipv_sexual_forced_intercourse_ever": "no", "ipv_sexual_intercourse_out_of_fear_ever": "no",
         "ipv_sexual_degrading_act_ever": "no"}


VAWG_COMPLETED = {
    **VAWG_CONSENTED,
    "partner_still_private": "continue",
    **NEVER,
    "ipv_physical_slapped_ever": "yes",
    "ipv_physical_slapped_12m": "sometimes",
    "nonpartner_still_private": "continue",
    "np_forced_intercourse_since15": "no",
    "np_attempted_intercourse_since15": "yes",
    "np_attempted_intercourse_12m": "no",
    "np_other_sexual_act_since15": "refused",
}


def test_vawg_accepts_a_completed_interview(instruments: dict[str, Instrument]) -> None:
    assert _errors(instruments["vawg"], VAWG_COMPLETED) == []


def test_vawg_accepts_an_interview_ended_by_the_safe_exit(instruments: dict[str, Instrument]) -> None:
    answers = {**VAWG_CONSENTED, "partner_still_private": "interrupted", "sleep_hours": 7, "weekly_exercise": "no"}

    assert _errors(instruments["vawg"], answers) == []


def test_vawg_without_privacy_reschedules_and_refuses_any_answer_about_experiences(
    instruments: dict[str, Instrument],
) -> None:
    answers = {**VAWG_START, "privacy_check": "not_private", "reschedule_date": "2026-11-24",
               "ipv_physical_slapped_ever": "no"}

    assert _errors(instruments["vawg"], answers) == [("ipv_physical_slapped_ever", "not_relevant_but_answered")]


@pytest.mark.parametrize(
    "answers",
    [
        {"household_consent": "no"},
        {**VAWG_START, "privacy_check": "private", "consent": "refuses"},
        {**VAWG_START, "members": [{**member, "member_age": 12} for member in VAWG_START["members"]]},
    ],
    ids=["household_refuses", "woman_refuses", "no_eligible_woman"],
)
def test_vawg_accepts_interviews_that_end_early(instruments: dict[str, Instrument], answers: dict[str, Any]) -> None:
    assert _errors(instruments["vawg"], answers) == []


def test_a_selection_probability_the_roster_does_not_give_is_refused(instruments: dict[str, Instrument]) -> None:
    victimization = instruments["victimization"]
    computed = compile_validator(victimization).check(copy.deepcopy(VICTIMIZATION_ANSWERS), now=NOW).answers
    probability = computed["selection_probability"]
    assert probability == pytest.approx(1 / computed["n_eligible_adults"], rel=1e-12)

    # What Collect writes (text, its own rounding) passes; a probability the roster does not give is refused.
    assert _errors(victimization, {**VICTIMIZATION_ANSWERS, "selection_probability": f"{probability:.15g}"}) == []
    assert _errors(victimization, {**VICTIMIZATION_ANSWERS, "selection_probability": probability / 2}) == [
        ("selection_probability", "calculation_mismatch")]

"""The catalogue: one entry per id, official series codes, rules that name real instrument variables."""

import json

import pytest

from indicators import CATALOGUE, CATALOGUE_VERSION, IndicatorError, bundled_binding, get_indicator, list_indicators
from indicators.binding import DERIVED_PREFIX


@pytest.mark.parametrize(
    ("indicator_id", "sdg_indicator", "series"),
    [
        ("sdg_16_1_4", "16.1.4", "VC_SNS_WALN_DRK"),
        ("sdg_16_1_3a", "16.1.3", "VC_VOV_PHYL"),
        ("sdg_16_1_3b", "16.1.3", "VC_VOV_PSYCHL"),
        ("sdg_16_1_3c", "16.1.3", "VC_VOV_SEXL"),
        ("sdg_16_3_1_physical", "16.3.1", "VC_PRR_PHYV"),
        ("sdg_16_3_1_robbery", "16.3.1", "VC_PRR_ROBB"),
        ("sdg_16_3_1_sexual", "16.3.1", "VC_PRR_SEXV"),
        ("sdg_5_2_1_physical_sexual", "5.2.1", "VC_VAW_MARR"),
        ("sdg_5_2_2", "5.2.2", "VC_VAW_SXVLN"),
        ("sdg_16_1_1", "16.1.1", "VC_IHR_PSRC"),
    ],
)
def test_sdg_indicators_carry_their_un_series_code(indicator_id, sdg_indicator, series):
    indicator = get_indicator(indicator_id)
    assert (indicator.sdg_indicator, indicator.sdg_series) == (sdg_indicator, series)


def test_sdg_16_1_4_default_is_the_un_rule_and_lists_both_variants():
    indicator = get_indicator("sdg_16_1_4")
    assert [rule.name for rule in indicator.rules] == ["un_default", "exclude_dont_know", "use_would_feel_probe"]
    assert indicator.rule().name == "un_default"


def test_sdg_5_2_1_has_five_sub_measures_each_for_15_plus_and_15_49():
    ids = [indicator.id for indicator in list_indicators() if indicator.id.startswith("sdg_5_2_1_")]
    assert len(ids) == 5
    for indicator_id in ids:
        rules = {rule.name: rule.universe for rule in get_indicator(indicator_id).rules}
        assert (rules["women_15_plus"].min_age, rules["women_15_plus"].max_age) == (15, None)
        assert (rules["women_15_49"].min_age, rules["women_15_49"].max_age) == (15, 49)
        assert rules["women_15_plus"].require == (("ever_partnered", frozenset({1})),)


def test_sdg_16_3_1_is_victim_based_by_default_with_an_incident_based_variant():
    indicator = get_indicator("sdg_16_3_1_physical")
    assert [(rule.name, rule.frame) for rule in indicator.rules] == [
        ("victim_based", "respondent"), ("incident_based", "incident")]


@pytest.mark.parametrize("indicator", list_indicators(source="survey"), ids=lambda indicator: indicator.id)
def test_every_survey_variable_is_declared_by_the_bundled_instrument(indicator):
    declared = bundled_binding(indicator.instrument).columns
    needed = [variable for variable in indicator.variables() if not variable.startswith(DERIVED_PREFIX)]
    assert [variable for variable in needed if variable not in declared] == []


def test_every_indicator_describes_itself_as_json_with_names_in_english_and_spanish():
    for indicator in CATALOGUE.values():
        described = json.loads(json.dumps(indicator.describe()))
        assert described["catalogue_version"] == CATALOGUE_VERSION
        assert described["name"]["en"] and described["name"]["es"]
        assert described["default_rule"] == described["rules"][0]["name"]


def test_administrative_indicators_are_homicide_and_femicide_rates():
    assert [indicator.id for indicator in list_indicators(source="administrative")] == ["sdg_16_1_1", "femicide_rate"]


def test_unknown_indicator_is_refused_with_the_known_ids():
    with pytest.raises(IndicatorError) as error:
        get_indicator("sdg_99")
    assert error.value.code == "unknown_indicator" and "sdg_16_1_4" in error.value.expected


def test_unknown_counting_rule_is_refused_with_the_rules_of_the_indicator():
    with pytest.raises(IndicatorError) as error:
        get_indicator("sdg_16_1_4").rule("never_goes_out_excluded")
    assert error.value.code == "unknown_counting_rule"
    assert error.value.expected == ["un_default", "exclude_dont_know", "use_would_feel_probe"]


@pytest.mark.parametrize(("answers", "question"), [("FEEL_SAFE", "feel_safe_dark"), ("TRUST", "trust_police"),
                                                  ("SAFE_UNSAFE", "insecurity_country")])
def test_standard_answers_are_the_choice_names_of_the_bundled_perception_instrument(answers, question):
    from indicators import catalogue
    from survey_defs import load_instrument
    from survey_defs.instruments import bundled_instrument_path

    instrument = load_instrument(bundled_instrument_path("perception"))
    choice_list = instrument.elements()[question].element.list_name
    assert getattr(catalogue, answers) == frozenset(instrument.choice_lists[choice_list].names())

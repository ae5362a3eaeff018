"""Bindings: bundled instruments bind through their indicator_variables sheet, others through a mapping."""

import numpy as np
import pytest

from indicators import Binding, IndicatorError, bundled_binding, compute
from weighting import Survey

# A non-bundled instrument: its own column names and codes (sex 1/2, Likert 1-7, yes/no 1/2 with 9 = unknown).
OTHER_COLUMNS = {
    "feel_safe_dark": "p12_seguridad_noche", "feel_safe_dark_probe": "p12a_sentiria", "respondent_sex": "sexo",
    "respondent_age_group": "grupo_edad", "physical_violence_12m": "v_agresion",
}
SAFE_CODES = {"very_safe": 1, "safe": 2, "unsafe": 3, "very_unsafe": 4, "never_alone_after_dark": 5, "dont_know": 8,
              "refused": 9}
OTHER = Binding(
    name="encuesta_municipal_2025",
    columns=OTHER_COLUMNS,
    recodes={
        "feel_safe_dark": {code: answer for answer, code in SAFE_CODES.items()},
        "feel_safe_dark_probe": {code: answer for answer, code in SAFE_CODES.items()},
        "respondent_sex": {1: "male", 2: "female"},
        "physical_violence_12m": {1: 1, 2: 0},
    },
)


@pytest.fixture(scope="module")
def other_survey(respondents) -> Survey:
    """The golden respondents re-expressed in the other instrument's columns and codes."""
    data = respondents.data
    other = data[["region", "psu", "weight"]].assign(
        p12_seguridad_noche=data.feel_safe_dark.map(SAFE_CODES),
        p12a_sentiria=data.feel_safe_dark_probe.map(SAFE_CODES),
        sexo=data.respondent_sex.map({"male": 1, "female": 2}),
        grupo_edad=data.respondent_age_group,
        v_agresion=data.physical_violence_12m.map({1: 1, 0: 2}),
    )
    return Survey(other, respondents.design)


@pytest.mark.parametrize(("indicator_id", "rule"), [("sdg_16_1_4", "un_default"), ("sdg_16_1_4", "exclude_dont_know"),
                                                    ("sdg_16_1_4", "use_would_feel_probe"),
                                                    ("sdg_16_1_3a", "previous_12_months")])
def test_custom_mapping_gives_the_bundled_instrument_figures(indicator_id, rule, respondents, other_survey):
    bundled = compute(indicator_id, respondents, rule=rule, by="respondent_sex").to_frame()
    mapped = compute(indicator_id, other_survey, rule=rule, by="respondent_sex", binding=OTHER)
    assert mapped.metadata()["binding"] == "encuesta_municipal_2025"
    frame = mapped.to_frame()
    assert frame.respondent_sex.tolist() == bundled.respondent_sex.tolist()
    np.testing.assert_allclose(frame[["estimate", "se", "ci_low", "ci_high"]].to_numpy(float),
                               bundled[["estimate", "se", "ci_low", "ci_high"]].to_numpy(float), rtol=1e-12)


def test_missing_binding_names_the_standard_variable(other_survey):
    with pytest.raises(IndicatorError) as error:
        compute("trust_police", other_survey, binding=OTHER)
    assert (error.value.code, error.value.variable, error.value.indicator) == (
        "missing_binding", "trust_police", "trust_police")
    assert "encuesta_municipal_2025" in str(error.value)


def test_bound_column_absent_from_the_frame_is_named(respondents):
    with pytest.raises(IndicatorError) as error:
        compute("sdg_16_1_4", respondents, binding=OTHER)
    assert (error.value.code, error.value.variable, error.value.expected) == (
        "missing_column", "feel_safe_dark", "p12_seguridad_noche")


def test_value_the_recode_does_not_map_is_refused_with_its_row(other_survey):
    data = other_survey.data.copy()
    data.loc[5, "p12_seguridad_noche"] = 6
    with pytest.raises(IndicatorError) as error:
        compute("sdg_16_1_4", Survey(data, other_survey.design), binding=OTHER)
    assert (error.value.code, error.value.variable, error.value.got) == ("unmapped_value", "feel_safe_dark", 6)
    assert "row 5" in str(error.value)


def test_recode_of_an_unmapped_variable_is_refused():
    with pytest.raises(IndicatorError) as error:
        Binding(name="x", columns={"respondent_sex": "sexo"}, recodes={"ever_partnered": {1: 1}})
    assert (error.value.code, error.value.variable) == ("recode_without_column", "ever_partnered")


def test_bundled_binding_follows_the_indicator_variables_sheet():
    binding = bundled_binding("victimization")
    assert binding.columns["not_reported_reasons"] == "incident_not_reported_reasons"
    assert binding.columns["victim_robbery_12m"] == "victim_robbery_12m"


def test_binding_is_immutable():
    with pytest.raises(TypeError):
        OTHER.columns["trust_police"] = "p20"

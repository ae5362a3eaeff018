import defusedxml.ElementTree as ElementTree
import pytest

from survey_defs import load_instrument
from survey_defs.instruments import BUNDLED_INSTRUMENTS, bundled_instrument_path
from survey_defs.answers import compile_validator
from survey_defs.errors import SurveyDefsError
from survey_defs.xform import instance_answers, to_xform, to_xlsform_sheets

XF = "{http://www.w3.org/2002/xforms}"
JR = "{http://openrosa.org/javarosa}"

FORM = """
| survey |
|        | type               | name      | label::English (en) | label::Español (es) | hint::English (en) | relevant     | constraint | constraint_message::English (en) | constraint_message::Español (es) | required       | repeat_count | calculation | choice_filter   | parameters   | sensitive | safeguard |
|        | start              | started   |                     |                     |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | today              | day       |                     |                     |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | deviceid           | device    |                     |                     |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | integer            | age       | Age                 | Edad                | In years           |              | . >= 15    | Too young                        | Muy joven                        | yes            |              |             |                 |              |           |           |
|        | decimal            | income    | Income              | Ingreso             |                    |              |            |                                  |                                  | ${age} > 17    |              |             |                 |              |           |           |
|        | select_one region  | region    | Region              | Región              |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | select_one town    | town      | Town                | Ciudad              |                    |              |            |                                  |                                  |                |              |             | region=${region} |             |           |           |
|        | range              | fear      | Fear                | Miedo               |                    |              |            |                                  |                                  |                |              |             |                 | start=0 end=10 step=1 |  |           |
|        | begin_group        | vawg      | Module              | Módulo              |                    | ${age} >= 15 |            |                                  |                                  |                |              |             |                 |              | yes       |           |
|        | acknowledge        | private   | Alone?              | ¿Sola?              |                    |              |            |                                  |                                  |                |              |             |                 |              |           | privacy_check |
|        | begin_repeat       | partners  | Partners            | Parejas             |                    |              |            |                                  |                                  |                | 2            |             |                 |              |           |           |
|        | date               | since     | Since               | Desde               |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | geopoint           | place     | Place               | Lugar               |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | end_repeat         |           |                     |                     |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | end_group          |           |                     |                     |                    |              |            |                                  |                                  |                |              |             |                 |              |           |           |
|        | calculate          | adult     |                     |                     |                    |              |            |                                  |                                  |                |              | ${age} >= 18 |                |              |           |           |
|        | note               | referral  | Call 155            | Llame al 155        |                    |              |            |                                  |                                  |                |              |             |                 |              |           | referral  |
| choices |
|         | list_name | name  | label::English (en) | label::Español (es) | region |
|         | region    | north | North               | Norte               |        |
|         | region    | south | South               | Sur                 |        |
|         | town      | a     | A                   | A                   | north  |
|         | town      | b     | B                   | B                   | south  |
| settings |
|          | form_id | title  | version | default_language |
|          | xf      | XForm  | 2026.1  | Español (es)     |
| indicator_variables |
|                     | variable | question |
|                     | age_years | age     |
"""


@pytest.fixture
def xform(load_form):
    return ElementTree.fromstring(to_xform(load_form(FORM)))


def _bind(root, path):
    return next(bind for bind in root.iter(f"{XF}bind") if bind.get("nodeset") == path)


def test_constraint_and_required_become_binds(xform):
    bind = _bind(xform, "/data/age")
    assert (bind.get("constraint"), bind.get("required"), bind.get("type")) == (". >= 15", "true()", "int")


def test_a_conditional_required_keeps_its_expression(xform):
    assert _bind(xform, "/data/income").get("required").strip() == "/data/age  > 17"


def test_group_relevance_is_a_bind_on_the_group(xform):
    assert _bind(xform, "/data/vawg").get("relevant").strip() == "/data/age  >= 15"


def test_repeat_count_becomes_jr_count(xform):
    repeat = next(xform.iter(f"{XF}repeat"))
    assert repeat.get(f"{JR}count") is not None


def test_every_declared_language_has_an_itext_translation(xform):
    languages = [translation.get("lang") for translation in xform.iter(f"{XF}translation")]
    assert sorted(languages) == ["English (en)", "Español (es)"]


def test_the_default_language_is_marked_default(xform):
    defaults = [t.get("lang") for t in xform.iter(f"{XF}translation") if t.get("default") == "true()"]
    assert defaults == ["Español (es)"]


def test_metadata_fields_are_preloaded(xform):
    assert _bind(xform, "/data/started").get(f"{JR}preload") == "timestamp"


def test_choice_filter_becomes_an_itemset_predicate(xform):
    itemsets = [itemset.get("nodeset") for itemset in xform.iter(f"{XF}itemset")]
    assert any("region=" in nodeset.replace(" ", "") for nodeset in itemsets)


def test_sinmiedo_columns_do_not_reach_the_xform(load_form):
    text = to_xform(load_form(FORM))
    assert "sensitive" not in text and "privacy_check" not in text and "age_years" not in text


def test_version_and_form_id_are_on_the_instance(xform):
    data = next(xform.iter(f"{XF}data"))
    assert (data.get("id"), data.get("version")) == ("xf", "2026.1")


@pytest.mark.parametrize("name", BUNDLED_INSTRUMENTS)
def test_each_bundled_instrument_exports_with_its_languages(name):
    xform = ElementTree.fromstring(to_xform(load_instrument(bundled_instrument_path(name))))
    assert len(list(xform.iter(f"{XF}translation"))) >= 2


INSTANCE = b"""<?xml version='1.0' ?>
<data id="xf" version="2026.1" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">
  <started>2026-11-21T10:00:00.000-05:00</started><day>2026-11-21</day><device>collect:abc</device>
  <age>34</age><income>1200.50</income><region>north</region><town>a</town><fear>3</fear>
  <vawg>
    <private>OK</private>
    <partners><since>2020-01-01</since><place>19.4 -99.1 2240 5</place></partners>
    <partners><since>2022-05-01</since><place/></partners>
  </vawg>
  <adult>1</adult><referral/>
  <meta><instanceID>uuid:6f1c</instanceID></meta>
</data>"""


def test_an_instance_becomes_the_json_answer_shape(load_form):
    instance = instance_answers(load_form(FORM), INSTANCE)
    assert (instance.form_id, instance.version) == ("xf", "2026.1")
    assert instance.answers["age"] == 34 and instance.answers["income"] == 1200.5
    assert instance.answers["partners"] == [
        {"since": "2020-01-01", "place": "19.4 -99.1 2240 5"},
        {"since": "2022-05-01"},
    ]
    assert instance.answers["meta"] == {"instanceID": "uuid:6f1c"}


def test_an_instance_from_collect_validates_like_a_json_submission(load_form):
    instrument = load_form(FORM)
    assert compile_validator(instrument).validate(instance_answers(instrument, INSTANCE).answers) == []


def test_a_value_that_is_not_its_type_stays_text_for_validation_to_report(load_form):
    instrument = load_form(FORM)
    answers = instance_answers(instrument, INSTANCE.replace(b"<income>1200.50</income>", b"<income>lots</income>")).answers
    errors = compile_validator(instrument).validate(answers)
    assert [(error.path, error.code) for error in errors] == [("income", "wrong_type")]


def test_select_multiple_values_are_split(load_form):
    instrument = load_form("| survey |\n| | type | name | label |\n| | select_multiple yn | m | M |\n"
                           "| choices |\n| | list_name | name | label |\n| | yn | y | Y |\n| | yn | n | N |\n")
    assert instance_answers(instrument, b"<data><m>y n</m></data>").answers == {"m": ["y", "n"]}


def test_malformed_instance_xml_is_refused(load_form):
    with pytest.raises(SurveyDefsError) as error:
        instance_answers(load_form(FORM), b"<data><age>3</data>")
    assert error.value.code == "invalid_instance_xml"


def test_an_xml_entity_expansion_is_refused(load_form):
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><data><age>&a;</age></data>'
    with pytest.raises(SurveyDefsError):
        instance_answers(load_form(FORM), bomb)


def _markdown(sheets):
    lines = []
    for sheet in ("survey", "choices", "settings"):
        header = list(sheets[f"{sheet}_header"][0])
        lines.append(f"| {sheet} |")
        lines.append("| | " + " | ".join(header) + " |")
        lines += ["| | " + " | ".join(row.get(column, "").replace("|", "\\|") for column in header) + " |" for row in sheets[sheet]]
    return "\n".join(lines) + "\n"


def _without_sinmiedo_columns(value):
    if isinstance(value, dict):
        return {
            key: _without_sinmiedo_columns(item)
            for key, item in value.items()
            if key not in ("sensitive", "safeguard", "indicator_variables")
        }
    if isinstance(value, list):
        return [_without_sinmiedo_columns(item) for item in value]
    return value


def test_the_regenerated_sheets_load_back_to_the_same_instrument(load_form):
    instrument = load_form(FORM)
    reloaded = load_form(_markdown(to_xlsform_sheets(instrument)))
    assert _without_sinmiedo_columns(reloaded.model_dump(mode="json")) == _without_sinmiedo_columns(
        instrument.model_dump(mode="json")
    )

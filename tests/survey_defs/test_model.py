from survey_defs.expressions import Expression
from survey_defs.model import Group, Instrument, Question, Repeat

FORM = """
| survey |
|        | type          | name      | label::English (en) | label::Español (es) | relevant       | sensitive |
|        | integer       | age       | Age                 | Edad                |                |           |
|        | begin_group   | vawg      | Module              | Módulo              | ${age} >= 15   | yes       |
|        | begin_repeat  | partners  | Partners            | Parejas             |                |           |
|        | select_one yn | slapped   | Slapped?            | ¿Abofeteada?        |                |           |
|        | end_repeat    |           |                     |                     |                |           |
|        | end_group     |           |                     |                     |                |           |
| choices |
|         | list_name | name | label::English (en) | label::Español (es) |
|         | yn        | y    | Yes                 | Sí                  |
|         | yn        | n    | No                  | No                  |
"""


def test_the_tree_nests_repeats_inside_groups(load_form):
    instrument = load_form(FORM)
    group = instrument.survey[1]
    assert isinstance(group, Group)
    assert isinstance(group.children[0], Repeat)
    assert isinstance(group.children[0].children[0], Question)


def test_expressions_are_parsed_once_and_kept_in_the_model(load_form):
    relevant = load_form(FORM).survey[1].relevant
    assert isinstance(relevant, Expression)
    assert relevant.references == frozenset({"age"})


def test_children_of_a_sensitive_group_are_sensitive(load_form):
    located = load_form(FORM).elements()["slapped"]
    assert located.element.sensitive
    assert [section.name for section in located.ancestors] == ["vawg", "partners"]
    assert located.repeat is not None and located.repeat.name == "partners"


def test_languages_are_the_label_columns_in_order(load_form):
    assert load_form(FORM).languages == ("English (en)", "Español (es)")


def test_definition_json_round_trips_with_the_same_content_hash(load_form):
    instrument = load_form(FORM)
    reloaded = Instrument.model_validate_json(instrument.model_dump_json())
    assert reloaded.content_hash == instrument.content_hash
    assert reloaded.survey[1].relevant == instrument.survey[1].relevant


def test_content_hash_changes_with_a_label(load_form):
    changed = FORM.replace("| Age ", "| Years")
    assert load_form(changed).content_hash != load_form(FORM).content_hash


def test_content_hash_ignores_source_rows(load_form):
    shifted = FORM.replace("| integer       | age", "|  |  |  |  |  |  |  |\n|        | integer       | age")
    assert load_form(shifted).survey[0].source_row != load_form(FORM).survey[0].source_row
    assert load_form(shifted).content_hash == load_form(FORM).content_hash


def test_a_copy_with_changes_gets_its_own_content_hash(load_form):
    instrument = load_form(FORM)
    original = instrument.content_hash
    copied = instrument.model_copy(update={"languages": ("English (en)",)})
    assert copied.content_hash != original


def test_the_model_has_a_json_schema_for_api_documentation():
    schema = Instrument.model_json_schema()
    assert schema["$defs"]["Question"]["properties"]["relevant"]["anyOf"][0] == {"type": "string"}

import io

import openpyxl
import pytest

from survey_defs import InstrumentInvalid, load_instrument
from survey_defs.model import RangeParameters
from survey_defs.xlsform.normalise import normalise
from survey_defs.xlsform.reader import read_markdown

CSV = "survey,,,\n,type,name,label\n,integer,age,Age\nsettings,,,\n,form_id,title,version\n,f,F,1\n"


def test_a_csv_form_loads():
    assert load_instrument(CSV.encode(), "form.csv").survey[0].name == "age"


def test_an_xlsx_form_loads_from_a_path(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["integer", "age", "Age"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "title", "version"])
    settings.append(["f", "F", 3])
    path = tmp_path / "form.xlsx"
    book.save(path)
    assert load_instrument(path).settings.version == "3"


def test_bytes_need_a_filename():
    with pytest.raises(TypeError):
        load_instrument(CSV.encode())


def test_spaced_type_aliases_are_accepted(load_form):
    instrument = load_form(
        "| survey |\n| | type | name | label |\n| | begin group | g | G |\n| | select one yn | a | A |\n"
        "| | select all that apply yn | b | B |\n| | end group | | |\n"
        "| choices |\n| | list name | name | label |\n| | yn | y | Yes |\n"
    )
    assert [child.type for child in instrument.survey[0].children] == ["select_one", "select_multiple"]


@pytest.mark.parametrize(("written", "stored"), [("yes", "true()"), ("TRUE", "true()"), ("1 > 0", "1 > 0")])
def test_required_becomes_an_expression(load_form, written, stored):
    instrument = load_form(f"| survey |\n| | type | name | label | required |\n| | integer | age | Age | {written} |\n")
    assert instrument.survey[0].required.text == stored


def test_required_no_means_not_required(load_form):
    assert load_form("| survey |\n| | type | name | label | required |\n| | text | a | A | no |\n").survey[0].required is None


def test_range_parameters_are_parsed(load_form):
    instrument = load_form("| survey |\n| | type | name | label | parameters |\n| | range | r | R | start=0 end=4 step=0.5 |\n")
    assert instrument.survey[0].range == RangeParameters(start=0, end=4, step=0.5)


def test_indicator_variables_are_declared(load_form):
    instrument = load_form(
        "| survey |\n| | type | name | label |\n| | text | walk | Walk alone? |\n"
        "| indicator_variables |\n| | variable | question | description |\n| | feels_unsafe | walk | SDG 16.1.4 |\n"
    )
    assert [(v.variable, v.question) for v in instrument.indicator_variables] == [("feels_unsafe", "walk")]


def test_extra_choice_columns_are_kept(load_form):
    instrument = load_form(
        "| survey |\n| | type | name | label |\n| | select_one town | t | T |\n"
        "| choices |\n| | list_name | name | label | region |\n| | town | a | A | north |\n"
    )
    assert instrument.choice_lists["town"].choices[0].extra == {"region": "north"}


def test_an_unknown_default_language_is_reported():
    form = (
        "| survey |\n| | type | name | label::English (en) |\n| | text | a | A |\n"
        "| settings |\n| | form_id | title | version | default_language |\n| | f | F | 1 | French |\n"
    )
    with pytest.raises(InstrumentInvalid) as error:
        load_instrument(form.encode(), "form.md")
    assert [(p.code, p.column) for p in error.value.problems] == [("unknown_language", "default_language")]


def test_normalise_maps_aliases_and_splits_languages():
    workbook = read_markdown(
        "| survey |\n| | type | name | Label::Español (es) | relevance | jr:constraintMsg::Español (es) |\n"
        "| | integer | a | Edad | 1 = 1 | Mal |\n"
    )
    form, problems = normalise(workbook)
    row = form.survey[0]
    assert row.values == {"type": "integer", "name": "a", "relevant": "1 = 1"}
    assert row.translations == {"label": {"Español (es)": "Edad"}, "constraint_message": {"Español (es)": "Mal"}}
    assert form.languages == ("Español (es)",)
    assert [problem.code for problem in problems] == ["missing_settings"]


def test_a_settings_version_from_excel_keeps_no_decimal_point(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "a", "A"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "title", "version"])
    settings.append(["f", "F", 2026112101])
    buffer = io.BytesIO()
    book.save(buffer)
    assert load_instrument(buffer.getvalue(), "f.xlsx").settings.version == "2026112101"

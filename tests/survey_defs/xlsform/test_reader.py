import io

import openpyxl
import pytest

from survey_defs.errors import InstrumentInvalid
from survey_defs.xlsform import reader
from survey_defs.xlsform.reader import read_csv, read_markdown, read_workbook, read_xlsx


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _codes(error: pytest.ExceptionInfo[InstrumentInvalid]) -> list[str]:
    return [problem.code for problem in error.value.problems]


def test_markdown_rows_keep_their_spreadsheet_row_numbers():
    workbook = read_markdown(
        """
        | survey |
        |        | type    | name |
        |        | integer | a    |
        |        |         |      |
        |        | text    | b    |
        """
    )
    assert [(row.number, row.cells) for row in workbook["survey"].rows] == [
        (2, {"type": "integer", "name": "a"}),
        (4, {"type": "text", "name": "b"}),
    ]


def test_markdown_unescapes_pipes_inside_cells():
    workbook = read_markdown("| survey |\n| | type | relevant |\n| | text | ${a} = 'x\\|y' |\n")
    assert workbook["survey"].rows[0].cells["relevant"] == "${a} = 'x|y'"


def test_csv_sheet_markers_split_sheets_like_pyxform():
    workbook = read_csv("survey,,\n,type,name\n,integer,age\nsettings,,\n,form_id,version\n,f,1\n")
    assert workbook["survey"].rows[0].cells == {"type": "integer", "name": "age"}
    assert workbook["settings"].rows[0].number == 2


def test_xlsx_cells_become_text_with_whole_numbers_without_decimals():
    workbook = read_xlsx(_xlsx({"survey": [["type", "name", "constraint"], ["integer", "age", 15.0]]}))
    assert workbook["survey"].rows[0].cells == {"type": "integer", "name": "age", "constraint": "15"}


def test_xlsx_sheet_names_are_case_insensitive_but_kept_as_written():
    workbook = read_xlsx(_xlsx({"Survey": [["type", "name"], ["text", "a"]]}))
    assert workbook["survey"].name == "Survey"


def test_xlsx_formula_is_refused_with_its_cell():
    with pytest.raises(InstrumentInvalid) as error:
        read_xlsx(_xlsx({"survey": [["type", "name"], ["text", "=CONCATENATE(\"a\",\"b\")"]]}))
    (problem,) = error.value.problems
    assert (problem.code, problem.sheet, problem.row) == ("formula_cell", "survey", 2)
    assert "B2" in problem.message


def test_xls_files_are_refused_with_advice():
    with pytest.raises(InstrumentInvalid) as error:
        read_workbook(b"\xd0\xcf\x11\xe0", "form.xls")
    assert _codes(error) == ["unsupported_file_type"]
    assert ".xlsx" in error.value.problems[0].message


def test_a_corrupt_xlsx_is_unreadable():
    with pytest.raises(InstrumentInvalid) as error:
        read_workbook(b"not a zip", "form.xlsx")
    assert _codes(error) == ["unreadable_file"]


def test_a_file_over_the_size_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 10)
    with pytest.raises(InstrumentInvalid) as error:
        read_workbook(b"| survey |\n| | type |\n", "form.md")
    assert _codes(error) == ["file_too_large"]


def test_a_sheet_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    with pytest.raises(InstrumentInvalid) as error:
        read_xlsx(_xlsx({"survey": [["type", "name"], ["text", "a"], ["text", "b"], ["text", "c"]]}))
    assert _codes(error) == ["too_many_rows"]


def test_a_sheet_over_the_column_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_COLUMNS", 2)
    with pytest.raises(InstrumentInvalid) as error:
        read_markdown("| survey |\n| | type | name | label |\n| | text | a | A |\n")
    assert _codes(error) == ["too_many_columns"]


def test_too_many_sheets_are_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_SHEETS", 1)
    with pytest.raises(InstrumentInvalid) as error:
        read_markdown("| survey |\n| | type |\n| choices |\n| | name |\n")
    assert _codes(error) == ["too_many_sheets"]


def test_duplicate_column_headers_are_reported():
    with pytest.raises(InstrumentInvalid) as error:
        read_markdown("| survey |\n| | type | name | name |\n| | text | a | b |\n")
    assert _codes(error) == ["duplicate_column"]


def test_a_value_under_no_header_is_reported():
    with pytest.raises(InstrumentInvalid) as error:
        read_markdown("| survey |\n| | type | | name |\n| | text | stray | a |\n")
    (problem,) = error.value.problems
    assert (problem.code, problem.row) == ("unnamed_column", 2)

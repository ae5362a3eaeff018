from datetime import date, datetime

import pytest
from tests.crime_data.crime_files import write_text, write_xlsx

from crime_data.errors import CrimeDataError, Location
from crime_data.tables import MAX_COLUMNS, CellError, FileFormat, parse_count, parse_date, read_table


def test_csv_rows_are_located_by_line_counting_the_header(tmp_path):
    table = read_table(write_text(tmp_path, "a.csv", "x,y\n1,2\n3,4\n"))
    assert [row.location for row in table.rows] == [Location("a.csv", 2), Location("a.csv", 3)]


def test_csv_row_after_a_multiline_field_is_located_where_it_starts(tmp_path):
    table = read_table(write_text(tmp_path, "a.csv", 'x,y\n"one\ntwo",2\n3,4\n'))
    assert [row.location.line for row in table.rows] == [2, 4]


def test_blank_csv_lines_are_skipped_without_renumbering(tmp_path):
    table = read_table(write_text(tmp_path, "a.csv", "x,y\n1,2\n,\n3,4\n"))
    assert [row.location.line for row in table.rows] == [2, 4]


def test_xlsx_rows_are_located_by_sheet_and_row(tmp_path):
    table = read_table(write_xlsx(tmp_path, "a.xlsx", [["x"], [1], [2]], sheet="homicidios"))
    assert table.rows[1].location == Location("a.xlsx", 3, "homicidios")
    assert str(table.rows[1].location) == "a.xlsx, sheet 'homicidios', row 3"


def test_named_sheet_is_read(tmp_path):
    path = write_xlsx(tmp_path, "a.xlsx", [["x"], [1]], sheet="second")
    assert read_table(path, FileFormat(sheet="second")).rows[0].values == {"x": 1}


def test_unknown_sheet_is_refused(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_table(write_xlsx(tmp_path, "a.xlsx", [["x"]]), FileFormat(sheet="nope"))
    assert caught.value.code == "unknown_sheet"


def test_unsupported_file_type_is_refused(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_table(write_text(tmp_path, "a.txt", "x\n"))
    assert caught.value.code == "unsupported_file_type"


def test_required_column_missing_names_the_column(tmp_path):
    table = read_table(write_text(tmp_path, "a.csv", "x\n1\n"))
    with pytest.raises(CrimeDataError) as caught:
        table.column("count")
    assert caught.value.code == "missing_column" and "'count'" in caught.value.message


def test_columns_are_matched_ignoring_case(tmp_path):
    assert read_table(write_text(tmp_path, "a.csv", " Count \n1\n")).column("count") == "Count"


def test_duplicate_column_is_refused(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_table(write_text(tmp_path, "a.csv", "x,x\n1,2\n"))
    assert caught.value.code == "duplicate_column"


def test_count_from_spreadsheet_float_is_whole():
    assert parse_count(12.0) == 12


@pytest.mark.parametrize("value", ["12.5", 12.5, "1,200", "doce"])
def test_count_that_is_not_whole_is_refused(value):
    with pytest.raises(CellError) as caught:
        parse_count(value)
    assert caught.value.code == "non_integer_count"


def test_negative_count_is_refused():
    with pytest.raises(CellError) as caught:
        parse_count("-3")
    assert caught.value.code == "negative_count"


def test_non_iso_date_is_refused():
    with pytest.raises(CellError) as caught:
        parse_date("31/02/2024")
    assert caught.value.code == "bad_date"


def test_semicolon_separated_csv_is_read_with_its_delimiter(tmp_path):
    table = read_table(write_text(tmp_path, "a.csv", "x;y\n1;2\n"), FileFormat(delimiter=";"))
    assert table.rows[0].values == {"x": "1", "y": "2"}


def test_date_cell_from_a_workbook_is_a_date():
    assert parse_date(datetime(2023, 5, 4, 0, 0)) == date(2023, 5, 4)


def test_latin1_csv_read_as_utf8_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("municipio\nMedellín\n".encode("latin-1"))
    with pytest.raises(CrimeDataError) as caught:
        read_table(path)
    assert caught.value.code == "bad_encoding" and "latin-1" in caught.value.message


def test_latin1_csv_is_read_with_its_encoding(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("municipio\nMedellín\n".encode("latin-1"))
    assert read_table(path, FileFormat(encoding="latin-1")).rows[0].values == {"municipio": "Medellín"}


def test_file_that_is_not_a_workbook_is_refused(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_table(write_text(tmp_path, "a.xlsx", "not a zip"))
    assert caught.value.code == "unreadable_file"


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_table(tmp_path / "nowhere.csv")
    assert caught.value.code == "file_not_found"


def test_a_file_wider_than_the_column_limit_is_refused_before_its_rows_are_built(tmp_path):
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    with pytest.raises(CrimeDataError) as raised:
        read_table(write_text(tmp_path, "wide.csv", header + "\n" + "1," * MAX_COLUMNS + "1\n"))
    assert (raised.value.code, raised.value.line) == ("too_many_columns", 1)


def test_a_file_at_the_column_limit_is_read(tmp_path):
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    table = read_table(write_text(tmp_path, "wide.csv", header + "\n" + ",".join(["1"] * MAX_COLUMNS) + "\n"))
    assert len(table.columns) == MAX_COLUMNS

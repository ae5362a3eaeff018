from crime_data.errors import CrimeDataError, Location, RowProblem, ValidationReport


def test_error_message_says_file_line_and_code():
    error = CrimeDataError("bad_wide_column", "column 'x' should name offence and sex", file="a.csv", line=1)
    assert str(error) == "a.csv, line 1: column 'x' should name offence and sex [bad_wide_column]"


def test_error_with_a_report_lists_every_row_problem():
    problem = RowProblem(Location("a.csv", 3), "negative_count", "count -1 is negative", "count")
    error = CrimeDataError("invalid_rows", "1 row(s) failed", file="a.csv", report=ValidationReport("a.csv", (problem,)))
    assert str(error).splitlines() == [
        "a.csv: 1 row(s) failed [invalid_rows]",
        "  a.csv, line 3, column 'count': count -1 is negative [negative_count]",
    ]


def test_report_without_problems_is_ok():
    assert ValidationReport("a.csv").ok

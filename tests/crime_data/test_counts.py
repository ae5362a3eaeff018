from datetime import datetime

import pytest
from tests.crime_data.crime_files import write_text, write_xlsx

from crime_data.counts import read_counts
from crime_data.errors import CrimeDataError
from crime_data.periods import Period
from crime_data.vocabulary import Sex, Source, Unit


@pytest.fixture
def read(tmp_path, mapping, hierarchy, population):
    def read(name: str, content, **options):
        path = write_xlsx(tmp_path, name, content) if name.endswith(".xlsx") else write_text(tmp_path, name, content)
        return read_counts(
            path, mapping=mapping, hierarchy=hierarchy, source=Source.FORENSIC, unit=Unit.VICTIMS,
            population=population, **options,
        )

    return read


def problems_of(read, name: str, content, **options):
    with pytest.raises(CrimeDataError) as caught:
        read(name, content, **options)
    assert caught.value.code == "invalid_rows"
    return caught.value.report.problems


def test_long_file_gives_one_count_per_row(read):
    result = read("long.csv", "period,territory,offence,sex,count\n2023,05001,HOM,F,12\n2023,05001,HOM,male,80\n")
    assert [(c.period, c.iccs_code, c.sex, c.count) for c in result.counts] == [
        (Period(2023), "0101", Sex.FEMALE, 12),
        (Period(2023), "0101", Sex.MALE, 80),
    ]


def test_source_and_unit_travel_with_every_count(read):
    [count] = read("long.csv", "period,territory,offence,sex,count\n2023,05001,HOM,F,12\n").counts
    assert (count.source, count.unit) == (Source.FORENSIC, Unit.VICTIMS)


def test_file_without_sex_column_gives_counts_for_both_sexes(read):
    [count] = read("long.csv", "period,territory,offence,count\n2023-05,05001,HOM,9\n").counts
    assert count.sex is None and count.period == Period(2023, 5)


def test_wide_by_month_gives_one_count_per_month_cell(read):
    result = read("wide.csv", "territory,offence,sex,2023-01,2023-02\n05001,HOM,F,1,2\n05088,HOM,male,3,4\n", wide=("period",))
    assert [(str(c.period), c.territory_code, c.count) for c in result.counts] == [
        ("2023-01", "05001", 1), ("2023-02", "05001", 2), ("2023-01", "05088", 3), ("2023-02", "05088", 4),
    ]


def test_blank_cell_in_wide_file_is_no_figure(read):
    result = read("wide.csv", "territory,offence,sex,2023-01,2023-02\n05001,HOM,F,1,\n", wide=("period",))
    assert [str(c.period) for c in result.counts] == ["2023-01"]


def test_wide_by_offence_and_sex_in_xlsx(read):
    content = [["period", "territory", "HOM:F", "HOM:male", "EXT:F"], [datetime(2023, 4, 1), "11001", 2, 7, 5]]
    result = read("wide.xlsx", content, wide=("offence", "sex"))
    assert [(str(c.period), c.iccs_code, c.sex, c.count) for c in result.counts] == [
        ("2023-04", "0101", Sex.FEMALE, 2), ("2023-04", "0101", Sex.MALE, 7), ("2023-04", "02051", Sex.FEMALE, 5),
    ]


def test_wide_column_that_does_not_split_into_its_dimensions_is_refused(read):
    with pytest.raises(CrimeDataError) as caught:
        read("wide.csv", "period,territory,HOM-F\n2023,05001,1\n", wide=("offence", "sex"))
    assert (caught.value.code, caught.value.file, caught.value.line) == ("bad_wide_column", "wide.csv", 1)


def test_negative_count_names_file_line_and_column(read):
    [problem] = problems_of(read, "long.csv", "period,territory,offence,sex,count\n2023,05001,HOM,F,12\n2023,05001,HOM,male,-2\n")
    assert (problem.code, problem.location.file, problem.location.line, problem.column) == (
        "negative_count", "long.csv", 3, "count",
    )


def test_non_integer_count_is_reported(read):
    [problem] = problems_of(read, "long.csv", "period,territory,offence,sex,count\n2023,05001,HOM,F,2.5\n")
    assert problem.code == "non_integer_count"


def test_negative_count_in_wide_xlsx_names_sheet_row_and_month_column(read):
    content = [["territory", "offence", "sex", "2023-01", "2023-02"], ["05001", "HOM", "F", 1, -1]]
    [problem] = problems_of(read, "wide.xlsx", content, wide=("period",))
    assert str(problem) == "wide.xlsx, sheet 'datos', row 2, column '2023-02': count -1 is negative [negative_count]"


def test_unknown_offence_code_is_reported(read):
    [problem] = problems_of(read, "long.csv", "period,territory,offence,sex,count\n2023,05001,ROBO,F,1\n")
    assert problem.code == "unknown_offence_code"


def test_bad_period_is_reported(read):
    [problem] = problems_of(read, "long.csv", "period,territory,offence,sex,count\n2023-13,05001,HOM,F,1\n")
    assert (problem.code, problem.column) == ("bad_period", "period")


def test_duplicate_row_names_the_first_occurrence(read):
    [problem] = problems_of(
        read, "long.csv", "period,territory,offence,sex,count\n2023,05001,HOM,F,1\n2023,05001,HOM,F,1\n"
    )
    assert problem.code == "duplicate_row" and problem.location.line == 3 and "long.csv, line 2" in problem.message


def test_repeated_row_of_a_wide_file_is_a_duplicate(read):
    problems = problems_of(
        read, "wide.csv", "territory,offence,sex,2023-01,2023-02\n05001,HOM,F,1,2\n05001,HOM,F,1,2\n", wide=("period",)
    )
    assert [(p.code, p.location.line) for p in problems] == [("duplicate_row", 3), ("duplicate_row", 3)]


def test_territory_missing_from_population_for_that_year_is_reported(read):
    [problem] = problems_of(read, "long.csv", "period,territory,offence,sex,count\n2022,05001,HOM,F,1\n")
    assert problem.code == "territory_not_in_population" and "dane-2018-projections-rev1" in problem.message


def test_unknown_territory_is_reported(read):
    [problem] = problems_of(read, "long.csv", "period,territory,offence,sex,count\n2023,5001,HOM,F,1\n")
    assert problem.code == "unknown_territory"


def test_skip_invalid_keeps_the_valid_counts(read):
    result = read(
        "long.csv", "period,territory,offence,sex,count\n2023,05001,HOM,F,1\n2023,05001,HOM,male,x\n", skip_invalid=True
    )
    assert [c.count for c in result.counts] == [1] and result.skipped.codes() == ["non_integer_count"]


def test_bad_id_cell_of_a_wide_row_is_reported_once(read):
    problems = problems_of(read, "wide.csv", "territory,offence,sex,2023-01,2023-02\n99999,HOM,F,1,2\n", wide=("period",))
    assert [(p.code, p.location.line) for p in problems] == [("unknown_territory", 2)]

import pytest
from tests.crime_data.crime_files import write_text, write_xlsx

from crime_data.errors import CrimeDataError
from crime_data.femicide import is_femicide
from crime_data.incidents import read_incidents
from crime_data.vocabulary import GenderRelatedContext, Relationship, Sex, Source

HEADER = "record_id,date,territory,offence,victim_sex,victim_age,relationship,gender_related_context\n"


@pytest.fixture
def read(tmp_path, mapping, hierarchy, population):
    def read(body: str, **options):
        path = write_text(tmp_path, "incidentes.csv", HEADER + body)
        return read_incidents(
            path, mapping=mapping, hierarchy=hierarchy, source=Source.POLICE, population=population, **options
        )

    return read


def only_problem(read, body: str):
    with pytest.raises(CrimeDataError) as caught:
        read(body)
    assert caught.value.code == "invalid_rows"
    [problem] = caught.value.report.problems
    return problem


def test_valid_record_is_mapped_to_iccs_and_keeps_its_source(read):
    [record] = read("1,2023-03-14,05001,HOM,F,34,intimate_partner,\n").records
    assert (record.iccs_code, record.victim_sex, record.victim_age, record.source) == ("0101", Sex.FEMALE, 34, "police")


def test_relationship_and_contexts_are_read(read):
    [record] = read("1,2023-03-14,05001,HOM,mujer,,stranger,sexual_violence;mutilation\n").records
    assert record.relationship is Relationship.STRANGER
    assert record.gender_related_context == {GenderRelatedContext.SEXUAL_VIOLENCE, GenderRelatedContext.MUTILATION}


def test_blank_age_is_not_recorded(read):
    [record] = read("1,2023-03-14,05001,HOM,male,,,\n").records
    assert record.victim_age is None


def test_imported_record_feeds_the_femicide_rule(read):
    [record] = read("1,2023-03-14,05001,HOM,F,34,intimate_partner,\n").records
    assert is_femicide(record)


def test_unknown_offence_code_names_file_line_and_reason(read):
    problem = only_problem(read, "1,2023-03-14,05001,HOM,F,34,,\n2,2023-03-15,05001,XYZ,F,34,,\n")
    assert (problem.code, problem.location.file, problem.location.line, problem.column) == (
        "unknown_offence_code", "incidentes.csv", 3, "offence",
    )
    assert "'XYZ'" in problem.message


def test_bad_date_is_reported(read):
    problem = only_problem(read, "1,2023-02-30,05001,HOM,F,34,,\n")
    assert (problem.code, problem.location.line, problem.column) == ("bad_date", 2, "date")


def test_unknown_territory_is_reported(read):
    assert only_problem(read, "1,2023-03-14,99999,HOM,F,34,,\n").code == "unknown_territory"


def test_territory_missing_from_population_for_that_year_is_reported(read):
    problem = only_problem(read, "1,2024-01-02,05001,HOM,F,34,,\n")
    assert problem.code == "territory_not_in_population" and "2024" in problem.message


def test_unknown_sex_code_is_reported(read):
    assert only_problem(read, "1,2023-03-14,05001,HOM,X,34,,\n").code == "unknown_sex_code"


def test_implausible_age_is_reported(read):
    assert only_problem(read, "1,2023-03-14,05001,HOM,F,-1,,\n").code == "bad_age"


def test_unknown_relationship_is_reported(read):
    assert only_problem(read, "1,2023-03-14,05001,HOM,F,30,novio,\n").code == "unknown_relationship_code"


def test_repeated_record_id_is_a_duplicate_naming_the_first_line(read):
    problem = only_problem(read, "7,2023-03-14,05001,HOM,F,30,,\n7,2023-03-15,05001,LES,male,30,,\n")
    assert (problem.code, problem.location.line) == ("duplicate_row", 3)
    assert "incidentes.csv, line 2" in problem.message


def test_identical_rows_without_record_id_are_duplicates(tmp_path, mapping, hierarchy):
    path = write_text(tmp_path, "i.csv", "date,territory,offence,victim_sex\n2023-01-01,05001,HOM,F\n2023-01-01,05001,HOM,F\n")
    with pytest.raises(CrimeDataError) as caught:
        read_incidents(path, mapping=mapping, hierarchy=hierarchy, source=Source.POLICE)
    assert caught.value.report.codes() == ["duplicate_row"]


def test_every_problem_of_a_row_is_reported(read):
    with pytest.raises(CrimeDataError) as caught:
        read("1,yesterday,05001,XYZ,F,34,,\n")
    assert caught.value.report.codes() == ["bad_date", "unknown_offence_code"]


def test_nothing_is_imported_from_a_file_with_errors(read):
    with pytest.raises(CrimeDataError) as caught:
        read("1,2023-03-14,05001,HOM,F,34,,\n2,2023-03-14,05001,XYZ,F,34,,\n")
    assert "nothing was imported" in caught.value.message


def test_skip_invalid_imports_the_valid_rows_and_lists_the_skipped(read):
    result = read("1,2023-03-14,05001,HOM,F,34,,\n2,2023-03-14,05001,XYZ,F,34,,\n", skip_invalid=True)
    assert [record.record_id for record in result.records] == ["1"]
    assert [(p.location.line, p.code) for p in result.skipped.problems] == [(3, "unknown_offence_code")]


def test_xlsx_problem_is_located_by_sheet_and_row(tmp_path, mapping, hierarchy):
    path = write_xlsx(
        tmp_path,
        "incidentes.xlsx",
        [["date", "territory", "offence", "victim_sex"], ["2023-01-01", "05001", "HOM", "F"], ["2023-01-01", "05001", "NOPE", "F"]],
        sheet="2023",
    )
    with pytest.raises(CrimeDataError) as caught:
        read_incidents(path, mapping=mapping, hierarchy=hierarchy, source=Source.POLICE)
    assert str(caught.value.report.problems[0]).startswith("incidentes.xlsx, sheet '2023', row 3, column 'offence'")


def test_blank_record_ids_are_missing_values_not_duplicates(read):
    with pytest.raises(CrimeDataError) as caught:
        read(",2023-03-14,05001,HOM,F,30,,\n,2023-03-15,05001,HOM,F,31,,\n")
    assert caught.value.report.codes() == ["missing_value", "missing_value"]


def test_single_letter_m_is_refused_as_ambiguous_by_default(read):
    assert only_problem(read, "1,2023-03-14,05001,HOM,M,30,,\n").code == "unknown_sex_code"


def test_file_sex_codes_decide_what_m_means(read):
    [record] = read("1,2023-03-14,05001,HOM,M,30,,\n", sex_codes={"H": Sex.MALE, "M": Sex.FEMALE}).records
    assert record.victim_sex is Sex.FEMALE

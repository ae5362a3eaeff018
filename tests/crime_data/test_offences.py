import pytest
from tests.crime_data.crime_files import write_text

from crime_data.errors import CrimeDataError
from crime_data.offences import read_offence_mapping


def test_national_code_maps_to_its_iccs_code(mapping):
    assert mapping.lookup("EXT").iccs_code == "02051"


def test_description_is_kept(mapping):
    assert mapping.lookup("HOM").description == "Homicidio doloso"


def test_mapping_to_an_unknown_iccs_code_is_refused_with_its_line(tmp_path):
    path = write_text(tmp_path, "map.csv", "national_code,iccs_code,description\nA,0101,x\nB,0199,y\n")
    with pytest.raises(CrimeDataError) as caught:
        read_offence_mapping(path)
    problem = caught.value.report.problems[0]
    assert (problem.code, problem.location.file, problem.location.line) == ("unknown_iccs_code", "map.csv", 3)


def test_repeated_national_code_is_refused_naming_the_first_line(tmp_path):
    path = write_text(tmp_path, "map.csv", "national_code,iccs_code\nA,0101\nA,0102\n")
    with pytest.raises(CrimeDataError) as caught:
        read_offence_mapping(path)
    problem = caught.value.report.problems[0]
    assert problem.code == "duplicate_national_code" and "map.csv, line 2" in problem.message

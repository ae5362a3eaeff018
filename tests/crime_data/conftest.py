"""A small country for the crime_data tests (two regions, three municipalities, one population table,
an offence mapping) and writers of small CSV/XLSX files."""

from pathlib import Path

import pytest
from tests.crime_data.crime_files import MAPPING_CSV, write_text

from crime_data.offences import OffenceMapping, read_offence_mapping
from crime_data.population import PopulationRow, PopulationTable
from crime_data.territories import Territory, TerritoryHierarchy, TerritoryLevel
from crime_data.vocabulary import Sex

# municipality -> (female, male) population by age group "0-14", "15-64", "65+" in 2023
MUNICIPAL_POPULATION_2023 = {
    "05001": {"0-14": (100, 110), "15-64": (700, 650), "65+": (120, 90)},
    "05088": {"0-14": (40, 42), "15-64": (200, 190), "65+": (30, 25)},
    "11001": {"0-14": (300, 310), "15-64": (2000, 1900), "65+": (400, 300)},
}


@pytest.fixture
def hierarchy() -> TerritoryHierarchy:
    return TerritoryHierarchy(
        [
            Territory("CO", "Colombia", TerritoryLevel.COUNTRY),
            Territory("05", "Antioquia", TerritoryLevel.REGION, "CO"),
            Territory("11", "Bogotá", TerritoryLevel.REGION, "CO"),
            Territory("05001", "Medellín", TerritoryLevel.MUNICIPALITY, "05"),
            Territory("05088", "Bello", TerritoryLevel.MUNICIPALITY, "05"),
            Territory("11001", "Bogotá D.C.", TerritoryLevel.MUNICIPALITY, "11"),
        ]
    )


@pytest.fixture
def population() -> PopulationTable:
    rows = [
        PopulationRow(code, 2023, sex, group, count)
        for code, groups in MUNICIPAL_POPULATION_2023.items()
        for group, (female, male) in groups.items()
        for sex, count in ((Sex.FEMALE, female), (Sex.MALE, male))
    ]
    return PopulationTable("dane-2018-projections-rev1", rows)


@pytest.fixture
def mapping(tmp_path: Path) -> OffenceMapping:
    return read_offence_mapping(write_text(tmp_path, "mapping.csv", MAPPING_CSV))

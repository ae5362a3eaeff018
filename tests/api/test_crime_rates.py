"""Rates over HTTP from stored counts and victim records: totals, breakdowns, femicide, and errors.

These tests only read, so the small country is imported once per database (through the crime
service, as the CLI and the demo do; test_crime.py covers the HTTP imports and the role checks) and
the reader dependency is overridden, so no test here pays for accounts and imports.
"""

from collections.abc import Iterator
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session
from tests.api.crime_files import (
    FEMALE_HOMICIDES,
    FEMALE_POPULATION,
    FEMICIDES,
    HOMICIDES,
    INCIDENTS_CSV,
    MAPPING_CSV,
    POPULATION_2025,
    TERRITORIES_CSV,
    TOTAL_HOMICIDES,
    TOTAL_POPULATION,
    homicides_csv,
    population_csv,
)
from tests.databases import empty_all_tables

from api.app import create_app
from api.config import Settings
from api.crime import service
from api.crime.router import _crime_reader
from api.users.models import Role, User
from crime_data import Source, Unit

CRIME = "/api/v1/crime"


def _file(text: str, name: str) -> service.ImportedFile:
    return service.ImportedFile.of(text.encode(), name)


def _load_country(engine: Engine) -> None:
    """The test country; prosecution counts come in two units (robberies recorded, extortion victims)."""
    empty_all_tables(engine)
    with Session(engine) as session:
        service.import_territories(session, None, _file(TERRITORIES_CSV, "territorios.csv"))
        service.import_population(session, None, _file(population_csv(), "poblacion.csv"), version="pop-2025")
        service.import_mapping(session, None, _file(MAPPING_CSV, "delitos.csv"), version="v1")
        service.import_counts(
            session, None, _file(homicides_csv(), "homicidios.csv"),
            service.CountOptions(source=Source.POLICE, unit=Unit.VICTIMS),
        )
        service.import_incidents(
            session, None, _file(INCIDENTS_CSV, "victimas.csv"), service.IncidentOptions(source=Source.POLICE)
        )
        for text, unit in (("ROB,4", Unit.RECORDED_OFFENCES), ("EXT,2", Unit.VICTIMS)):
            service.import_counts(
                session, None, _file(f"period,territory,offence,count\n2025,M11,{text}\n", f"{unit}.csv"),
                service.CountOptions(source=Source.PROSECUTION, unit=unit),
            )
        session.commit()


@pytest.fixture(scope="module")
def client(session_engine: Engine, database_url: str) -> Iterator[TestClient]:
    _load_country(session_engine)
    app = create_app(Settings(environment="test", database_url=database_url), engine=session_engine)
    app.dependency_overrides[_crime_reader] = lambda: User(username="reader", role=Role.analyst)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def rates(client: TestClient, path: str = "rates", **params):
    return client.get(f"{CRIME}/{path}", params=params)


def test_sdg_16_1_1_counts_victims_of_intentional_homicide(client):
    body = rates(client, "rates/homicide", year=2025).json()
    assert body["indicator"] == "sdg_16_1_1"
    assert round(body["rows"][0]["rate"], 1) == 85.5


def test_rates_by_sex_divide_by_each_sex_population(client):
    rows = rates(client, iccs="0101", year=2025, by="sex").json()["rows"]
    by_sex = {row["sex"]: row for row in rows}
    female = by_sex["female"]
    assert (female["count"], female["population"]) == (FEMALE_HOMICIDES, FEMALE_POPULATION)
    assert female["rate"] == pytest.approx(float(Fraction(FEMALE_HOMICIDES * 100_000, FEMALE_POPULATION)), rel=1e-12)
    assert by_sex["male"]["count"] + female["count"] == TOTAL_HOMICIDES
    assert by_sex["male"]["population"] == TOTAL_POPULATION - FEMALE_POPULATION


def test_rate_of_a_region_sums_its_municipalities(client):
    [row] = rates(client, iccs="01", year=2025, territory="R1").json()["rows"]
    expected_count = sum(count for (_, territory, _), count in HOMICIDES.items() if territory in ("M11", "M12"))
    expected_population = sum(f + m for t in ("M11", "M12") for f, m in POPULATION_2025[t].values())
    assert (row["count"], row["population"], row["iccs_scope"]) == (expected_count, expected_population, "01")


def test_rates_by_month_need_a_monthly_basis(client):
    refused = rates(client, iccs="0101", year=2025, by="month")
    assert refused.status_code == 422
    assert refused.json()["code"] == "monthly_basis_required"
    rows = rates(client, iccs="0101", year=2025, by="month", monthly_basis="per_month").json()["rows"]
    assert [(row["period"], row["count"]) for row in rows] == [("2025-01", 3_586), ("2025-02", 3_586)]
    assert rows[0]["monthly_basis"] == "per_month"


def test_rates_by_age_group_come_from_victim_records(client):
    refused = rates(client, iccs="0101", year=2025, by="age_group")
    assert (refused.status_code, refused.json()["code"]) == (422, "no_age_breakdown")
    body = rates(client, iccs="0101", year=2025, by="age_group", basis="records").json()
    assert body["basis"] == "records"
    rows = body["rows"]
    assert [(row["age_group"], row["count"]) for row in rows] == [("0-14", 0), ("15-64", 5), ("65+", 0)]
    assert rows[1]["population"] == sum(sum(groups["15-64"]) for groups in POPULATION_2025.values())


def test_femicide_rate_is_per_100000_women_with_its_counting_rule(client):
    body = rates(client, "rates/femicide", year=2025).json()
    [row] = body["rows"]
    assert (body["indicator"], row["sex"], row["count"], row["population"]) == (
        "femicide_rate", "female", FEMICIDES, FEMALE_POPULATION
    )
    assert row["rate"] == pytest.approx(FEMICIDES * 100_000 / FEMALE_POPULATION, rel=1e-12)
    assert "intimate partner" in row["counting_rule"]
    narrower = rates(client, "rates/femicide", year=2025, include_family_member="false").json()
    assert narrower["rows"][0]["count"] == FEMICIDES - 1
    assert "family member" not in narrower["rows"][0]["counting_rule"]


def test_rates_name_what_is_unknown(client):
    missing_table = rates(client, iccs="0101", year=2025, population_version="nope")
    assert (missing_table.status_code, missing_table.json()["code"]) == (404, "population_version_not_found")
    missing_territory = rates(client, iccs="0101", year=2025, territory="ZZ")
    assert (missing_territory.status_code, missing_territory.json()["code"]) == (404, "territory_not_found")
    bad_code = rates(client, iccs="9999", year=2025)
    assert (bad_code.status_code, bad_code.json()["code"]) == (422, "unknown_iccs_code")
    no_counts = rates(client, iccs="0101", year=2025, source="forensic")
    assert (no_counts.status_code, no_counts.json()["code"]) == (422, "no_counts")


def test_a_year_without_population_is_a_clear_error(client):
    response = rates(client, iccs="0101", year=2024)
    assert response.status_code == 422
    assert response.json()["code"] == "population_missing"
    assert "pop-2025" in response.json()["detail"]


def test_counts_of_several_units_need_a_unit(client):
    refused = rates(client, iccs="0401", year=2025, source="prosecution")
    assert (refused.status_code, refused.json()["code"]) == (422, "unit_mismatch")
    [row] = rates(client, iccs="0401", year=2025, source="prosecution", unit="recorded_offences").json()["rows"]
    assert (row["count"], row["unit"], row["source"]) == (4, "recorded_offences", "prosecution")

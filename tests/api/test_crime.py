"""Police-recorded crime over HTTP: imports of every kind, every row problem located with nothing
stored, skipping, idempotent re-imports, rates end to end, and roles."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event
from sqlmodel import Session, func, select
from tests.api.crime_files import (
    HOMICIDES,
    INCIDENTS_CSV,
    MAPPING_CSV,
    TERRITORIES_CSV,
    TOTAL_HOMICIDES,
    TOTAL_POPULATION,
    homicides_csv,
    population_csv,
    xlsx,
)
from tests.databases import refused_inserts

from api.audit.models import AuditEvent
from api.crime.models import CrimeCount, CrimeImportBatch, CrimePopulationRow, CrimeTerritory, CrimeVictimRecord

CRIME = "/api/v1/crime"


def upload(client, account, kind: str, data: str | bytes, filename: str, **params):
    content = data.encode() if isinstance(data, str) else data
    return client.post(f"{CRIME}/{kind}", params=params, files={"file": (filename, content)}, headers=account.headers)


def stored(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """These tests never log in: accounts get tokens directly, so hashing their passwords at full
    argon2 cost (half a second each) would only slow the suite down."""
    monkeypatch.setattr("api.security._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def analyst(make_account):
    return make_account("analyst")


@pytest.fixture
def country(client, analyst):
    """Territories, the 2025 population table "pop-2025" and the offence mapping "v1", imported."""
    for kind, data, name, params in (
        ("territories", TERRITORIES_CSV, "territorios.csv", {}),
        ("population", population_csv(), "poblacion.csv", {"version": "pop-2025", "source": "Statistics office"}),
        ("mappings", MAPPING_CSV, "delitos.csv", {"version": "v1", "source": "Policía Nacional"}),
    ):
        response = upload(client, analyst, kind, data, name, **params)
        assert response.status_code == 201, response.text
    return analyst


@pytest.fixture
def homicides(client, country):
    response = upload(client, country, "counts", homicides_csv(), "homicidios.csv", source="police", unit="victims")
    assert response.status_code == 201, response.text
    return response.json()


def error_at(body: dict, code: str) -> dict:
    return next(error for error in body["errors"] if error["type"] == code)


# --- reference data -------------------------------------------------------------------------------


def test_territories_import_and_list(client, analyst, engine):
    response = upload(client, analyst, "territories", TERRITORIES_CSV, "territorios.csv")
    assert response.status_code == 201, response.text
    batch = response.json()
    assert (batch["kind"], batch["rows_read"], batch["rows_imported"], batch["already_imported"]) == (
        "territories", 6, 6, False
    )
    listed = client.get(f"{CRIME}/territories", params={"parent": "R1"}, headers=analyst.headers).json()
    assert [item["code"] for item in listed["items"]] == ["M11", "M12"]
    assert client.get(f"{CRIME}/territories/M21", headers=analyst.headers).json()["parent_code"] == "R2"
    assert stored(engine, CrimeTerritory) == 6


def test_territory_list_may_grow_but_not_change_stored_territories(client, analyst, engine):
    upload(client, analyst, "territories", TERRITORIES_CSV, "territorios.csv")
    grown = upload(client, analyst, "territories", TERRITORIES_CSV + "M23,Epsilon,municipality,R2\n", "mas.csv")
    assert grown.status_code == 201, grown.text
    assert grown.json()["rows_imported"] == 1
    renamed = upload(client, analyst, "territories", TERRITORIES_CSV.replace("Gamma", "Gama"), "renombrado.csv")
    assert renamed.status_code == 409
    assert renamed.json()["code"] == "territory_list_conflict"
    assert [error["type"] for error in renamed.json()["errors"]] == ["territory_changed", "territory_missing"]
    assert stored(engine, CrimeTerritory) == 7


def test_territory_file_with_bad_rows_is_422_located_and_nothing_stored(client, analyst, engine):
    bad = TERRITORIES_CSV + "M31,Zeta,municipality,R9\nM32,Eta,province,R2\n"
    response = upload(client, analyst, "territories", bad, "territorios.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert error_at(body, "unknown_parent_territory")["loc"] == ["territorios.csv", 8, "parent_code"]
    assert error_at(body, "unknown_territory_level")["loc"] == ["territorios.csv", 9, "level"]
    assert stored(engine, CrimeTerritory) == 0
    assert stored(engine, CrimeImportBatch) == 0


@pytest.mark.parametrize(("kind", "text", "params", "loc"), [
    ("territories", TERRITORIES_CSV.replace("Gamma", "Gam\x00ma"), {}, ["f.csv", 7, "name"]),
    ("mappings", MAPPING_CSV.replace("Robo con", "Robo\x00con"), {"version": "v1"}, ["f.csv", 3, "description"]),
    ("mappings", MAPPING_CSV.replace("ROB,", "R\x00OB,"), {"version": "v1"}, ["f.csv", 3, "national_code"]),
])
def test_a_nul_character_in_a_file_is_refused_with_its_cell_and_nothing_stored(client, analyst, engine, kind, text,
                                                                              params, loc):
    # SQLite would store it and PostgreSQL refuse the whole file naming no row.
    response = upload(client, analyst, kind, text, "f.csv", **params)
    assert response.status_code == 422, response.text
    assert [(error["loc"], error["type"]) for error in response.json()["errors"]] == [(loc, "unstorable_text")]
    assert stored(engine, CrimeImportBatch) == 0


def test_population_table_is_versioned_and_immutable(client, country, engine):
    listed = client.get(f"{CRIME}/population", headers=country.headers).json()
    assert listed["total"] == 1
    table = listed["items"][0]
    assert (table["version"], table["rows"], table["years"]) == ("pop-2025", 18, [2025])
    assert table["age_groups"] == ["0-14", "15-64", "65+"]
    changed = population_csv().replace("400000", "400001")
    response = upload(client, country, "population", changed, "poblacion-b.csv", version="pop-2025")
    assert response.status_code == 409
    assert response.json()["code"] == "population_version_exists"
    assert stored(engine, CrimePopulationRow) == 18


def test_population_of_an_unknown_territory_is_refused_with_its_line(client, analyst, engine):
    upload(client, analyst, "territories", TERRITORIES_CSV, "territorios.csv")
    response = upload(client, analyst, "population", population_csv() + "M99,2025,female,0-14,10\n", "p.csv",
                      version="p")
    assert response.status_code == 422
    assert error_at(response.json(), "unknown_territory")["loc"] == ["p.csv", 20, "territory"]
    assert stored(engine, CrimePopulationRow) == 0


def test_population_with_a_files_own_sex_codes(client, analyst):
    upload(client, analyst, "territories", TERRITORIES_CSV, "territorios.csv")
    coded = population_csv().replace(",female,", ",M,").replace(",male,", ",H,")
    response = upload(client, analyst, "population", coded, "p.csv", version="p", sex_codes="H=male,M=female")
    assert response.status_code == 201, response.text
    assert response.json()["rows_imported"] == 18


def test_mapping_to_an_unknown_iccs_code_is_refused(client, analyst, engine):
    response = upload(client, analyst, "mappings", MAPPING_CSV + "XYZ,9999,Inexistente\n", "m.csv", version="v1")
    assert response.status_code == 422
    assert error_at(response.json(), "unknown_iccs_code")["loc"] == ["m.csv", 6, "iccs_code"]
    assert client.get(f"{CRIME}/mappings", headers=analyst.headers).json()["total"] == 0


def test_mapping_detail_lists_its_codes(client, country):
    detail = client.get(f"{CRIME}/mappings/v1", headers=country.headers).json()
    assert {code["national_code"]: code["iccs_code"] for code in detail["codes"]} == {
        "HOM": "0101", "ROB": "0401", "HURV": "050211", "EXT": "02051"
    }
    assert detail["source"] == "Policía Nacional"


# --- counts and incidents ---------------------------------------------------------------------------


def test_long_counts_are_stored_with_their_batch(client, homicides, engine):
    assert (homicides["rows_read"], homicides["rows_imported"], homicides["rows_skipped"]) == (12, 12, 0)
    assert (homicides["source"], homicides["unit"], homicides["parameters"]["mapping_version"]) == (
        "police", "victims", "v1"
    )
    with Session(engine) as session:
        rows = session.exec(select(CrimeCount)).all()
    assert sum(row.count for row in rows) == TOTAL_HOMICIDES
    assert {(row.iccs_code, row.batch_id) for row in rows} == {("0101", homicides["id"])}


def test_a_large_file_is_inserted_in_chunks_all_or_nothing(client, country, engine, monkeypatch):
    """Rows go to the database a chunk at a time (the driver's copy of 240,000 rows' parameters took 420 MB),
    in the import's one transaction: a chunk refused undoes the chunks before it."""
    monkeypatch.setattr("api.crime.repository.INSERT_CHUNK_ROWS", 5)
    inserts: list[int] = []

    def seen(_connection, _cursor, statement, parameters, _context, executemany) -> None:
        if statement.startswith("INSERT INTO crime_count"):
            inserts.append(len(parameters) if executemany else 1)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = upload(client, country, "counts", homicides_csv(), "homicidios.csv", source="police", unit="victims")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 201, response.text
    assert inserts == [5, 5, 2] and stored(engine, CrimeCount) == 12
    # A row the database refuses (in the last chunk) leaves nothing of the file stored.
    with refused_inserts(engine, "crime_count", "(NEW.period = '2024-02' AND NEW.territory_code = 'M21')"):
        refused = upload(client, country, "counts", homicides_csv().replace("2025-0", "2024-0"), "h2024.csv",
                         source="police", unit="victims")
    assert refused.status_code == 409, refused.text
    assert stored(engine, CrimeCount) == 12 and stored(engine, CrimeImportBatch) == 4  # the country's 3, then 1


def test_wide_counts_by_period_are_read(client, country, engine):
    wide = "territory,offence,sex,2025-01,2025-02\nM11,ROB,female,10,12\nM11,ROB,male,20,\nM21,HURV,male,5,6\n"
    response = upload(client, country, "counts", wide, "robos.csv", source="police", unit="recorded_offences",
                      layout="wide", wide_by="period")
    assert response.status_code == 201, response.text
    assert (response.json()["rows_read"], response.json()["figures_imported"]) == (3, 5)
    assert stored(engine, CrimeCount) == 5


def test_wide_xlsx_counts_by_offence_and_sex_are_read(client, country, engine):
    data = xlsx([["period", "territory", "ROB:female", "ROB:male"], ["2025", "M11", 7, 9], ["2025", "M12", 1, 0]])
    response = upload(client, country, "counts", data, "robos.xlsx", source="prosecution",
                      unit="recorded_offences", layout="wide", wide_by="offence,sex")
    assert response.status_code == 201, response.text
    assert response.json()["figures_imported"] == 4
    with Session(engine) as session:
        assert sum(row.count for row in session.exec(select(CrimeCount)).all()) == 17


def test_workbook_problems_name_the_sheet_and_row(client, country, engine):
    data = xlsx([["period", "territory", "ROB:female", "ROB:male"], ["2025", "M11", 7, -9]])
    response = upload(client, country, "counts", data, "robos.xlsx", source="police", unit="recorded_offences",
                      layout="wide", wide_by="offence,sex")
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["loc"] == ["robos.xlsx", 2, "ROB:male"]
    assert (problem["sheet"], problem["type"]) == ("Sheet", "negative_count")
    assert stored(engine, CrimeCount) == 0


def test_wide_file_with_errors_lists_each_cell_and_stores_nothing(client, country, engine):
    wide = "territory,offence,sex,2025-01,2025-02\nM11,ROB,female,10,-3\nM11,XXX,male,20,4\nM12,ROB,male,1.5,2\n"
    response = upload(client, country, "counts", wide, "robos.csv", source="police", unit="recorded_offences",
                      layout="wide", wide_by="period")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert error_at(body, "negative_count")["loc"] == ["robos.csv", 2, "2025-02"]
    assert error_at(body, "unknown_offence_code")["loc"] == ["robos.csv", 3, "offence"]
    assert error_at(body, "non_integer_count")["loc"] == ["robos.csv", 4, "2025-01"]
    assert stored(engine, CrimeCount) == 0
    assert client.get(f"{CRIME}/batches", params={"kind": "counts"}, headers=country.headers).json()["total"] == 0


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        ("2025-01,M11,XXX,female,3", "unknown_offence_code", "offence"),
        ("2025-13,M11,HOM,female,3", "bad_period", "period"),
        ("2025-01,M11,HOM,female,-3", "negative_count", "count"),
        ("2025-01,M11,HOM,female,250", "duplicate_row", "count"),
        ("2025-01,M99,HOM,female,3", "unknown_territory", "territory"),
    ],
)
def test_long_file_with_a_bad_row_is_422_with_its_location_and_nothing_stored(client, country, engine, row, code,
                                                                                   column):
    response = upload(client, country, "counts", homicides_csv() + row + "\n", "homicidios.csv", source="police",
                      unit="victims", population_version="pop-2025")
    assert response.status_code == 422, response.text
    body = response.json()
    assert [error["type"] for error in body["errors"]] == [code]
    assert body["errors"][0]["loc"] == ["homicidios.csv", 14, column]
    assert "homicidios.csv" in body["detail"]
    assert stored(engine, CrimeCount) == 0


def add_territory_without_population(client, account) -> None:
    response = upload(client, account, "territories", TERRITORIES_CSV + "M22,Delta,municipality,R2\n", "t2.csv")
    assert response.status_code == 201, response.text


def test_territory_missing_from_the_population_table_is_refused(client, country, engine):
    add_territory_without_population(client, country)
    response = upload(client, country, "counts", homicides_csv() + "2025-01,M22,HOM,female,3\n", "homicidios.csv",
                      source="police", unit="victims", population_version="pop-2025")
    assert response.status_code == 422
    problem = error_at(response.json(), "territory_not_in_population")
    assert problem["loc"] == ["homicidios.csv", 14, "territory"]
    assert "pop-2025" in problem["msg"]
    assert stored(engine, CrimeCount) == 0


def test_territory_without_population_is_accepted_when_no_population_table_is_named(client, country):
    add_territory_without_population(client, country)
    response = upload(client, country, "counts", "period,territory,offence,count\n2025,M22,EXT,4\n", "e.csv",
                      source="police", unit="recorded_offences")
    assert response.status_code == 201, response.text


def test_skip_invalid_imports_the_rest_and_lists_the_skipped_rows(client, country, engine):
    bad = homicides_csv() + "2025-13,M11,HOM,female,3\n2025-03,M11,XXX,male,4\n"
    response = upload(client, country, "counts", bad, "homicidios.csv", source="police", unit="victims",
                      skip_invalid="true")
    assert response.status_code == 201, response.text
    batch = response.json()
    assert (batch["rows_read"], batch["rows_imported"], batch["rows_skipped"]) == (14, 12, 2)
    assert [(error["loc"], error["type"]) for error in batch["skipped"]] == [
        (["homicidios.csv", 14, "period"], "bad_period"),
        (["homicidios.csv", 15, "offence"], "unknown_offence_code"),
    ]
    assert stored(engine, CrimeCount) == 12
    fetched = client.get(f"{CRIME}/batches/{batch['id']}", headers=country.headers).json()
    assert fetched["skipped"] == batch["skipped"]


def test_importing_the_same_file_again_returns_the_earlier_batch(client, country, homicides, engine):
    again = upload(client, country, "counts", homicides_csv(), "copia.csv", source="police", unit="victims")
    assert again.status_code == 200
    assert again.json()["id"] == homicides["id"]
    assert again.json()["already_imported"] is True
    assert stored(engine, CrimeCount) == len(HOMICIDES)
    assert client.get(f"{CRIME}/batches", params={"kind": "counts"}, headers=country.headers).json()["total"] == 1


def test_the_same_file_from_another_source_is_a_new_batch(client, country, homicides, engine):
    forensic = upload(client, country, "counts", homicides_csv(), "medicina.csv", source="forensic", unit="victims")
    assert forensic.status_code == 201
    assert stored(engine, CrimeCount) == 2 * len(HOMICIDES)


def test_figures_already_stored_from_another_file_are_row_problems(client, country, homicides, engine):
    overlapping = "period,territory,offence,sex,count\n2025-03,M11,HOM,female,9\n2025-01,M11,HOM,female,250\n"
    response = upload(client, country, "counts", overlapping, "enero.csv", source="police", unit="victims")
    assert response.status_code == 422
    problem = error_at(response.json(), "already_imported")
    assert problem["loc"] == ["enero.csv", 3, None]
    assert f"import batch {homicides['id']}" in problem["msg"]
    assert stored(engine, CrimeCount) == len(HOMICIDES)


def test_missing_column_is_a_located_file_error(client, country):
    response = upload(client, country, "counts", "period,territory,sex,count\n2025,M11,female,1\n", "c.csv",
                      source="police", unit="victims")
    assert response.status_code == 422
    assert response.json()["code"] == "missing_column"
    assert response.json()["errors"][0]["loc"] == ["c.csv", 1, None]


def test_wide_layout_without_its_dimensions_is_refused(client, country):
    response = upload(client, country, "counts", homicides_csv(), "h.csv", source="police", unit="victims",
                      layout="wide")
    assert response.status_code == 422
    assert response.json()["code"] == "bad_layout"


def test_unsupported_file_type_is_refused(client, country):
    response = upload(client, country, "counts", homicides_csv(), "h.txt", source="police", unit="victims")
    assert response.status_code == 422
    assert response.json()["code"] == "unsupported_file_type"


def test_incidents_are_stored_without_record_ids(client, country, engine):
    response = upload(client, country, "incidents", INCIDENTS_CSV, "victimas.csv", source="police",
                      population_version="pop-2025")
    assert response.status_code == 201, response.text
    assert (response.json()["rows_imported"], response.json()["unit"]) == (6, "victims")
    with Session(engine) as session:
        records = session.exec(select(CrimeVictimRecord)).all()
    assert len(records) == 6
    assert not any("A-1" in str(record.model_dump().values()) for record in records)
    assert {record.gender_related_context == ["sexual_violence"] for record in records} == {True, False}


def test_incident_with_a_bad_date_is_refused_with_its_line(client, country, engine):
    add_territory_without_population(client, country)
    bad = INCIDENTS_CSV + "2025-02-30,M11,HOM,female,30,,,A-7\n2025-08-01,M22,HOM,male,30,,,A-8\n"
    response = upload(client, country, "incidents", bad, "victimas.csv", source="police",
                      population_version="pop-2025")
    assert response.status_code == 422
    body = response.json()
    assert error_at(body, "bad_date")["loc"] == ["victimas.csv", 8, "date"]
    assert error_at(body, "territory_not_in_population")["loc"] == ["victimas.csv", 9, "territory"]
    assert stored(engine, CrimeVictimRecord) == 0


def test_incidents_with_skip_invalid_keep_the_valid_records(client, country, engine):
    bad = INCIDENTS_CSV + "2025-02-30,M11,HOM,female,30,,,A-7\n"
    response = upload(client, country, "incidents", bad, "victimas.csv", source="police", skip_invalid="true")
    assert response.status_code == 201, response.text
    assert (response.json()["rows_imported"], response.json()["rows_skipped"]) == (6, 1)
    assert response.json()["skipped"][0]["loc"] == ["victimas.csv", 8, "date"]
    assert stored(engine, CrimeVictimRecord) == 6


def test_imports_are_audited_with_who_and_which_file(client, homicides, country, engine):
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "crime.import.counts")).one()
    assert (event.actor_id, event.resource_id) == (country.user.id, str(homicides["id"]))
    assert event.detail["sha256"] == homicides["sha256"]


def test_duplicate_incident_records_are_refused(client, country, engine):
    response = upload(client, country, "incidents", INCIDENTS_CSV + "2025-03-02,M11,HOM,female,34,,,A-1\n",
                      "victimas.csv", source="police")
    assert response.status_code == 422
    assert error_at(response.json(), "duplicate_row")["loc"] == ["victimas.csv", 8, "record_id"]
    assert stored(engine, CrimeVictimRecord) == 0


def test_counts_need_an_offence_mapping(client, analyst):
    upload(client, analyst, "territories", TERRITORIES_CSV, "territorios.csv")
    response = upload(client, analyst, "counts", homicides_csv(), "h.csv", source="police", unit="victims")
    assert response.status_code == 422
    assert response.json()["code"] == "no_offence_mapping"


# --- rates ----------------------------------------------------------------------------------------------


def rates(client, account, path: str = "rates", **params):
    return client.get(f"{CRIME}/{path}", params=params, headers=account.headers)


def test_homicide_rate_of_the_published_example_end_to_end(client, homicides, country):
    response = rates(client, country, iccs="0101", year=2025, source="police")
    assert response.status_code == 200, response.text
    [row] = response.json()["rows"]
    assert (row["count"], row["population"]) == (TOTAL_HOMICIDES, TOTAL_POPULATION)
    assert round(row["rate"], 1) == 85.5
    assert row["rate"] == pytest.approx(7172 * 100_000 / 8_385_072, rel=1e-12)
    assert (row["territory"], row["source"], row["unit"], row["population_version"], row["iccs_scope"]) == (
        "XX", "police", "victims", "pop-2025", "0101"
    )


def test_sdg_16_1_1_refuses_counts_of_recorded_offences(client, country):
    upload(client, country, "counts", homicides_csv(), "h.csv", source="police", unit="recorded_offences")
    response = rates(client, country, "rates/homicide", year=2025)
    assert response.status_code == 422
    assert response.json()["code"] == "no_counts"


# --- roles -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["enumerator", "designer", "supervisor", "admin"])
def test_roles_without_crime_permissions_are_refused(client, make_account, role):
    account = make_account(role)
    imported = upload(client, account, "territories", TERRITORIES_CSV, "territorios.csv")
    assert imported.status_code == 403
    assert imported.json()["code"] == "permission_denied"
    for path in ("territories", "batches", "population", "mappings"):
        assert client.get(f"{CRIME}/{path}", headers=account.headers).status_code == 403
    assert rates(client, account, iccs="0101", year=2025).status_code == 403


def test_anonymous_requests_are_401(client):
    assert client.get(f"{CRIME}/territories").status_code == 401

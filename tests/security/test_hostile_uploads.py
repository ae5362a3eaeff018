"""Hostile and broken files: each gets a clear 4xx, is refused before it is unpacked or loaded,
and leaves nothing behind (no rows, no temporary files).

Memory is measured with tracemalloc around the request, only to prove the service refuses a
bomb from its declared size instead of inflating it; no test asserts a time.
"""

import io
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlmodel import Session, func, select

from api.crime.models import CrimeTerritory
from api.estimates.models import Dataset
from api.files import MAX_WORKBOOK_UNPACKED_BYTES
from api.instruments.models import Instrument
from tests.api.crime_files import xlsx

UNPACKED_SHEET = 100 * 1024 * 1024
# A refusal from the declared size allocates a small fraction of what inflating would.
MEMORY_BOUND = 16 * 1024 * 1024
CRIME_UPLOAD = "/api/v1/crime/territories"


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def zip_bomb() -> bytes:
    """A workbook whose one sheet unpacks to 100 MB of spaces: about 100 KB on the wire."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(UNPACKED_SHEET // len(chunk)):
                sheet.write(chunk)
    return out.getvalue()


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """The process's temporary directory for this test alone, so that anything left is ours."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def peak_memory(send):
    tracemalloc.start()
    try:
        response = send()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


@pytest.fixture
def designer(make_account):
    return make_account("designer")


@pytest.fixture
def analyst(make_account):
    return make_account("analyst")


def upload_form(client, account, name: str, data: bytes):
    return client.post("/api/v1/instruments", headers=account.headers, files={"file": (name, data)})


# --- XLSForm uploads ------------------------------------------------------------------------------


def test_the_bomb_is_small_on_the_wire_and_huge_unpacked(bomb):
    assert len(bomb) < 1024 * 1024
    assert sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > MAX_WORKBOOK_UNPACKED_BYTES


@pytest.mark.parametrize("path", ["/api/v1/instruments", "/api/v1/instruments/validate"])
def test_zip_bomb_form_is_413_before_it_is_unpacked(client, designer, engine, bomb, path):
    response, peak = peak_memory(
        lambda: client.post(path, headers=designer.headers, files={"file": ("form.xlsx", bomb)})
    )
    assert response.status_code == 413
    assert response.json()["code"] == "workbook_too_large"
    assert peak < MEMORY_BOUND, f"{peak} bytes allocated refusing a bomb"
    assert count(engine, Instrument) == 0


def test_not_a_zip_is_422_unreadable(client, designer, engine):
    response = upload_form(client, designer, "form.xlsx", b"PK\x03\x04 this is not a zip archive" * 10)
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "unreadable_file"
    assert count(engine, Instrument) == 0


def test_formula_cells_are_422_naming_the_cell(client, designer, engine):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    sheet.append(["text", "q1", '=HYPERLINK("http://attacker.example","x")'])
    data = io.BytesIO()
    book.save(data)
    response = upload_form(client, designer, "form.xlsx", data.getvalue())
    assert response.status_code == 422
    [problem] = [p for p in response.json()["errors"] if p["type"] == "formula_cell"]
    assert "C2" in problem["msg"]
    assert count(engine, Instrument) == 0


def test_ten_thousand_columns_are_422(client, designer, engine):
    header = ["type", "name", "label", *[f"extra_{i}" for i in range(10_000)]]
    response = upload_form(client, designer, "form.xlsx", xlsx([header, ["text", "q1", "Q1"]]))
    assert response.status_code == 422
    assert "too_many_columns" in {p["type"] for p in response.json()["errors"]}
    assert count(engine, Instrument) == 0


@pytest.mark.parametrize("name", ["form.csv", "form.md"])
@pytest.mark.parametrize("data", ["survey,type,name\n,text,q\u00f1\n".encode("latin-1"), b"\xff\xfe\x00s\x00u", b"\xc3("],
                         ids=["latin-1", "utf-16", "truncated-utf-8"])
def test_text_forms_in_a_broken_encoding_are_422(client, designer, engine, name, data):
    response = upload_form(client, designer, name, data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "unreadable_file"
    assert count(engine, Instrument) == 0


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "${q1}.__class__.__mro__",
        "eval('1')",
        "(" * 500 + "1" + ")" * 500,
    ],
)
def test_expressions_escaping_the_evaluator_or_nesting_deep_are_422_at_their_cell(client, designer, engine,
                                                                                 expression):
    response = upload_form(client, designer, "form.csv", form_with_relevant(expression))
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["errors"]] == [["survey", 3, "relevant"]]
    assert count(engine, Instrument) == 0
    assert not Path("/tmp/pwned").exists()


def test_an_exponential_regex_is_accepted_because_re2_runs_it_in_linear_time(client, designer):
    response = upload_form(client, designer, "form.csv", form_with_relevant("regex(${q1}, '(a+)+$')"))
    assert response.status_code == 201, response.text


def form_with_relevant(expression: str) -> bytes:
    return (f'survey,type,name,label,relevant\n,text,q1,Q1,\n,text,q2,Q2,"{expression}"\n'
            "settings,form_id,version,title\n,hostile,1,Hostile\n").encode()


# --- admin-data uploads ---------------------------------------------------------------------------


def test_zip_bomb_crime_workbook_is_413_and_leaves_no_temporary_files(client, analyst, engine, bomb, scratch):
    response, peak = peak_memory(
        lambda: client.post(CRIME_UPLOAD, headers=analyst.headers, files={"file": ("territorios.xlsx", bomb)})
    )
    assert response.status_code == 413
    assert response.json()["code"] == "workbook_too_large"
    assert peak < MEMORY_BOUND
    assert count(engine, CrimeTerritory) == 0
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("territorios.xlsx", b"not a zip at all", "unreadable_file"),
        ("territorios.xlsx", xlsx([["code", "name", "level", *(f"x{i}" for i in range(10_000))]]), "too_many_columns"),
        ("territorios.csv", ("code,name,level," + ",".join(f"x{i}" for i in range(10_000))).encode(), "too_many_columns"),
        ("territorios.csv", "code,name,level,parent_code\nXX,Ni\u00f1a,country,\n".encode("utf-16"), "bad_encoding"),
        ("territorios.csv", b"code,name,level,parent_code\nXX,\xff\xfe,country,\n", "bad_encoding"),
    ],
    ids=["not-a-zip", "xlsx-10000-columns", "csv-10000-columns", "utf-16", "invalid-utf-8"],
)
def test_broken_crime_files_are_422_and_leave_nothing(client, analyst, engine, name, data, code, scratch):
    response = client.post(CRIME_UPLOAD, headers=analyst.headers, files={"file": (name, data)})
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert count(engine, CrimeTerritory) == 0
    assert list(scratch.iterdir()) == []


def test_a_parquet_bomb_is_413_from_its_footer(client, analyst, engine):
    table = pa.table({"x": pa.array(np.zeros(21_000_000, dtype=np.int8))})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    del table
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    response, peak = peak_memory(
        lambda: client.post("/api/v1/microdata", headers=analyst.headers, data={"name": "bomb"},
                            files={"file": ("bomb.parquet", data)})
    )
    assert response.status_code == 413
    assert response.json()["code"] == "microdata_too_large"
    assert peak < MEMORY_BOUND
    assert count(engine, Dataset) == 0


@pytest.mark.parametrize("name", ["data.parquet", "data.dta", "data.sav", "data.csv"])
def test_garbage_microdata_is_422_and_stores_nothing(client, analyst, engine, name, scratch):
    response = client.post("/api/v1/microdata", headers=analyst.headers, data={"name": "junk"},
                           files={"file": (name, b"\x00\xff garbage \xfe" * 100)})
    assert response.status_code == 422, response.text
    assert count(engine, Dataset) == 0
    assert list(scratch.iterdir()) == []


def test_microdata_file_names_are_stored_as_plain_base_names(client, analyst):
    response = client.post("/api/v1/microdata", headers=analyst.headers, data={"name": "ok"},
                           files={"file": ("../../etc/\u202epasswd.csv", b"w,y\n1,2\n2,3\n")})
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "_passwd.csv"

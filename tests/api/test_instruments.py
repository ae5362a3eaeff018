"""Instruments over HTTP: upload, problems, publish, immutability, retire, diff, downloads, roles."""

import defusedxml.ElementTree as SafeET
import pytest
from sqlmodel import Session, func, select

from api.instruments.models import InstrumentVersion
from survey_defs.instruments import bundled_instrument_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form(version: str = "1", extra_rows: str = "", form_id: str = "tiny") -> bytes:
    return (
        "| survey |\n| | type | name | label |\n| | integer | age | Age |\n"
        f"{extra_rows}"
        "| settings |\n| | form_id | version | form_title |\n"
        f"| | {form_id} | {version} | Tiny form |\n"
    ).encode()


def upload(client, account, data: bytes, filename: str = "tiny.md"):
    return client.post("/api/v1/instruments", files={"file": (filename, data)}, headers=account.headers)


def bundled(name: str) -> bytes:
    return bundled_instrument_path(name).read_bytes()


@pytest.fixture
def designer(make_account):
    return make_account("designer")


def versions_stored(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(InstrumentVersion)).one()


def test_designer_uploads_a_bundled_xlsform_as_a_draft(client, designer):
    response = upload(client, designer, bundled("perception"), "perception.xlsx")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft"
    assert body["form_id"] == "sinmiedo_perception"
    assert set(body["languages"]) == {"Español (es)", "English (en)"}
    assert len(body["content_hash"]) == 64
    assert body["definition"]["settings"]["form_id"] == "sinmiedo_perception"


def test_invalid_form_is_422_with_every_problem_located_and_nothing_stored(client, designer, engine):
    bad = form(extra_rows="| | intger | x | X |\n| | text | age | Again |\n| | text | y | ${nope} |\n")
    response = upload(client, designer, bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "instrument_invalid"
    codes = {error["type"] for error in body["errors"]}
    assert {"unknown_type", "duplicate_name"} <= codes
    unknown = next(e for e in body["errors"] if e["type"] == "unknown_type")
    assert (unknown["sheet"], unknown["row"], unknown["column"]) == ("survey", 3, "type")
    assert versions_stored(engine) == 0


def test_sensitive_form_without_safeguards_is_refused(client, designer, engine):
    unsafe = (
        "| survey |\n| | type | name | label | sensitive |\n| | select_one yn | hit | Ever hit? | yes |\n"
        "| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n| | yn | n | No |\n"
        "| settings |\n| | form_id | version | form_title |\n| | health | 1 | Health |\n"
    ).encode()
    response = upload(client, designer, unsafe, "unsafe.md")
    assert response.status_code == 422
    assert response.json()["code"] == "instrument_unsafe"
    assert {"missing_consent", "missing_referral"} <= {e["type"] for e in response.json()["errors"]}
    assert versions_stored(engine) == 0


def test_bundled_vawg_form_is_accepted_by_the_safety_validator(client, designer):
    response = upload(client, designer, bundled("vawg"), "vawg.xlsx")
    assert response.status_code == 201, response.text
    assert response.json()["sensitive"] is True


def test_validate_endpoint_reports_without_storing(client, designer, engine):
    response = client.post(
        "/api/v1/instruments/validate", files={"file": ("f.md", form(extra_rows="| | intger | x | X |\n"))},
        headers=designer.headers,
    )
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert response.json()["problems"][0]["type"] == "unknown_type"
    ok = client.post("/api/v1/instruments/validate", files={"file": ("f.md", form())}, headers=designer.headers)
    assert ok.json()["valid"] is True and ok.json()["form_id"] == "tiny"
    assert versions_stored(engine) == 0


def test_publish_freezes_the_version_and_serves_its_xform(client, designer):
    upload(client, designer, form("1"))
    published = client.post("/api/v1/instruments/tiny/versions/1/publish", headers=designer.headers)
    assert published.status_code == 200
    body = published.json()
    assert body["status"] == "published" and body["published_at"] and len(body["xform_md5"]) == 32
    xform = client.get("/api/v1/instruments/tiny/versions/1/xform", headers=designer.headers)
    assert xform.status_code == 200
    assert xform.headers["content-type"].startswith("application/xml")
    root = SafeET.fromstring(xform.content)
    assert root.tag.endswith("html")
    import hashlib

    assert hashlib.md5(xform.content).hexdigest() == body["xform_md5"]


def test_editing_a_published_version_is_409(client, designer):
    upload(client, designer, form("1"))
    client.post("/api/v1/instruments/tiny/versions/1/publish", headers=designer.headers)
    changed = form("1", extra_rows="| | text | name2 | Another |\n")
    reupload = upload(client, designer, changed)
    assert reupload.status_code == 409
    assert reupload.json()["code"] == "version_immutable"
    put = client.put("/api/v1/instruments/tiny/versions/1", files={"file": ("t.md", changed)}, headers=designer.headers)
    assert put.status_code == 409
    again = client.post("/api/v1/instruments/tiny/versions/1/publish", headers=designer.headers)
    assert again.status_code == 409
    delete = client.delete("/api/v1/instruments/tiny/versions/1", headers=designer.headers)
    assert delete.status_code == 409


def test_a_draft_can_be_replaced_until_published(client, designer):
    first = upload(client, designer, form("1")).json()
    second = upload(client, designer, form("1", extra_rows="| | text | note2 | N |\n"))
    assert second.status_code == 201
    assert second.json()["content_hash"] != first["content_hash"]
    listing = client.get("/api/v1/instruments/tiny", headers=designer.headers).json()
    assert [v["version"] for v in listing["versions"]] == ["1"]


def test_put_refuses_a_file_of_another_version(client, designer):
    upload(client, designer, form("1"))
    response = client.put("/api/v1/instruments/tiny/versions/1", files={"file": ("t.md", form("2"))}, headers=designer.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "form_mismatch"


def test_published_versions_must_increase(client, designer):
    upload(client, designer, form("10"))
    client.post("/api/v1/instruments/tiny/versions/10/publish", headers=designer.headers)
    upload(client, designer, form("9"))
    response = client.post("/api/v1/instruments/tiny/versions/9/publish", headers=designer.headers)
    assert response.status_code == 409
    assert response.json()["code"] == "version_not_increasing"
    upload(client, designer, form("11"))
    assert client.post("/api/v1/instruments/tiny/versions/11/publish", headers=designer.headers).status_code == 200


def test_retire_keeps_the_version_readable(client, designer, make_account):
    upload(client, designer, form("1"))
    client.post("/api/v1/instruments/tiny/versions/1/publish", headers=designer.headers)
    retired = client.post("/api/v1/instruments/tiny/versions/1/retire", headers=designer.headers)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    analyst = make_account("analyst")
    assert client.get("/api/v1/instruments/tiny/versions/1", headers=analyst.headers).status_code == 200


def test_drafts_are_invisible_to_enumerators_and_analysts(client, designer, make_account):
    upload(client, designer, form("1"))
    for role in ("enumerator", "analyst", "supervisor"):
        reader = make_account(role)
        assert client.get("/api/v1/instruments/tiny/versions/1", headers=reader.headers).status_code == 404
        assert client.get("/api/v1/instruments", headers=reader.headers).json()["total"] == 0
    client.post("/api/v1/instruments/tiny/versions/1/publish", headers=designer.headers)
    enumerator = make_account("enumerator")
    assert client.get("/api/v1/instruments/tiny/versions/1", headers=enumerator.headers).status_code == 200
    assert client.get("/api/v1/instruments", headers=enumerator.headers).json()["total"] == 1


@pytest.mark.parametrize("role", ["enumerator", "analyst", "supervisor"])
def test_only_designers_and_admins_change_instruments(client, make_account, role):
    account = make_account(role)
    response = upload(client, account, form("1"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_admin_may_upload(client, make_account):
    assert upload(client, make_account("admin"), form("1")).status_code == 201


def test_diff_lists_added_removed_and_changed_questions(client, designer):
    upload(client, designer, form("1", extra_rows="| | text | old_q | Old |\n"))
    client.post("/api/v1/instruments/tiny/versions/1/publish", headers=designer.headers)
    upload(client, designer, form("2", extra_rows="| | text | new_q | New |\n").replace(b"| Age |", b"| Age in years |"))
    response = client.get("/api/v1/instruments/tiny/diff?from=1&to=2", headers=designer.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["added"] == ["new_q"]
    assert body["removed"] == ["old_q"]
    assert [c["name"] for c in body["changed"]] == ["age"]


def test_download_returns_the_uploaded_file_unchanged(client, designer):
    data = bundled("victimization")
    upload(client, designer, data, "victimization.xlsx")
    form_id = "sinmiedo_victimization"
    version = client.get(f"/api/v1/instruments/{form_id}", headers=designer.headers).json()["versions"][0]["version"]
    response = client.get(f"/api/v1/instruments/{form_id}/versions/{version}/xlsform", headers=designer.headers)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == XLSX
    assert "attachment" in response.headers["content-disposition"]


def test_preview_renders_questions_and_languages(client, designer):
    upload(client, designer, bundled("perception"), "perception.xlsx")
    listing = client.get("/api/v1/instruments/sinmiedo_perception", headers=designer.headers).json()
    version = listing["versions"][0]["version"]
    response = client.get(f"/api/v1/instruments/sinmiedo_perception/versions/{version}/preview", headers=designer.headers)
    assert response.status_code == 200
    assert "feel_safe_dark" in response.text


def test_unknown_instrument_is_404(client, designer):
    response = client.get("/api/v1/instruments/nothing/versions/1", headers=designer.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "instrument_not_found"


def test_empty_upload_is_400(client, designer):
    response = client.post("/api/v1/instruments", files={"file": ("f.xlsx", b"")}, headers=designer.headers)
    assert response.status_code == 400
    assert response.json()["code"] == "empty_upload"


def test_garbage_bytes_named_xlsx_are_422_not_500(client, designer):
    response = upload(client, designer, b"PK\x03\x04 not really a zip", "bad.xlsx")
    assert response.status_code == 422
    assert response.json()["code"] == "instrument_invalid"

"""Drafts holding sensitive (VAWG) figures are read only by users with sensitive access until published."""

from sqlmodel import Session

from api.estimates.models import Dataset
from tests.api.release_data import add_table, cell, create_release, spec_body, table_body
from tests.api.test_estimates import analysis, upload


def sensitive_analysis(client, engine, account) -> int:
    dataset_id = upload(client, account).json()["id"]
    with Session(engine) as session:
        session.get(Dataset, dataset_id).sensitive = True
        session.commit()
    return analysis(client, account, dataset_id).json()["id"]


def draft_with_sensitive_tables(client, engine, author) -> int:
    release_id = create_release(client, author)
    vawg = table_body([cell(0.21, 400, age_group="15-29", level="any")], ["age_group"], indicator_id="sdg_5_2_1",
                      sensitive=True, sdmx_series="VC_VAW_MARR", sdmx_level="any")
    assert add_table(client, author, release_id, vawg).status_code == 201
    from_analysis = client.post(f"/api/v1/releases/{release_id}/tables/from-analysis", headers=author.headers, json={
        **spec_body(indicator_id="victims", sdmx_series=None, sdmx_level=None),
        "analysis_id": sensitive_analysis(client, engine, author),
        "request": {"statistic": "proportion", "variable": "sch.wide", "by": ["stype"]},
    })
    assert from_analysis.status_code == 201, from_analysis.text
    assert from_analysis.json()["spec"]["sensitive"] is False  # sensitive by its data, not by its spec
    plain = table_body([cell(0.41, 800, sex="total", level="safe")], ["sex"])
    assert add_table(client, author, release_id, plain).status_code == 201
    return release_id


def test_sensitive_draft_rows_are_hidden_from_analysts_without_sensitive_access(client, engine, make_account):
    author = make_account("analyst", sensitive_access=True)
    other = make_account("analyst")
    release_id = draft_with_sensitive_tables(client, engine, author)
    for reader, hidden in ((author, []), (other, ["t1", "t2"])):
        tables = client.get(f"/api/v1/releases/{release_id}", headers=reader.headers).json()["tables"]
        assert [t["id"] for t in tables if t["rows_withheld"]] == hidden
        assert all((t["rows"] == []) == t["rows_withheld"] for t in tables)
        listed = client.get("/api/v1/releases", headers=reader.headers).json()
        assert [t["rows"] == [] for t in listed[0]["tables"]] == [t["rows_withheld"] for t in tables]
    assert tables[2]["rows"][0]["estimate"] == 0.41  # the plain table stays readable


def test_sensitive_draft_is_previewed_and_published_only_with_sensitive_access(client, engine, make_account):
    author = make_account("analyst", sensitive_access=True)
    other = make_account("analyst")
    release_id = draft_with_sensitive_tables(client, engine, author)
    for attempt in (client.get(f"/api/v1/releases/{release_id}/preview", headers=other.headers),
                    client.post(f"/api/v1/releases/{release_id}/publish", headers=other.headers)):
        assert attempt.status_code == 403 and attempt.json()["code"] == "sensitive_access_required"
        assert "0.21" not in attempt.text
    assert client.get(f"/api/v1/releases/{release_id}", headers=other.headers).json()["status"] == "draft"
    assert client.get(f"/api/v1/releases/{release_id}/preview", headers=author.headers).status_code == 200
    published = client.post(f"/api/v1/releases/{release_id}/publish", headers=author.headers)
    assert published.status_code == 200, published.text
    # Published, the release is public (after disclosure control), so every analyst reads it.
    tables = client.get(f"/api/v1/releases/{release_id}", headers=other.headers).json()["tables"]
    assert not any(t["rows_withheld"] for t in tables)
    assert client.get(f"/api/v1/releases/{release_id}/preview", headers=other.headers).status_code == 200

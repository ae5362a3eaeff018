"""Release payloads shared by the release tests."""

from typing import Any

METADATA: dict[str, Any] = {
    "sample_design": {"description": "Stratified two-stage cluster sample, one respondent per household"},
    "fieldwork": {"start": "2026-02-01", "end": "2026-04-15"},
    "sample": {"interviews_completed": 2246, "response_rate": 0.624, "response_rate_definition": "AAPOR RR3"},
    "weighting": {"steps": ["base weights", "raking to sex x age"], "population": {"source": "INE projection 2026"}},
    "instrument_versions": [{"form_id": "sinmiedo_victimization", "version": "2026.1"}],
    "indicators": [
        {"indicator_id": "sdg_16_1_4", "definition": "Feel safe walking alone after dark",
         "counting_rule": "(very safe + safe) over all respondents"},
        {"indicator_id": "sdg_5_2_1", "definition": "Intimate partner violence, previous 12 months"},
        {"indicator_id": "victims", "definition": "Estimated number of victims"},
        {"indicator_id": "sdg_16_1_1", "definition": "Homicide victims per 100,000"},
    ],
    "administrative_sources": [{"series": "homicides 2025", "source": "National Police"}],
    "ref_area": "XX",
}


def release_body(**changes: Any) -> dict[str, Any]:
    body = {
        "title": {"en": "Safety survey, 2026 wave", "es": "Encuesta de seguridad, ola 2026"},
        "wave": "2026", "reference_period": "2025", "quality_profile": "min_base", "metadata": METADATA,
        "comparisons": [{"territory": "Norte", "period": "2025", "indicator_id": "robbery", "survey_estimate": 8120.0,
                         "survey_ci_low": 6830.0, "survey_ci_high": 9410.0, "recorded_count": 3120,
                         "recorded_rate": 775.9, "source": "National Police", "dark_figure": 0.932,
                         "recording_ratio": 0.0955, "recording_ratio_ci_low": 0.0824,
                         "recording_ratio_ci_high": 0.1136}],
    }
    body.update(changes)
    return body


def cell(estimate: float | None, n: int, **keys: Any) -> dict[str, Any]:
    se = None if estimate is None else abs(estimate) * 0.05
    return {**keys, "level": keys.pop("level", None), "estimate": estimate, "se": se,
            "ci_low": None if se is None else estimate - 1.96 * se, "ci_high": None if se is None else estimate + 1.96 * se,
            "cv": None if se is None or not estimate else se / abs(estimate), "deff": 1.5, "df": 60, "n": n,
            "weighted_n": n * 100.0, "flag": None}


def table_body(rows: list[dict[str, Any]], disaggregation: list[str], **changes: Any) -> dict[str, Any]:
    body = {"indicator_id": "sdg_16_1_4", "title": {"en": "Feel safe after dark", "es": "Se siente seguro de noche"},
            "unit": "proportion", "statistic": "proportion", "sdmx_series": "VC_SNS_WALN_DRK", "sdmx_level": "safe",
            "disaggregation": disaggregation, "counting_rule": "(very safe + safe) over all respondents", "rows": rows}
    body.update(changes)
    return body


def spec_body(**changes: Any) -> dict[str, Any]:
    """A table from an analysis: the descriptive fields, without statistic, disaggregation or rows."""
    body = {k: v for k, v in table_body([], []).items() if k not in ("statistic", "disaggregation", "rows")}
    return {**body, **changes}


def safety_rows(female_n: int = 400) -> list[dict[str, Any]]:
    """Feel safe by sex, with a total group; levels safe/unsafe sum to one in each group."""
    rows = []
    for sex, safe, n in (("female", 0.35, female_n), ("male", 0.48, 390), ("total", 0.41, female_n + 390)):
        rows.append(cell(safe, n, sex=sex, level="safe"))
        rows.append(cell(round(1 - safe, 2), n, sex=sex, level="unsafe"))
    return rows


def create_release(client, account, **changes: Any) -> int:
    response = client.post("/api/v1/releases", json=release_body(**changes), headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def add_table(client, account, release_id: int, body: dict[str, Any]):
    return client.post(f"/api/v1/releases/{release_id}/tables", json=body, headers=account.headers)


def published_release(client, account, rows=None, disaggregation=("sex",), **table_changes: Any) -> dict[str, Any]:
    release_id = create_release(client, account)
    added = add_table(client, account, release_id,
                      table_body(safety_rows() if rows is None else rows, list(disaggregation), **table_changes))
    assert added.status_code == 201, added.text
    published = client.post(f"/api/v1/releases/{release_id}/publish", headers=account.headers)
    assert published.status_code == 200, published.text
    return published.json()

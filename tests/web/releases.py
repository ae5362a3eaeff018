"""Three published releases for the dashboard tests, built from the contract example
(fixtures/release_example.json) and published through the real API:

1. wave 2025, its t1 has a cell the inegi profile flags (CV 18%: "caution:cv"), and a comparison
   whose territory reads as a spreadsheet formula;
2. wave 2026 as first published;
3. a correction of 2 (the example's own numbers), whose t2 has a cell under the minimum base and
   so also a complementary suppression.

The trend across waves must therefore show 2025 (release 1) and 2026 as corrected (release 3).
"""

import json
from pathlib import Path
from typing import Any

import httpx2 as httpx

EXAMPLE = json.loads((Path(__file__).parent / "fixtures" / "release_example.json").read_text())
ROW_FIELDS = ("level", "estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "n", "weighted_n")
TABLE_FIELDS = ("indicator_id", "title", "unit", "source", "sdmx_series", "sensitive", "disaggregation", "counting_rule")
ADMINISTRATIVE_SOURCE = EXAMPLE["metadata"]["administrative_sources"][0]["source"]
FLAGGED_CV = 0.18
SMALL_BASE = 12
# A territory name a spreadsheet would run as a formula: downloads must defuse it.
FORMULA_COMPARISON = {**EXAMPLE["comparisons"][1], "territory": '=HYPERLINK("http://example.invalid","Este")'}


def _row(example_row: dict[str, Any], disaggregation: list[str]) -> dict[str, Any]:
    return {**{column: example_row[column] for column in disaggregation}, **{f: example_row[f] for f in ROW_FIELDS}}


def _scaled(row: dict[str, Any], factor: float) -> dict[str, Any]:
    scaled = dict(row)
    for field in ("estimate", "ci_low", "ci_high"):
        if scaled[field] is not None:
            scaled[field] = round(scaled[field] * factor, 6)
    return scaled


def _age_rows() -> list[dict[str, Any]]:
    """t2 by age group with a total row, so that a small cell forces a complementary suppression."""
    ages = [("15-29", 0.214, 301), ("30-49", 0.262, 455), ("50-64", 0.241, SMALL_BASE), ("65+", 0.188, 120)]
    rows = [{"age_group": age, "level": "any", "estimate": p, "se": 0.019, "ci_low": round(p - 0.037, 6),
             "ci_high": round(p + 0.037, 6), "cv": round(0.019 / p, 6), "deff": 1.6, "df": 58, "n": n,
             "weighted_n": n * 466.0} for age, p, n in ages]
    rows.append({"age_group": "total", "level": "any", "estimate": 0.236, "se": 0.011, "ci_low": 0.214, "ci_high": 0.258,
                 "cv": 0.046, "deff": 1.6, "df": 58, "n": 888, "weighted_n": 413808.0})
    return rows


def _tables(wave_factor: float, flag_cell: bool) -> list[dict[str, Any]]:
    tables = []
    for example in EXAMPLE["tables"]:
        spec = {field: example[field] for field in TABLE_FIELDS}
        spec["statistic"] = "proportion" if example["unit"] == "proportion" else "ratio"
        if example["source"] == "administrative":
            spec["administrative_source"] = ADMINISTRATIVE_SOURCE
        if example["id"] == "t2":
            rows = _age_rows()
        else:
            rows = [_scaled(_row(r, example["disaggregation"]), wave_factor) for r in example["rows"]]
        if flag_cell and example["id"] == "t1":
            rows[2]["cv"] = FLAGGED_CV  # Sur, total
        tables.append({**spec, "rows": rows})
    return tables


def _release(title_suffix: str, wave: str, period: str, *, factor: float, flag_cell: bool,
             corrects: int | None = None, extra_comparisons: tuple[dict[str, Any], ...] = ()) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    body = {
        "title": {language: EXAMPLE["title"][language].replace(EXAMPLE["wave"], wave) + title_suffix for language in ("en", "es")},
        "wave": wave,
        "reference_period": period,
        "quality_profile": "inegi",
        "metadata": {k: v for k, v in EXAMPLE["metadata"].items() if k != "analyses"},
        "comparisons": EXAMPLE["comparisons"] + list(extra_comparisons),
    }
    if corrects is not None:
        body |= {"corrects": corrects, "changes": EXAMPLE["changes"]}
    return body, _tables(factor, flag_cell)


def releases() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    return [
        _release("", "2025", "2024-10-01/2025-09-30", factor=0.9, flag_cell=True,
                 extra_comparisons=(FORMULA_COMPARISON,)),
        _release("", "2026", "2025-10-01/2026-09-30", factor=1.05, flag_cell=False),
        _release(" (corrected)", "2026", "2025-10-01/2026-09-30", factor=1.0, flag_cell=False, corrects=2),
    ]


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    return response.json()


def publish_all(http: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Create, fill and publish every release in order through `http` (a client of the app);
    returns the published documents."""
    published = []
    for body, tables in releases():
        release_id = _ok(http.post("/api/v1/releases", json=body, headers=headers))["id"]
        for table in tables:
            _ok(http.post(f"/api/v1/releases/{release_id}/tables", json=table, headers=headers))
        published.append(_ok(http.post(f"/api/v1/releases/{release_id}/publish", headers=headers)))
    return published

"""Open-data forms of a published release document: table CSV, SDMX-CSV and a Frictionless data
package. They read the document only, never the database."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from api.files import escape_cell

ROW_TAIL = ("level", "estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "n", "weighted_n", "flag",
            "suppressed", "suppression_reason")
NUMBER_COLUMNS = {"estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "weighted_n"}

SDMX_DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.0)"
SDMX_COLUMNS = ("DATAFLOW", "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "TIME_PERIOD", "SEX", "AGE", "OBS_VALUE",
                "UNIT_MEASURE", "OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND", "COMMENT_OBS")
# Columns of a table that map onto SDG DSD dimensions; tables disaggregated by anything else have
# no SDG representation and stay out of the SDMX export (they are in the CSV and the data package).
SDMX_DIMENSIONS = {"territory": "REF_AREA", "sex": "SEX", "age_group": "AGE", "period": "TIME_PERIOD"}
SDMX_SEX = {"female": "F", "f": "F", "mujer": "F", "women": "F", "male": "M", "m": "M", "hombre": "M", "men": "M"}
SDMX_UNITS = {"proportion": ("PERCENT", 100.0), "percent": ("PERCENT", 1.0), "count": ("NUMBER", 1.0),
              "rate_per_100000": ("PER_100000_POP", 1.0)}


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(name) for name in header])
    for row in rows:
        writer.writerow(["" if value is None else escape_cell(value) for value in row])
    return out.getvalue()


def table_columns(table: dict[str, Any]) -> list[str]:
    return [*table["disaggregation"], *ROW_TAIL]


def table_csv(table: dict[str, Any]) -> str:
    columns = table_columns(table)
    return _csv(columns, ([row[c] for c in columns] for row in table["rows"]))


def _sdmx_age(label: str, total_label: str) -> str:
    if label == total_label:
        return "_T"
    if match := re.fullmatch(r"(\d+)\s*-\s*(\d+)", label):
        return f"Y{match[1]}T{match[2]}"
    if match := re.fullmatch(r"(\d+)\s*\+", label):
        return f"Y_GE{match[1]}"
    return label


def _sdmx_code(dimension: str, value: Any, total_label: str) -> str:
    text = str(value)
    if dimension == "SEX":
        return "_T" if text == total_label else SDMX_SEX.get(text.lower(), text)
    if dimension == "AGE":
        return _sdmx_age(text, total_label)
    return "_T" if text == total_label else text


def _obs_status(row: dict[str, Any]) -> str:
    if row["suppressed"]:
        return "M"  # missing: withheld by disclosure control (CONF_STATUS says why)
    flag = row["flag"] or ""
    return "A" if flag in ("reliable", "not_assessed") else "U"  # U: low reliability


def sdmx_rows(doc: dict[str, Any]) -> Iterable[list[Any]]:
    ref_area = doc["metadata"].get("ref_area") or "_T"
    for table in doc["tables"]:
        if not set(table["disaggregation"]) <= set(SDMX_DIMENSIONS):
            continue
        unit, scale = SDMX_UNITS.get(table["unit"], (table["unit"].upper(), 1.0))
        for row in table["rows"]:
            # One observation per series key: the level the series measures (none for means and totals).
            if row["level"] != table["sdmx_level"]:
                continue
            codes = {"REF_AREA": ref_area, "TIME_PERIOD": doc["reference_period"], "SEX": "_T", "AGE": "_T"}
            for column in table["disaggregation"]:
                dimension = SDMX_DIMENSIONS[column]
                codes[dimension] = _sdmx_code(dimension, row[column], table["total_label"])

            def scaled(value: float | None) -> float | None:
                return None if value is None else value * scale

            yield [SDMX_DATAFLOW, "A", "N", table["sdmx_series"] or table["indicator_id"], codes["REF_AREA"],
                   codes["TIME_PERIOD"], codes["SEX"], codes["AGE"], scaled(row["estimate"]), unit, _obs_status(row),
                   "C" if row["suppressed"] else "F", scaled(row["ci_low"]), scaled(row["ci_high"]),
                   row["suppression_reason"] or row["flag"]]


def sdmx_csv(doc: dict[str, Any]) -> str:
    return _csv(SDMX_COLUMNS, sdmx_rows(doc))


def _field_type(column: str, table: dict[str, Any]) -> str:
    if column in NUMBER_COLUMNS:
        return "number"
    if column == "n":
        return "integer"
    if column == "suppressed":
        return "boolean"
    values = {type(row[column]) for row in table["rows"] if row[column] is not None}
    return "integer" if values == {int} else "string"


def _resource_name(table_id: str) -> str:
    return re.sub(r"[^a-z0-9._-]", "-", table_id.lower())


def datapackage(doc: dict[str, Any]) -> dict[str, Any]:
    """A Frictionless Tabular Data Package; resource paths are relative to the package URL."""
    resources = []
    for table in doc["tables"]:
        fields = [{"name": column, "type": _field_type(column, table)} for column in table_columns(table)]
        resources.append({
            "name": _resource_name(table["id"]),
            "path": f"tables/{table['id']}.csv",
            "profile": "tabular-data-resource",
            "title": table["title"]["en"],
            "description": table["title"]["es"],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields, "missingValues": [""]},
            "sources": [{"title": table["administrative_source"] or "survey"}],
        })
    return {
        "profile": "tabular-data-package",
        "name": doc["slug"],
        "id": doc["content_sha256"],
        "title": doc["title"]["en"],
        "description": doc["title"]["es"],
        "created": doc["published_at"],
        "resources": resources,
    }

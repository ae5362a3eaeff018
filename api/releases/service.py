"""Release rules: drafts are assembled and previewed; publishing applies the quality profile and
disclosure control to every cell, freezes the document with a number and content hash, and from
then on the release answers 409 to any change. Public readers see only published documents."""

import hashlib
import json
import math
import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.audit import service as audit
from api.db_types import utcnow
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.estimates import service as estimates
from api.estimates.schemas import EstimateIn
from api.releases import repository
from api.releases.models import Release, ReleaseTable
from api.releases.schemas import (
    PublishedRelease,
    ReleaseCreate,
    ReleaseUpdate,
    TableFromAnalysis,
    TableFromRows,
    TableSpec,
)
from api.users.models import User
from weighting import WeightingError
from weighting.disclosure import TableCells, protect_tables
from weighting.quality import PROFILES, MinimumBase, QualityProfile, get_profile
from weighting.results import EstimateRow

DRAFT, PUBLISHED = "draft", "published"
SENSITIVE_PROFILE = "vawg"
# Profiles without a minimum base of their own (inegi, nchs) still never publish a cell under this.
DEFAULT_MINIMUM_BASE = 30
NUMBER_FIELDS = ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "weighted_n")
WITHHELD_FIELDS = ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "n", "weighted_n")
ROW_FIELDS = ("level", *NUMBER_FIELDS, "n", "flag")
COMPLEMENTARY = "complementary"
SECONDARY_RULE = (
    "Complementary suppression within each table and across the tables of one indicator (same statistic, unit "
    "and population): relations are total rows or columns (cells sharing every other key add up to the cell "
    "labelled total, including totals that only another table publishes or that no table publishes) and, for "
    "proportions, the levels of each group (they sum to one); a figure published in two tables is withheld in "
    "both. While a suppressed cell follows exactly from published cells, the next cell withheld is taken from "
    "the relations that expose a cell on their own; it leaves the fewest cells exposed, then is an interior "
    "cell rather than a total, then has the smallest estimate, then comes first in the table."
)


def _editable(release: Release) -> None:
    if release.status != DRAFT:
        raise Conflict(f"Release {release.number} is published and immutable; publish a correction instead",
                       code="release_immutable")


def _check_profile(name: str) -> None:
    if name not in PROFILES:
        raise Unprocessable(f"No quality profile named '{name}'; use one of {', '.join(sorted(PROFILES))}",
                            code="unknown_quality_profile",
                            errors=[{"loc": ["body", "quality_profile"], "msg": "unknown profile", "type": "unknown_quality_profile"}])


def get_release(session: Session, release_id: int) -> Release:
    release = repository.get(session, release_id)
    if release is None:
        raise NotFound(f"No release {release_id}", code="release_not_found")
    return release


def create(session: Session, actor: User, data: ReleaseCreate) -> Release:
    _check_profile(data.quality_profile)
    if data.corrects is not None and repository.published(session, data.corrects) is None:
        raise Unprocessable(f"Release {data.corrects} is not a published release, so it cannot be corrected",
                            code="corrected_release_not_found",
                            errors=[{"loc": ["body", "corrects"], "msg": "not published", "type": "corrected_release_not_found"}])
    release = Release(
        title_en=data.title.en, title_es=data.title.es, wave=data.wave, reference_period=data.reference_period,
        quality_profile=data.quality_profile, release_metadata=data.metadata.model_dump(mode="json"),
        comparisons=[c.model_dump() for c in data.comparisons], corrects=data.corrects, changes=data.changes,
        created_by=actor.id,
    )
    repository.add(session, release)
    audit.record(session, actor, "release.create", "release", release.id, {"corrects": data.corrects})
    return release


def update(session: Session, actor: User, release_id: int, data: ReleaseUpdate) -> Release:
    release = get_release(session, release_id)
    _editable(release)
    changed = data.model_dump(exclude_unset=True, mode="json")
    if changed.get("quality_profile") is not None:
        _check_profile(changed["quality_profile"])
    if "changes" in changed and (release.corrects is None) != (not (data.changes and data.changes.strip())):
        raise Unprocessable("Only a correction says what changed, and it must", code="changes_mismatch",
                            errors=[{"loc": ["body", "changes"], "msg": "a correction needs it; a first release has none",
                                     "type": "changes_mismatch"}])
    for key, value in changed.items():
        if value is None:
            continue
        if key == "title":
            release.title_en, release.title_es = value["en"], value["es"]
        elif key == "metadata":
            release.release_metadata = value
        else:
            setattr(release, key, value)
    repository.add(session, release)
    audit.record(session, actor, "release.update", "release", release.id, {"fields": sorted(changed)})
    return release


def delete_draft(session: Session, actor: User, release_id: int) -> None:
    release = get_release(session, release_id)
    _editable(release)
    repository.delete(session, release)
    audit.record(session, actor, "release.delete", "release", release_id, None)


def _problem(index: int, field: str, message: str, code: str) -> dict[str, Any]:
    return {"loc": ["body", "rows", index, field], "msg": message, "type": code}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def clean_rows(rows: list[dict[str, Any]], disaggregation: list[str]) -> list[dict[str, Any]]:
    """Rows in the contract's field order, or 422 naming every bad row and field."""
    allowed = {*disaggregation, *ROW_FIELDS}
    reserved = sorted(set(disaggregation) & {*ROW_FIELDS, "suppressed", "suppression_reason"})
    if reserved or len(set(disaggregation)) != len(disaggregation):
        raise Unprocessable(f"Disaggregation columns must be distinct and not named like row fields: {reserved}",
                            code="reserved_column",
                            errors=[{"loc": ["body", "disaggregation"], "msg": "reserved or repeated name",
                                     "type": "reserved_column"}])
    problems: list[dict[str, Any]] = []
    cleaned, seen = [], set()
    for index, row in enumerate(rows):
        for key in sorted(set(row) - allowed):
            problems.append(_problem(index, key, "not a column of this table", "unknown_field"))
        for column in disaggregation:
            value = row.get(column)
            if not (isinstance(value, str) and value) and not (_is_number(value) and math.isfinite(value)):
                problems.append(_problem(index, column, "a disaggregation value (text or number) is required", "missing_value"))
        for field in ("estimate", "n"):
            if field not in row:
                problems.append(_problem(index, field, "required", "missing_field"))
        for field in NUMBER_FIELDS:
            value = row.get(field)
            if value is not None and (not _is_number(value) or not math.isfinite(value)):
                problems.append(_problem(index, field, "must be a finite number or null", "not_finite"))
        n = row.get("n")
        if n is not None and (not _is_number(n) or not math.isfinite(n) or n != int(n) or n < 0):
            problems.append(_problem(index, "n", "must be a whole number of respondents, 0 or more", "invalid_count"))
        level = row.get("level")
        if level is not None and not isinstance(level, str):
            problems.append(_problem(index, "level", "must be text or null", "invalid_level"))
        key = tuple(str(row.get(column)) for column in (*disaggregation, "level"))
        if key in seen:
            problems.append(_problem(index, "level", "a second row for the same cell", "duplicate_cell"))
        seen.add(key)
        cleaned.append({**{c: row.get(c) for c in disaggregation}, **{f: row.get(f) for f in ROW_FIELDS}})
    if problems:
        raise Unprocessable(f"The table has {len(problems)} problem(s)", code="invalid_table_rows", errors=problems)
    for row in cleaned:
        row["n"] = None if row["n"] is None else int(row["n"])
        for column in disaggregation:
            if isinstance(row[column], float) and row[column].is_integer():
                row[column] = int(row[column])  # a numeric code 1.0 is the category 1, as in weighting
    return cleaned


def _add_table(session: Session, release: Release, spec: dict[str, Any], rows: list[dict[str, Any]],
               origin: dict[str, Any] | None) -> ReleaseTable:
    existing = repository.tables(session, release.id)
    position = max((t.position for t in existing), default=0) + 1
    table = ReleaseTable(release_id=release.id, key=f"t{position}", position=position, spec=spec, origin=origin,
                         rows=rows)
    repository.add(session, table)
    return table


def add_rows_table(session: Session, actor: User, release_id: int, data: TableFromRows) -> ReleaseTable:
    release = get_release(session, release_id)
    _editable(release)
    rows = clean_rows(data.rows, data.disaggregation)
    table = _add_table(session, release, data.model_dump(exclude={"rows"}), rows, None)
    audit.record(session, actor, "release.table_add", "release", release.id, {"table": table.key, "rows": len(rows)})
    return table


def add_analysis_table(session: Session, actor: User, release_id: int, data: TableFromAnalysis) -> ReleaseTable:
    release = get_release(session, release_id)
    _editable(release)
    # Flags and suppression are applied at publication with the release's profile: store raw rows.
    request = EstimateIn.model_validate({**data.request.model_dump(), "quality": None})
    rows, _ = estimates.run_estimate(session, actor, data.analysis_id, request)
    analysis = estimates.get_analysis(session, data.analysis_id)
    dataset = estimates.get_dataset(session, analysis.dataset_id)
    spec = {**TableSpec.model_validate(data.model_dump()).model_dump(), "statistic": request.statistic,
            "disaggregation": list(request.by)}
    origin = {
        "analysis_id": analysis.id, "request": request.model_dump(),
        "analysis": {"name": analysis.name, "design": analysis.design, "steps": analysis.steps,
                     "dataset": {"name": dataset.name, "sha256": dataset.sha256, "n_rows": dataset.n_rows,
                                 "sensitive": dataset.sensitive}},
    }
    table = _add_table(session, release, spec, clean_rows(rows, list(request.by)), origin)
    audit.record(session, actor, "release.table_add", "release", release.id,
                 {"table": table.key, "analysis_id": analysis.id})
    return table


def delete_table(session: Session, actor: User, release_id: int, key: str) -> None:
    release = get_release(session, release_id)
    _editable(release)
    table = repository.table(session, release.id, key)
    if table is None:
        raise NotFound(f"Release {release_id} has no table '{key}'", code="table_not_found")
    repository.delete(session, table)
    audit.record(session, actor, "release.table_delete", "release", release.id, {"table": key})


def holds_sensitive(session: Session, table: ReleaseTable) -> bool:
    """A VAWG table, or one computed from a dataset holding sensitive answers (looked up when the
    table predates the origin recording it; a vanished analysis counts as sensitive)."""
    if table.spec.get("sensitive"):
        return True
    if not table.origin:
        return False
    recorded = table.origin.get("analysis", {}).get("dataset", {}).get("sensitive")
    if recorded is not None:
        return bool(recorded)
    try:
        analysis = estimates.get_analysis(session, table.origin["analysis_id"])
        return estimates.get_dataset(session, analysis.dataset_id).sensitive
    except NotFound:
        return True


def withheld_from(session: Session, actor: User, release: Release, tables: list[ReleaseTable]) -> set[str]:
    """Keys of the tables whose rows ``actor`` may not read: sensitive ones of a draft, for users
    without sensitive access. Published releases are public (after disclosure control)."""
    if release.status == PUBLISHED or actor.sensitive_access:
        return set()
    return {table.key for table in tables if holds_sensitive(session, table)}


def _check_may_read_all(session: Session, actor: User, release: Release, tables: list[ReleaseTable]) -> None:
    if withheld := withheld_from(session, actor, release, tables):
        raise Forbidden(f"Release {release.id} has sensitive tables ({', '.join(sorted(withheld))}); previewing "
                        "or publishing it needs sensitive access", code="sensitive_access_required")


def minimum_base(profile: QualityProfile) -> int:
    bases = [rule.min_n for rule in profile.rules if isinstance(rule, MinimumBase)]
    return max(bases, default=DEFAULT_MINIMUM_BASE)


def _assessable(row: dict[str, Any]) -> EstimateRow:
    return EstimateRow(by=(), **{field: row[field] for field in ROW_FIELDS if field != "flag"}, flag=None)


def _primary(spec: dict[str, Any], rows: list[dict[str, Any]], profile: QualityProfile) -> tuple[list[str], dict[int, str]]:
    """Each cell's flag, and the reason of each cell the profile withholds (under the minimum base or
    suppressed by a rule)."""
    base = minimum_base(profile)
    flags = [profile.flag(_assessable(row), spec["statistic"]) for row in rows]
    reasons: dict[int, str] = {}
    for index, (row, flag) in enumerate(zip(rows, flags, strict=True)):
        if row["n"] is None or row["n"] < base:
            reasons[index] = "min_base"
        elif flag.startswith("suppressed:"):
            reasons[index] = flag.partition(":")[2]
    return flags, reasons


def family(spec: dict[str, Any], origin: dict[str, Any] | None) -> str:
    """Tables measuring the same quantity: one indicator, statistic and unit over one population
    (the estimate request's domain and denominator when the table comes from an analysis). Their
    shared cells and margins are protected together."""
    request = (origin or {}).get("request") or {}
    return json.dumps([spec["indicator_id"], spec["statistic"], spec["unit"], request.get("variable"),
                       request.get("denominator"), request.get("domain") or {}], sort_keys=True, default=str)


def _key(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) else value  # 1 and "1" are the same category


def disclose_tables(tables: list[tuple[dict[str, Any], list[dict[str, Any]], QualityProfile, str]]) -> list[list[dict[str, Any]]]:
    """Flag every cell with its table's profile, suppress cells under the minimum base or that the
    profile suppresses, then the complementary cells that would give any of them away, within each
    table and across the tables of the same family (spec, rows, profile, family key)."""
    assessed = [None if spec["source"] == "administrative" else _primary(spec, rows, profile)
                for spec, rows, profile, _ in tables]
    withheld: dict[int, frozenset[int]] = {}
    reasons_by_key: dict[tuple[str, tuple[Any, ...]], str] = {}
    families: dict[str, list[int]] = {}
    for index, (spec, _rows, _profile, key) in enumerate(tables):
        if assessed[index] is not None:
            families.setdefault(key, []).append(index)
    for key, members in families.items():
        cells = []
        for index in members:
            spec, rows = tables[index][0], tables[index][1]
            dimensions = list(spec["disaggregation"])
            keys = [{**{d: _key(row[d]) for d in dimensions}, "level": row["level"]} for row in rows]
            # Totals are what readers use most: withheld only when no interior cell would do.
            costs = [(any(k[d] == spec["total_label"] for d in dimensions), abs(row["estimate"] or 0.0))
                     for k, row in zip(keys, rows, strict=True)]
            cells.append(TableCells(keys, dimensions, spec["total_label"], set(assessed[index][1]), costs))
            for position, reason in assessed[index][1].items():
                reasons_by_key.setdefault((key, _canonical(keys[position], spec)), reason)
        proportion = all(tables[i][0]["statistic"] == "proportion" for i in members)
        try:
            found = protect_tables(cells, extra=["level"], level_sums="level" if proportion else None)
        except WeightingError as error:
            raise Unprocessable(str(error), code=error.code) from error
        withheld.update(zip(members, found, strict=True))
    disclosed = []
    for index, (spec, rows, _profile, key) in enumerate(tables):
        if assessed[index] is None:
            disclosed.append([{**row, "flag": row["flag"] or "not_assessed", "suppressed": False,
                               "suppression_reason": None} for row in rows])
            continue
        flags, reasons = assessed[index]
        out_rows = []
        for position, (row, flag) in enumerate(zip(rows, flags, strict=True)):
            hidden = position in withheld[index]
            canonical = _canonical({**{d: _key(row[d]) for d in spec["disaggregation"]}, "level": row["level"]}, spec)
            reason = reasons.get(position) or reasons_by_key.get((key, canonical), COMPLEMENTARY)
            out = {**row, "flag": flag, "suppressed": hidden, "suppression_reason": reason if hidden else None}
            if hidden:
                out.update(dict.fromkeys(WITHHELD_FIELDS))
            out_rows.append(out)
        disclosed.append(out_rows)
    return disclosed


def _canonical(key: dict[str, Any], spec: dict[str, Any]) -> tuple[Any, ...]:
    """A cell's name shared by every table of its family: its non-total values and level."""
    return (tuple(sorted((d, v) for d, v in key.items() if d != "level" and v != spec["total_label"])), key["level"])


def disclose(spec: dict[str, Any], rows: list[dict[str, Any]], profile: QualityProfile) -> list[dict[str, Any]]:
    """One table on its own (see ``disclose_tables``)."""
    return disclose_tables([(spec, rows, profile, "")])[0]


def _check_publishable(release: Release, tables: list[ReleaseTable]) -> None:
    if not tables:
        raise Unprocessable("A release needs at least one table", code="empty_release")
    metadata = release.release_metadata
    defined = {entry["indicator_id"] for entry in metadata.get("indicators", [])}
    sources = {entry["source"] for entry in metadata.get("administrative_sources", [])}
    problems = []
    for table in tables:
        if table.spec["indicator_id"] not in defined:
            problems.append({"loc": ["tables", table.key, "indicator_id"], "type": "missing_indicator_definition",
                             "msg": f"metadata.indicators has no definition of '{table.spec['indicator_id']}'"})
        if table.spec["source"] == "administrative" and table.spec["administrative_source"] not in sources:
            problems.append({"loc": ["tables", table.key, "administrative_source"], "type": "missing_source",
                             "msg": f"metadata.administrative_sources does not list '{table.spec['administrative_source']}'"})
    if problems:
        raise Unprocessable("The release metadata does not cover every table", code="incomplete_metadata",
                            errors=problems)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def document(release: Release, tables: list[ReleaseTable], *, number: int | None, slug: str | None,
             published_at: datetime | None) -> dict[str, Any]:
    """The public form of a release (the shape the dashboard and open data read)."""
    profile = get_profile(release.quality_profile)
    sensitive = get_profile(SENSITIVE_PROFILE)
    used = [sensitive if table.spec["sensitive"] else profile for table in tables]
    disclosed = disclose_tables([(table.spec, table.rows, table_profile, family(table.spec, table.origin))
                                 for table, table_profile in zip(tables, used, strict=True)])
    published_tables = []
    for table, table_profile, rows in zip(tables, used, disclosed, strict=True):
        spec = table.spec
        published_tables.append({
            "id": table.key, "indicator_id": spec["indicator_id"], "title": spec["title"], "unit": spec["unit"],
            "source": spec["source"], "administrative_source": spec["administrative_source"],
            "sdmx_series": spec["sdmx_series"], "sdmx_level": spec["sdmx_level"], "sensitive": spec["sensitive"],
            "statistic": spec["statistic"], "quality_profile": None if spec["source"] == "administrative" else table_profile.name,
            "disaggregation": spec["disaggregation"], "total_label": spec["total_label"],
            "counting_rule": spec["counting_rule"],
            "column_labels": spec.get("column_labels", {}), "value_labels": spec.get("value_labels", {}), "rows": rows,
        })
    analyses = {t.origin["analysis_id"]: {"analysis_id": t.origin["analysis_id"], **t.origin["analysis"]}
                for t in tables if t.origin}
    metadata = {
        **release.release_metadata,
        "quality_profile": {"name": profile.name, "description": profile.description},
        "disclosure": {
            "minimum_base": minimum_base(profile), "sensitive_profile": sensitive.name,
            "sensitive_minimum_base": minimum_base(sensitive), "complementary_rule": SECONDARY_RULE,
            "withheld_fields": list(WITHHELD_FIELDS),
        },
        "analyses": list(analyses.values()),
    }
    doc = {
        "number": number, "slug": slug, "title": {"en": release.title_en, "es": release.title_es},
        "published_at": _iso(published_at), "corrects": release.corrects, "changes": release.changes,
        "wave": release.wave, "reference_period": release.reference_period,
        "quality_profile": release.quality_profile, "content_sha256": None, "metadata": metadata,
        "tables": published_tables, "comparisons": release.comparisons,
    }
    # In the served form (e.g. a df of 60 is 60.0), so the hash can be checked on what readers get.
    return PublishedRelease.model_validate(doc).model_dump(mode="json")


def content_sha256(doc: dict[str, Any]) -> str:
    canonical = json.dumps({k: v for k, v in doc.items() if k != "content_sha256"}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def slugify(number: int, title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return f"{number}-" + re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:100]


def preview(session: Session, actor: User, release_id: int) -> dict[str, Any]:
    release = get_release(session, release_id)
    if release.status == PUBLISHED:
        return release.document
    tables = repository.tables(session, release.id)
    _check_may_read_all(session, actor, release, tables)
    _check_publishable(release, tables)
    return document(release, tables, number=None, slug=None, published_at=None)


def publish(session: Session, actor: User, release_id: int) -> dict[str, Any]:
    release = get_release(session, release_id)
    _editable(release)
    tables = repository.tables(session, release.id)
    _check_may_read_all(session, actor, release, tables)
    _check_publishable(release, tables)
    number = repository.last_number(session) + 1
    published_at = utcnow()
    doc = document(release, tables, number=number, slug=slugify(number, release.title_en), published_at=published_at)
    doc["content_sha256"] = content_sha256(doc)
    release.status, release.number, release.slug = PUBLISHED, number, doc["slug"]
    release.document, release.content_sha256 = doc, doc["content_sha256"]
    release.published_at, release.published_by = published_at, actor.id
    try:
        with session.begin_nested():
            repository.add(session, release)
    except IntegrityError as error:  # another release took the number between our read and write
        raise Conflict("Another release was published at the same moment; publish again",
                       code="release_number_taken") from error
    audit.record(session, actor, "release.publish", "release", release.id,
                 {"number": number, "content_sha256": doc["content_sha256"]})
    return doc


def published_document(session: Session, number: int) -> dict[str, Any]:
    release = repository.published(session, number)
    if release is None:
        raise NotFound(f"No published release {number}", code="release_not_found")
    return release.document


def published_table(session: Session, number: int, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = published_document(session, number)
    for table in doc["tables"]:
        if table["id"] == key:
            return doc, table
    raise NotFound(f"Release {number} has no table '{key}'", code="table_not_found")


def indicator_series(session: Session, indicator_id: str, *, include_superseded: bool = False) -> dict[str, Any]:
    """The published tables of one indicator across releases, oldest reference period first: a
    correction replaces the release it corrects unless ``include_superseded``. Only what was
    published (flags, suppression) is returned, from the published documents alone."""
    released = repository.published_all(session)
    superseded = {release.corrects for release in released if release.corrects is not None}
    points = []
    for release in released:
        doc = release.document
        tables = [table for table in doc["tables"] if table["indicator_id"] == indicator_id]
        if not tables or (release.number in superseded and not include_superseded):
            continue
        points.append({
            "release": doc["number"], "slug": doc["slug"], "title": doc["title"], "wave": doc["wave"],
            "reference_period": doc["reference_period"], "published_at": doc["published_at"],
            "corrects": doc["corrects"], "superseded": release.number in superseded, "tables": tables,
        })
    if not points:
        raise NotFound(f"No published release has indicator '{indicator_id}'", code="indicator_not_published")
    points.sort(key=lambda point: (point["reference_period"], point["release"]))
    return {"indicator_id": indicator_id, "releases": points}

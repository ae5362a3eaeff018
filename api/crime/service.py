"""Importing police-recorded crime and its reference data, and reading them back (rates: api.crime.rates).

Every file, whether it comes over HTTP, from the CLI or from the demo, goes through the crime_data
readers here: a file with row problems is refused whole (422 listing every problem with file, line
and column) unless the analyst asks to skip bad rows, and then the skipped rows are kept on the batch.
The same file imported again into the same scope (same sha256) answers with the earlier batch.

Reference data is versioned rather than overwritten: population tables and offence mappings are
immutable per version label; the territory list only grows (a new list must keep every stored
territory as it is), because stored counts and population rows point at territories.
"""

import codecs
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from api.audit import service as audit
from api.crime import repository
from api.crime.models import (
    ALL_AGES,
    ALL_SEXES,
    CrimeCount,
    CrimeImportBatch,
    CrimeOffenceCode,
    CrimeOffenceMapping,
    CrimePopulationRow,
    CrimePopulationTable,
    CrimeTerritory,
    CrimeVictimRecord,
)
from api.errors import Conflict, NotFound, Unprocessable
from api.files import check_workbook_size, safe_filename
from api.users.models import User
from crime_data import (
    CrimeDataError,
    FileFormat,
    OffenceMapping,
    PopulationRow,
    PopulationTable,
    RecordedCount,
    RowProblem,
    Sex,
    Source,
    Territory,
    TerritoryHierarchy,
    TerritoryLevel,
    Unit,
    read_counts,
    read_incidents,
    read_offence_mapping,
    read_population,
    read_territories,
)
from crime_data.offences import MappedOffence

T = TypeVar("T")
MAX_LABEL_LENGTH = 100


class ImportKind(StrEnum):
    territories = "territories"
    population = "population"
    mapping = "mapping"
    counts = "counts"
    incidents = "incidents"


@dataclass(frozen=True)
class ImportedFile:
    """A file as received: its bytes, the base name it is reported under, and how to read it."""

    data: bytes
    name: str
    file_format: FileFormat = FileFormat()

    @classmethod
    def of(cls, data: bytes, name: str | None, file_format: FileFormat = FileFormat()) -> "ImportedFile":
        safe = safe_filename(name)
        if not safe.lower().endswith((".csv", ".xlsx")):
            raise Unprocessable(
                f"{safe or 'the file'}: only .csv and .xlsx files are read", code="unsupported_file_type"
            )
        if not data:
            raise Unprocessable(f"{safe}: the file is empty", code="empty_file")
        try:
            codecs.lookup(file_format.encoding)
        except LookupError:
            raise Unprocessable(f"{file_format.encoding!r} is not a known encoding", code="unknown_encoding") from None
        if len(file_format.delimiter) != 1:
            raise Unprocessable("the CSV delimiter must be one character", code="bad_delimiter")
        check_workbook_size(data, safe)
        return cls(data, safe, file_format)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ImportResult:
    batch: CrimeImportBatch
    created: bool  # False: the same file was already imported into the same scope; nothing changed


@dataclass(frozen=True)
class CountOptions:
    source: Source
    unit: Unit
    wide_by: tuple[str, ...] = ()  # empty: long layout
    separator: str = ":"
    mapping_version: str | None = None  # None: the latest mapping
    population_version: str | None = None  # given: every figure's territory must have a population
    sex_codes: Mapping[str, Sex] | None = None
    skip_invalid: bool = False


@dataclass(frozen=True)
class IncidentOptions:
    source: Source
    mapping_version: str | None = None
    population_version: str | None = None
    sex_codes: Mapping[str, Sex] | None = None
    skip_invalid: bool = False


# --- parsing the options users type ------------------------------------------------------------


def wide_dimensions(layout: str, wide_by: str | None) -> tuple[str, ...]:
    """`layout=long`, or `layout=wide` with `wide_by` such as "period" or "offence,sex"."""
    if layout == "long":
        if wide_by:
            raise Unprocessable("wide_by applies to the wide layout only", code="bad_layout")
        return ()
    if layout != "wide":
        raise Unprocessable(f"layout must be 'long' or 'wide', not {layout!r}", code="bad_layout")
    dimensions = tuple(part.strip() for part in (wide_by or "").split(",") if part.strip())
    if not dimensions:
        raise Unprocessable(
            "a wide file must say which dimensions its columns spread (wide_by, e.g. 'period' or 'offence,sex')",
            code="bad_layout",
        )
    return dimensions


def parse_sex_codes(text: str | None) -> dict[str, Sex] | None:
    """A file's own sex codes, e.g. "H=male,M=female"."""
    if not text:
        return None
    codes: dict[str, Sex] = {}
    for pair in text.split(","):
        code, _, meaning = pair.partition("=")
        try:
            codes[code.strip()] = Sex(meaning.strip().lower())
        except ValueError:
            raise Unprocessable(
                f"sex code {pair.strip()!r} should read CODE=female, CODE=male or CODE=unknown", code="bad_sex_codes"
            ) from None
        if not code.strip():
            raise Unprocessable(f"sex code {pair.strip()!r} has no code before '='", code="bad_sex_codes")
    return codes


def _label(value: str, what: str) -> str:
    label = value.strip()
    if not label or len(label) > MAX_LABEL_LENGTH:
        raise Unprocessable(f"a {what} needs a label of 1 to {MAX_LABEL_LENGTH} characters", code=f"bad_{what}_label")
    return label


# --- crime_data errors as problem+json -----------------------------------------------------------


def row_error(problem: RowProblem) -> dict[str, Any]:
    """A row problem in the `errors` shape: loc is [file, line, column] (column null for a whole row)."""
    error: dict[str, Any] = {
        "loc": [problem.location.file, problem.location.line, problem.column],
        "msg": problem.message,
        "type": problem.code,
    }
    if problem.location.sheet is not None:
        error["sheet"] = problem.location.sheet
    return error


def as_app_error(error: CrimeDataError) -> Unprocessable:
    if error.report is not None and error.report.problems:
        errors = [row_error(problem) for problem in error.report.problems]
    elif error.file is not None:
        errors = [{"loc": [error.file, error.line, None], "msg": error.message, "type": error.code}]
    else:
        errors = None
    detail = f"{error.file}: {error.message}" if error.file is not None else error.message
    return Unprocessable(detail, code=error.code, errors=errors)


def computed(compute: Callable[..., T], *args: Any) -> T:
    try:
        return compute(*args)
    except CrimeDataError as error:
        raise as_app_error(error) from error


def _read(file: ImportedFile, reader: Callable[[Path], T]) -> T:
    """Run a crime_data reader on the file, saved under its own name so that problems name it."""
    with tempfile.TemporaryDirectory(prefix="sinmiedo-crime-") as folder:
        path = Path(folder) / file.name
        path.write_bytes(file.data)
        return computed(lambda: reader(path))


def _refuse_unless_skipping(file: ImportedFile, problems: Sequence[RowProblem], skip_invalid: bool) -> None:
    if problems and not skip_invalid:
        rows = len({problem.location for problem in problems})
        raise Unprocessable(
            f"{file.name}: {rows} row(s) failed validation; nothing was imported "
            "(skipping invalid rows: skip_invalid=true, or --skip-invalid, imports the rest)",
            code="invalid_rows",
            errors=[row_error(problem) for problem in problems],
        )


# --- reference data as the pure library's objects ------------------------------------------------


def stored_hierarchy(session: Session) -> TerritoryHierarchy:
    return TerritoryHierarchy(
        Territory(row.code, row.name, TerritoryLevel(row.level), row.parent_code)
        for row in repository.territories(session)
    )


def population_table_row(session: Session, version: str | None) -> CrimePopulationTable:
    """The named population table, or the latest imported when no version is given."""
    if version is None:
        row = repository.latest_population_table(session)
        if row is None:
            raise NotFound("No population table has been imported", code="no_population_table")
        return row
    row = repository.get_population_table(session, version)
    if row is None:
        raise NotFound(f"No population table version {version!r}", code="population_version_not_found")
    return row


def population_table(session: Session, row: CrimePopulationTable, year: int | None = None) -> PopulationTable:
    """The stored table as crime_data's object (only the rows of `year` when one is given)."""
    cells = repository.population_rows(session, row.id, year)
    if year is not None and not cells:
        raise Unprocessable(
            f"Population table {row.version!r} has no population for {year}", code="population_missing"
        )
    return computed(
        PopulationTable,
        row.version,
        [
            PopulationRow(cell.territory_code, cell.year, Sex(cell.sex), cell.age_group, cell.population)
            for cell in cells
        ],
    )


def mapping_row(session: Session, version: str | None) -> CrimeOffenceMapping:
    """The named offence mapping, or the latest imported when no version is given."""
    if version is None:
        row = repository.latest_mapping(session)
        if row is None:
            raise Unprocessable(
                "No offence mapping has been imported; import one before counts or incidents",
                code="no_offence_mapping",
            )
        return row
    row = repository.get_mapping(session, version)
    if row is None:
        raise NotFound(f"No offence mapping version {version!r}", code="mapping_version_not_found")
    return row


def _offence_mapping(session: Session, row: CrimeOffenceMapping) -> OffenceMapping:
    return OffenceMapping(
        f"version {row.version!r}",
        {
            code.national_code: MappedOffence(code.national_code, code.iccs_code, code.description)
            for code in repository.offence_codes(session, row.id)
        },
    )


# --- imports ---------------------------------------------------------------------------------------


def _earlier(session: Session, kind: ImportKind, scope: str, file: ImportedFile) -> ImportResult | None:
    batch = repository.find_batch(session, kind, scope, file.sha256)
    return None if batch is None else ImportResult(batch, created=False)


def _new_batch(
    actor: User | None, kind: ImportKind, scope: str, file: ImportedFile, **fields: Any
) -> CrimeImportBatch:
    return CrimeImportBatch(
        kind=kind, scope=scope, file_name=file.name, sha256=file.sha256, created_by=getattr(actor, "id", None), **fields
    )


Rows = tuple[type[SQLModel], Iterable[dict[str, Any]]]


def _store(session: Session, actor: User | None, batch: CrimeImportBatch, rows: Callable[[int], Rows]) -> ImportResult:
    """Store the batch and the rows made for its id, atomically; a concurrent twin import is a 409."""
    try:
        with session.begin_nested():
            repository.add(session, batch)
            repository.insert_rows(session, *rows(batch.id))
    except IntegrityError as exc:
        raise Conflict(
            f"{batch.file_name}: another import stored the same figures at the same time; retry",
            code="concurrent_import",
        ) from exc
    audit.record(
        session, actor, f"crime.import.{batch.kind}", "crime_import_batch", batch.id,
        {"file_name": batch.file_name, "sha256": batch.sha256, "scope": batch.scope, "rows": batch.rows_imported},
    )
    return ImportResult(batch, created=True)


def _territory_conflicts(
    file_name: str, stored: Sequence[CrimeTerritory], in_file: Mapping[str, Territory]
) -> list[dict[str, Any]]:
    """Stored territories that the file leaves out or changes, in the `errors` shape."""
    conflicts = []
    for row in stored:
        territory = in_file.get(row.code)
        if territory is None:
            message, code = "the stored territory is missing from the file", "territory_missing"
        elif (territory.name, str(territory.level), territory.parent_code) != (row.name, row.level, row.parent_code):
            message = f"stored as {row.name!r} ({row.level}, parent {row.parent_code!r}); it cannot change"
            code = "territory_changed"
        else:
            continue
        conflicts.append({"loc": [file_name, "code", row.code], "msg": message, "type": code})
    return conflicts


def import_territories(session: Session, actor: User | None, file: ImportedFile) -> ImportResult:
    """Add the file's territories; every territory already stored must be in the file unchanged."""
    earlier = _earlier(session, ImportKind.territories, "", file)
    if earlier is not None:
        return earlier
    hierarchy = _read(file, lambda path: read_territories(path, file_format=file.file_format))
    stored = repository.territories(session)
    conflicts = _territory_conflicts(file.name, stored, {territory.code: territory for territory in hierarchy})
    if conflicts:
        raise Conflict(
            f"{file.name}: the territory list must keep every stored territory as it is "
            f"({len(conflicts)} differ); counts and population rows point at them",
            code="territory_list_conflict",
            errors=conflicts,
        )
    stored_codes = {row.code for row in stored}
    new = [territory for territory in hierarchy if territory.code not in stored_codes]
    batch = _new_batch(
        actor, ImportKind.territories, "", file,
        rows_read=len(list(hierarchy)), rows_imported=len(new), figures_imported=len(new),
        parameters={"unchanged": len(stored_codes)},
    )
    return _store(session, actor, batch, lambda batch_id: (CrimeTerritory, [
        {
            "code": territory.code, "name": territory.name, "level": str(territory.level),
            "parent_code": territory.parent_code, "batch_id": batch_id,
        }
        for territory in new
    ]))


def import_population(
    session: Session,
    actor: User | None,
    file: ImportedFile,
    *,
    version: str,
    description: str = "",
    source: str = "",
    sex_codes: Mapping[str, Sex] | None = None,
) -> ImportResult:
    """Store a new population table version (territories must be imported first)."""
    version = _label(version, "population_version")
    earlier = _earlier(session, ImportKind.population, version, file)
    if earlier is not None:
        return earlier
    if repository.get_population_table(session, version) is not None:
        raise Conflict(
            f"Population table version {version!r} exists and is immutable; import the new figures under a new version",
            code="population_version_exists",
        )
    hierarchy = stored_hierarchy(session)
    table = _read(file, lambda path: read_population(
        path, version=version, hierarchy=hierarchy, file_format=file.file_format, sex_codes=sex_codes
    ))
    rows = table.rows()
    batch = _new_batch(
        actor, ImportKind.population, version, file,
        rows_read=len(rows), rows_imported=len(rows), figures_imported=len(rows),
        parameters={"version": version},
    )

    def stored_rows(batch_id: int) -> Rows:
        header = CrimePopulationTable(version=version, description=description, source=source, batch_id=batch_id)
        repository.add(session, header)
        return CrimePopulationRow, [
            {
                "table_id": header.id, "territory_code": row.territory_code, "year": row.year, "sex": str(row.sex),
                "age_group": row.age_group, "population": row.population,
            }
            for row in rows
        ]

    return _store(session, actor, batch, stored_rows)


def import_mapping(
    session: Session, actor: User | None, file: ImportedFile, *, version: str, source: str = ""
) -> ImportResult:
    """Store a new version of the national offence code -> ICCS mapping."""
    version = _label(version, "mapping_version")
    earlier = _earlier(session, ImportKind.mapping, version, file)
    if earlier is not None:
        return earlier
    if repository.get_mapping(session, version) is not None:
        raise Conflict(
            f"Offence mapping version {version!r} exists and is immutable; import the new mapping under a new version",
            code="mapping_version_exists",
        )
    mapping = _read(file, lambda path: read_offence_mapping(path, file_format=file.file_format))
    offences = list(mapping.offences.values())
    batch = _new_batch(
        actor, ImportKind.mapping, version, file,
        rows_read=len(offences), rows_imported=len(offences), figures_imported=len(offences),
        parameters={"version": version},
    )

    def stored_rows(batch_id: int) -> Rows:
        header = CrimeOffenceMapping(version=version, source=source, batch_id=batch_id)
        repository.add(session, header)
        return CrimeOffenceCode, [
            {
                "mapping_id": header.id, "national_code": offence.national_code, "iccs_code": offence.iccs_code,
                "description": offence.description[:300],
            }
            for offence in offences
        ]

    return _store(session, actor, batch, stored_rows)


def _row_tally(imported: set, problems: Sequence[RowProblem], figures: int) -> dict[str, Any]:
    """Rows read, imported and skipped, counted by the file rows that figures and problems came from.

    One row of a wide file holds several figures, so a row can be both imported and skipped."""
    skipped = {problem.location for problem in problems}
    return {
        "rows_read": len(imported | skipped),
        "rows_imported": len(imported),
        "rows_skipped": len(skipped),
        "figures_imported": figures,
        "skipped": [row_error(problem) for problem in problems],
    }


def _cell_key(count: RecordedCount) -> tuple[str, str, str, str, str]:
    return (
        count.territory_code, str(count.period), count.national_code or "",
        ALL_SEXES if count.sex is None else str(count.sex), ALL_AGES if count.age_group is None else count.age_group,
    )


def _count_row(batch_id: int, count: RecordedCount) -> dict[str, Any]:
    territory, period, national_code, sex, age_group = _cell_key(count)
    return {
        "batch_id": batch_id, "source": str(count.source), "unit": str(count.unit), "territory_code": territory,
        "period": period, "year": count.period.year, "month": count.period.month, "iccs_code": count.iccs_code,
        "national_code": national_code, "sex": sex, "age_group": age_group, "count": count.count,
    }


def import_counts(session: Session, actor: User | None, file: ImportedFile, options: CountOptions) -> ImportResult:
    """Store a file of aggregated counts of one source; a figure already stored is a row problem."""
    earlier = _earlier(session, ImportKind.counts, options.source, file)
    if earlier is not None:
        return earlier
    hierarchy = stored_hierarchy(session)
    mapping = mapping_row(session, options.mapping_version)
    population = None
    if options.population_version is not None:
        population = population_table(session, population_table_row(session, options.population_version))
    offences = _offence_mapping(session, mapping)
    read = _read(file, lambda path: read_counts(
        path, mapping=offences, hierarchy=hierarchy, source=options.source, unit=options.unit,
        population=population, wide=options.wide_by, separator=options.separator, file_format=file.file_format,
        sex_codes=options.sex_codes, skip_invalid=True,
    ))
    stored = repository.stored_count_cells(
        session, source=options.source, unit=options.unit, years=sorted({count.period.year for count in read.counts})
    )
    problems = list(read.skipped.problems)
    kept = []
    for count in read.counts:
        batch_id = stored.get(_cell_key(count))
        if batch_id is None:
            kept.append(count)
        else:
            problems.append(RowProblem(
                count.location, "already_imported",
                f"the {options.source} figure for {count.period}, territory {count.territory_code!r}, offence "
                f"{count.national_code!r} is already stored (import batch {batch_id})",
                None,
            ))
    problems.sort(key=lambda problem: problem.location.line)
    _refuse_unless_skipping(file, problems, options.skip_invalid)
    batch = _new_batch(
        actor, ImportKind.counts, options.source, file, source=options.source, unit=options.unit,
        parameters={
            "layout": "wide" if options.wide_by else "long", "wide_by": list(options.wide_by),
            "mapping_version": mapping.version, "population_version": options.population_version,
            "skip_invalid": options.skip_invalid,
        },
        **_row_tally({count.location for count in kept}, problems, len(kept)),
    )
    return _store(session, actor, batch, lambda batch_id: (CrimeCount, (_count_row(batch_id, count) for count in kept)))


def import_incidents(
    session: Session, actor: User | None, file: ImportedFile, options: IncidentOptions
) -> ImportResult:
    """Store victim records of one source (without the institution's record ids)."""
    earlier = _earlier(session, ImportKind.incidents, options.source, file)
    if earlier is not None:
        return earlier
    hierarchy = stored_hierarchy(session)
    mapping = mapping_row(session, options.mapping_version)
    population = None
    if options.population_version is not None:
        population = population_table(session, population_table_row(session, options.population_version))
    offences = _offence_mapping(session, mapping)
    read = _read(file, lambda path: read_incidents(
        path, mapping=offences, hierarchy=hierarchy, source=options.source, population=population,
        file_format=file.file_format, sex_codes=options.sex_codes, skip_invalid=True,
    ))
    problems = list(read.skipped.problems)
    _refuse_unless_skipping(file, problems, options.skip_invalid)
    batch = _new_batch(
        actor, ImportKind.incidents, options.source, file, source=options.source, unit=Unit.VICTIMS,
        parameters={
            "mapping_version": mapping.version, "population_version": options.population_version,
            "skip_invalid": options.skip_invalid,
        },
        **_row_tally({record.location for record in read.records}, problems, len(read.records)),
    )
    return _store(session, actor, batch, lambda batch_id: (CrimeVictimRecord, (
        {
            "batch_id": batch_id, "source": str(record.source), "occurred_on": record.date, "year": record.date.year,
            "territory_code": record.territory_code, "national_code": record.national_code,
            "iccs_code": record.iccs_code, "victim_sex": str(record.victim_sex), "victim_age": record.victim_age,
            "relationship": None if record.relationship is None else str(record.relationship),
            "gender_related_context": sorted(str(context) for context in record.gender_related_context),
        }
        for record in read.records
    )))


# --- reads -------------------------------------------------------------------------------------------


def get_batch(session: Session, batch_id: int) -> CrimeImportBatch:
    batch = repository.get_batch(session, batch_id)
    if batch is None:
        raise NotFound(f"No import batch {batch_id}", code="batch_not_found")
    return batch


def get_territory(session: Session, code: str) -> CrimeTerritory:
    territory = repository.get_territory(session, code)
    if territory is None:
        raise NotFound(f"No territory with code {code!r}", code="territory_not_found")
    return territory

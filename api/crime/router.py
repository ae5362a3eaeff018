"""Police-recorded crime over HTTP: analysts import territories, population tables, offence mappings,
counts and victim records; analysts (and anyone who analyses) read them and compute rates."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from sqlmodel import Session

from api.crime import rates, repository, service
from api.crime.models import CrimeImportBatch, CrimeOffenceMapping, CrimePopulationTable
from api.crime.schemas import (
    BatchPage,
    BatchPublic,
    ImportResponse,
    MappingDetail,
    MappingPage,
    MappingPublic,
    OffenceCodePublic,
    PopulationTablePage,
    PopulationTablePublic,
    RateResponse,
    RateRow,
    TerritoryPage,
    TerritoryPublic,
)
from api.db import SessionDep
from api.errors import Forbidden
from api.pagination import PageDep
from api.params import RecordId
from api.security import CurrentUser, Permission, has_permission, require
from api.users.models import User
from crime_data import FemicideRule, FileFormat, MonthlyBasis, Source, Unit

router = APIRouter(prefix="/api/v1/crime", tags=["crime"])

Importer = Annotated[User, require(Permission.manage_crime_data)]
UploadDep = Annotated[UploadFile, File(description="A .csv or .xlsx file")]
READ_PERMISSIONS = (Permission.manage_crime_data, Permission.analyse)


def _crime_reader(user: CurrentUser) -> User:
    if not any(has_permission(user, permission) for permission in READ_PERMISSIONS):
        raise Forbidden(
            f"Your role '{user.role}' does not allow reading crime data (manage_crime_data or analyse)",
            code="permission_denied",
            extra={"permission": Permission.analyse.value},
        )
    return user


Reader = Annotated[User, Depends(_crime_reader, scope="function")]


def _file_format(
    sheet: Annotated[str | None, Query(description="Workbook sheet (default: the first)")] = None,
    delimiter: Annotated[str, Query(description="CSV delimiter")] = ",",
    encoding: Annotated[str, Query(description="CSV encoding")] = "utf-8-sig",
) -> FileFormat:
    return FileFormat(sheet=sheet, delimiter=delimiter, encoding=encoding)


FormatDep = Annotated[FileFormat, Depends(_file_format)]
SexCodes = Annotated[str | None, Query(description="The file's own sex codes, e.g. 'H=male,M=female'")]
MappingVersion = Annotated[str | None, Query(description="Offence mapping version (default: the latest)")]
CoverageVersion = Annotated[
    str | None, Query(description="Population table every row's territory and year must be covered by")
]
SkipInvalid = Annotated[bool, Query(description="Import the valid rows and list the skipped ones")]


def _upload(file: UploadFile, file_format: FileFormat) -> service.ImportedFile:
    return service.ImportedFile.of(file.file.read(), file.filename, file_format)


def _imported(result: service.ImportResult, response: Response) -> ImportResponse:
    # 201 for a new batch; 200 with the earlier batch when the same file was imported before.
    response.status_code = 201 if result.created else 200
    return ImportResponse(**_batch(result.batch).model_dump(), already_imported=not result.created)


def _batch(batch: CrimeImportBatch) -> BatchPublic:
    return BatchPublic.model_validate(batch, from_attributes=True)


@router.post("/territories", response_model=ImportResponse, status_code=201)
def import_territories(
    session: SessionDep, importer: Importer, response: Response, file: UploadDep, file_format: FormatDep
) -> ImportResponse:
    """Columns code, name, level (country/region/municipality), parent_code. Stored territories must stay."""
    result = service.import_territories(session, importer, _upload(file, file_format))
    return _imported(result, response)


@router.post("/population", response_model=ImportResponse, status_code=201)
def import_population(
    session: SessionDep,
    importer: Importer,
    response: Response,
    file: UploadDep,
    file_format: FormatDep,
    version: Annotated[str, Query(description="Label of this population table version")],
    description: str = "",
    source: Annotated[str, Query(description="Who produced the figures")] = "",
    sex_codes: SexCodes = None,
) -> ImportResponse:
    """Columns territory, year, sex, age_group, population."""
    result = service.import_population(
        session, importer, _upload(file, file_format), version=version, description=description,
        source=source, sex_codes=service.parse_sex_codes(sex_codes),
    )
    return _imported(result, response)


@router.post("/mappings", response_model=ImportResponse, status_code=201)
def import_mapping(
    session: SessionDep,
    importer: Importer,
    response: Response,
    file: UploadDep,
    file_format: FormatDep,
    version: Annotated[str, Query(description="Label of this mapping version")],
    source: Annotated[str, Query(description="Whose offence codes these are")] = "",
) -> ImportResponse:
    """Columns national_code, iccs_code, description."""
    result = service.import_mapping(session, importer, _upload(file, file_format), version=version, source=source)
    return _imported(result, response)


@router.post("/counts", response_model=ImportResponse, status_code=201)
def import_counts(
    session: SessionDep,
    importer: Importer,
    response: Response,
    file: UploadDep,
    file_format: FormatDep,
    source: Source,
    unit: Annotated[Unit, Query(description="What the figures count")],
    layout: Annotated[str, Query(pattern="^(long|wide)$")] = "long",
    wide_by: Annotated[str | None, Query(description="Wide layout: 'period' or 'offence,sex'")] = None,
    separator: Annotated[str, Query(min_length=1, max_length=3)] = ":",
    mapping_version: MappingVersion = None,
    population_version: CoverageVersion = None,
    sex_codes: SexCodes = None,
    skip_invalid: SkipInvalid = False,
) -> ImportResponse:
    """Aggregated counts of one source: long (period, territory, offence, [sex], count) or wide."""
    options = service.CountOptions(
        source=source, unit=unit, wide_by=service.wide_dimensions(layout, wide_by), separator=separator,
        mapping_version=mapping_version, population_version=population_version,
        sex_codes=service.parse_sex_codes(sex_codes), skip_invalid=skip_invalid,
    )
    result = service.import_counts(session, importer, _upload(file, file_format), options)
    return _imported(result, response)


@router.post("/incidents", response_model=ImportResponse, status_code=201)
def import_incidents(
    session: SessionDep,
    importer: Importer,
    response: Response,
    file: UploadDep,
    file_format: FormatDep,
    source: Source,
    mapping_version: MappingVersion = None,
    population_version: CoverageVersion = None,
    sex_codes: SexCodes = None,
    skip_invalid: SkipInvalid = False,
) -> ImportResponse:
    """Victim records: date, territory, offence, victim_sex, [victim_age, relationship, gender_related_context]."""
    options = service.IncidentOptions(
        source=source, mapping_version=mapping_version, population_version=population_version,
        sex_codes=service.parse_sex_codes(sex_codes), skip_invalid=skip_invalid,
    )
    result = service.import_incidents(session, importer, _upload(file, file_format), options)
    return _imported(result, response)


@router.get("/batches", response_model=BatchPage)
def list_batches(
    session: SessionDep, _reader: Reader, page: PageDep, kind: service.ImportKind | None = None,
    source: Source | None = None,
) -> BatchPage:
    rows, total = repository.page_batches(session, offset=page.offset, limit=page.limit, kind=kind, source=source)
    return BatchPage(items=[_batch(row) for row in rows], total=total, offset=page.offset, limit=page.limit)


@router.get("/batches/{batch_id}", response_model=BatchPublic)
def get_batch(session: SessionDep, _reader: Reader, batch_id: RecordId) -> BatchPublic:
    return _batch(service.get_batch(session, batch_id))


@router.get("/territories", response_model=TerritoryPage)
def list_territories(
    session: SessionDep, _reader: Reader, page: PageDep, level: str | None = None, parent: str | None = None
) -> TerritoryPage:
    rows, total = repository.page_territories(
        session, offset=page.offset, limit=page.limit, level=level, parent_code=parent
    )
    items = [TerritoryPublic.model_validate(row, from_attributes=True) for row in rows]
    return TerritoryPage(items=items, total=total, offset=page.offset, limit=page.limit)


@router.get("/territories/{code}", response_model=TerritoryPublic)
def get_territory(session: SessionDep, _reader: Reader, code: str) -> TerritoryPublic:
    return TerritoryPublic.model_validate(service.get_territory(session, code), from_attributes=True)


def _population_public(session: Session, row: CrimePopulationTable) -> PopulationTablePublic:
    rows, years, age_groups = repository.population_summary(session, row.id)
    return PopulationTablePublic(
        version=row.version, description=row.description, source=row.source, created_at=row.created_at,
        batch_id=row.batch_id, rows=rows, years=years, age_groups=age_groups,
    )


@router.get("/population", response_model=PopulationTablePage)
def list_population_tables(session: SessionDep, _reader: Reader, page: PageDep) -> PopulationTablePage:
    rows, total = repository.page_population_tables(session, offset=page.offset, limit=page.limit)
    return PopulationTablePage(
        items=[_population_public(session, row) for row in rows], total=total, offset=page.offset, limit=page.limit
    )


@router.get("/population/{version}", response_model=PopulationTablePublic)
def get_population_table(session: SessionDep, _reader: Reader, version: str) -> PopulationTablePublic:
    return _population_public(session, service.population_table_row(session, version))


def _mapping_public(row: CrimeOffenceMapping) -> MappingPublic:
    return MappingPublic.model_validate(row, from_attributes=True)


@router.get("/mappings", response_model=MappingPage)
def list_mappings(session: SessionDep, _reader: Reader, page: PageDep) -> MappingPage:
    rows, total = repository.page_mappings(session, offset=page.offset, limit=page.limit)
    return MappingPage(items=[_mapping_public(row) for row in rows], total=total, offset=page.offset, limit=page.limit)


@router.get("/mappings/{version}", response_model=MappingDetail)
def get_mapping(session: SessionDep, _reader: Reader, version: str) -> MappingDetail:
    row = service.mapping_row(session, version)
    codes = [
        OffenceCodePublic.model_validate(code, from_attributes=True)
        for code in repository.offence_codes(session, row.id)
    ]
    return MappingDetail(**_mapping_public(row).model_dump(), codes=codes)


def _rate_response(result: rates.RateResult) -> RateResponse:
    return RateResponse(
        indicator=result.indicator, basis=result.basis, rows=[RateRow(**rate.as_row()) for rate in result.rates]
    )


YearQuery = Annotated[int, Query(ge=1900, le=2200)]
TerritoryQuery = Annotated[str | None, Query(description="Territory code (default: the country)")]
PopulationQuery = Annotated[str | None, Query(description="Population table version (default: the latest)")]
BasisQuery = Annotated[
    rates.RateBasis, Query(description="counts: the stored count series; records: victim records tallied")
]
MonthlyBasisQuery = Annotated[MonthlyBasis | None, Query(description="Required for by=month")]


@router.get("/rates", response_model=RateResponse)
def crime_rates(
    session: SessionDep,
    _reader: Reader,
    iccs: Annotated[str, Query(description="ICCS code; its descendants are included")],
    year: YearQuery,
    source: Source = Source.POLICE,
    territory: TerritoryQuery = None,
    by: rates.Breakdown | None = None,
    population_version: PopulationQuery = None,
    basis: BasisQuery = rates.RateBasis.counts,
    unit: Unit | None = None,
    monthly_basis: MonthlyBasisQuery = None,
) -> RateResponse:
    """Rates per 100,000 of one source, whole or by sex, age group or month."""
    query = rates.RateQuery(
        year=year, source=source, iccs=iccs, territory=territory, by=by, population_version=population_version,
        basis=basis, unit=unit, monthly_basis=monthly_basis,
    )
    return _rate_response(rates.crime_rates(session, query))


@router.get("/rates/homicide", response_model=RateResponse)
def homicide_rates(
    session: SessionDep,
    _reader: Reader,
    year: YearQuery,
    source: Source = Source.POLICE,
    territory: TerritoryQuery = None,
    by: rates.Breakdown | None = None,
    population_version: PopulationQuery = None,
    basis: BasisQuery = rates.RateBasis.counts,
    monthly_basis: MonthlyBasisQuery = None,
) -> RateResponse:
    """SDG 16.1.1: victims of intentional homicide (ICCS 0101) per 100,000 population."""
    query = rates.RateQuery(
        year=year, source=source, territory=territory, by=by, population_version=population_version, basis=basis,
        unit=Unit.VICTIMS, monthly_basis=monthly_basis,
    )
    return _rate_response(rates.crime_rates(session, query, sdg_16_1_1=True))


@router.get("/rates/femicide", response_model=RateResponse)
def femicide_rates(
    session: SessionDep,
    _reader: Reader,
    year: YearQuery,
    source: Source = Source.POLICE,
    territory: TerritoryQuery = None,
    population_version: PopulationQuery = None,
    include_intimate_partner: bool = True,
    include_family_member: bool = True,
) -> RateResponse:
    """Femicides per 100,000 women from victim records; the counting rule is published with the figure."""
    rule = FemicideRule(include_intimate_partner=include_intimate_partner, include_family_member=include_family_member)
    result = rates.femicide_rates(
        session, year=year, source=source, territory=territory, population_version=population_version, rule=rule
    )
    return _rate_response(result)

"""Police-recorded crime responses."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class BatchPublic(BaseModel):
    id: int
    kind: str
    scope: str
    file_name: str
    sha256: str
    source: str | None
    unit: str | None
    parameters: dict[str, Any]
    rows_read: int
    rows_imported: int
    rows_skipped: int
    figures_imported: int
    skipped: list[dict[str, Any]]  # every skipped row problem: {loc: [file, line, column], msg, type}
    created_at: datetime
    created_by: int | None


class ImportResponse(BatchPublic):
    already_imported: bool  # the same file had been imported into the same scope; nothing changed


class BatchPage(BaseModel):
    items: list[BatchPublic]
    total: int
    offset: int
    limit: int


class TerritoryPublic(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None


class TerritoryPage(BaseModel):
    items: list[TerritoryPublic]
    total: int
    offset: int
    limit: int


class PopulationTablePublic(BaseModel):
    version: str
    description: str
    source: str
    created_at: datetime
    batch_id: int
    rows: int
    years: list[int]
    age_groups: list[str]


class PopulationTablePage(BaseModel):
    items: list[PopulationTablePublic]
    total: int
    offset: int
    limit: int


class OffenceCodePublic(BaseModel):
    national_code: str
    iccs_code: str
    description: str


class MappingPublic(BaseModel):
    version: str
    source: str
    created_at: datetime
    batch_id: int


class MappingDetail(MappingPublic):
    codes: list[OffenceCodePublic]


class MappingPage(BaseModel):
    items: list[MappingPublic]
    total: int
    offset: int
    limit: int


class RateRow(BaseModel):
    """One rate with everything that qualifies it (crime_data.Rate.as_row)."""

    territory: str
    period: str
    iccs_scope: str
    sex: str
    age_group: str
    count: int
    population: int
    rate: float
    per: int
    source: str
    unit: str
    population_version: str
    monthly_basis: str | None
    counting_rule: str | None


class RateResponse(BaseModel):
    indicator: str  # crime_rate | sdg_16_1_1 | femicide_rate
    basis: str  # counts (stored count series) | records (victim records tallied on request)
    rows: list[RateRow]

"""Police-recorded crime and its reference data: territories, population tables, offence mappings,
count series, victim records, and the import batch every stored row came from.

No personal identifier is stored: victim records keep the date, territory, offence, victim sex and
age, relationship and context (what rates and the femicide rule need), never names, addresses or
the institution's case number.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow

# Aggregated figures without a sex or age breakdown are stored under these labels rather than NULL,
# so that the uniqueness of a figure holds on both databases (NULLs never collide in a unique key).
ALL_SEXES = "total"
ALL_AGES = "all"


class CrimeImportBatch(SQLModel, table=True):
    """One imported file. (kind, scope, sha256) is unique: the same file imported again into the
    same scope is answered with this batch instead of being stored twice."""

    __tablename__ = "crime_import_batch"
    __table_args__ = (UniqueConstraint("kind", "scope", "sha256", name="uq_crime_import_batch_file"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(20), index=True)  # territories | population | mapping | counts | incidents
    # What the file was imported into: the source for counts and incidents, the version label for
    # population tables and mappings, "" for the territory list.
    scope: str = Field(max_length=100)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    source: str | None = Field(default=None, sa_type=String(20))
    unit: str | None = Field(default=None, sa_type=String(30))
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    figures_imported: int = 0
    skipped: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class CrimeTerritory(SQLModel, table=True):
    __tablename__ = "crime_territory"

    code: str = Field(primary_key=True, max_length=50)
    name: str = Field(max_length=200)
    level: str = Field(sa_type=String(20))  # country | region | municipality
    parent_code: str | None = Field(default=None, max_length=50, foreign_key="crime_territory.code", index=True)
    batch_id: int = Field(foreign_key="crime_import_batch.id")


class CrimePopulationTable(SQLModel, table=True):
    """One version of a population table; versions are immutable once imported."""

    __tablename__ = "crime_population_table"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=100, unique=True, index=True)
    description: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=200)  # who produced the figures (e.g. the statistics office)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    batch_id: int = Field(foreign_key="crime_import_batch.id")


class CrimePopulationRow(SQLModel, table=True):
    __tablename__ = "crime_population_row"
    __table_args__ = (
        UniqueConstraint("table_id", "territory_code", "year", "sex", "age_group", name="uq_crime_population_cell"),
    )

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="crime_population_table.id", index=True, ondelete="CASCADE")
    territory_code: str = Field(foreign_key="crime_territory.code", max_length=50)
    year: int
    sex: str = Field(sa_type=String(10))
    age_group: str = Field(max_length=20)
    population: int


class CrimeOffenceMapping(SQLModel, table=True):
    """One version of the national offence code -> ICCS mapping; immutable once imported."""

    __tablename__ = "crime_offence_mapping"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=100, unique=True, index=True)
    source: str = Field(default="", max_length=200)  # whose codes these are (e.g. the national police)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    batch_id: int = Field(foreign_key="crime_import_batch.id")


class CrimeOffenceCode(SQLModel, table=True):
    __tablename__ = "crime_offence_code"
    __table_args__ = (UniqueConstraint("mapping_id", "national_code", name="uq_crime_offence_code_national"),)

    id: int | None = Field(default=None, primary_key=True)
    mapping_id: int = Field(foreign_key="crime_offence_mapping.id", index=True, ondelete="CASCADE")
    national_code: str = Field(max_length=50)
    iccs_code: str = Field(max_length=6)
    description: str = Field(default="", max_length=300)


class CrimeCount(SQLModel, table=True):
    """One aggregated figure of one source. A cell is stored once per source and unit, whichever
    file brought it, so that no figure is ever counted twice."""

    __tablename__ = "crime_count"
    __table_args__ = (
        UniqueConstraint(
            "source", "unit", "territory_code", "period", "national_code", "sex", "age_group",
            name="uq_crime_count_cell",
        ),
        Index("ix_crime_count_source_year", "source", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="crime_import_batch.id", index=True, ondelete="CASCADE")
    source: str = Field(sa_type=String(20))
    unit: str = Field(sa_type=String(30))
    territory_code: str = Field(foreign_key="crime_territory.code", max_length=50)
    period: str = Field(max_length=7)  # YYYY or YYYY-MM
    year: int
    month: int | None = None
    iccs_code: str = Field(max_length=6)
    national_code: str = Field(max_length=50)
    sex: str = Field(sa_type=String(10))  # female | male | unknown | total
    age_group: str = Field(max_length=20)  # a population age group, or "all"
    count: int


class CrimeVictimRecord(SQLModel, table=True):
    """One victim of one offence, as recorded by one source (no identifiers; see the module docstring)."""

    __tablename__ = "crime_victim_record"
    __table_args__ = (Index("ix_crime_victim_record_source_year", "source", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="crime_import_batch.id", index=True, ondelete="CASCADE")
    source: str = Field(sa_type=String(20))
    occurred_on: date
    year: int
    territory_code: str = Field(foreign_key="crime_territory.code", max_length=50)
    national_code: str = Field(max_length=50)
    iccs_code: str = Field(max_length=6)
    victim_sex: str = Field(sa_type=String(10))
    victim_age: int | None = None
    relationship: str | None = Field(default=None, sa_type=String(30))
    gender_related_context: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))

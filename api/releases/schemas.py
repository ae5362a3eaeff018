"""Release bodies. The published document's shape is a contract the dashboard and users' scripts
read (tests/web/fixtures/release_example.json is an example of it)."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.db_types import StorableText
from api.estimates.schemas import EstimateIn

Text = Field(min_length=1, max_length=300)
Identifier = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")


class Bilingual(BaseModel):
    en: StorableText = Text
    es: StorableText = Text


class Open(BaseModel):
    """Metadata sections name their required keys; observatories add their own beside them."""

    model_config = ConfigDict(extra="allow")


class SampleDesign(Open):
    description: StorableText = Field(min_length=1, max_length=5000)


class Fieldwork(Open):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> "Fieldwork":
        if self.end < self.start:
            raise ValueError("fieldwork ends before it starts")
        return self


class SampleFigures(Open):
    interviews_completed: int = Field(ge=0)
    response_rate: float = Field(ge=0, le=1, description="A fraction; say which definition in response_rate_definition")


class WeightingInfo(Open):
    steps: list[StorableText | dict[str, Any]] = Field(description="Weighting steps in order, as text or structured")
    population: dict[str, Any] = Field(description="Population figures used: source, year, totals")


class InstrumentRef(Open):
    form_id: StorableText = Identifier
    version: StorableText = Field(min_length=1, max_length=100)


class IndicatorDefinition(Open):
    indicator_id: StorableText = Identifier
    definition: StorableText = Field(min_length=1, max_length=5000)
    counting_rule: StorableText | None = Field(default=None, max_length=5000)


class AdministrativeSource(Open):
    series: StorableText = Field(min_length=1, max_length=300)
    source: StorableText = Field(min_length=1, max_length=300,
        description="Who recorded the counts (police, prosecution, ...)")


class ReleaseMetadata(Open):
    sample_design: SampleDesign
    fieldwork: Fieldwork
    sample: SampleFigures
    weighting: WeightingInfo
    instrument_versions: list[InstrumentRef] = Field(min_length=1)
    indicators: list[IndicatorDefinition] = Field(min_length=1)
    administrative_sources: list[AdministrativeSource] = Field(default_factory=list)
    ref_area: StorableText | None = Field(default=None, max_length=50,
        description="SDMX REF_AREA of tables without territory")


class Comparison(BaseModel):
    """Survey estimate next to the recorded figure for one territory and period."""

    territory: StorableText = Text
    period: StorableText = Field(min_length=1, max_length=50)
    indicator_id: StorableText = Identifier
    survey_estimate: float | None = None
    survey_ci_low: float | None = None
    survey_ci_high: float | None = None
    recorded_count: float | None = Field(default=None, ge=0)
    recorded_rate: float | None = Field(default=None, ge=0)
    source: StorableText = Text
    dark_figure: float | None = Field(default=None, ge=0, le=1)
    recording_ratio: float | None = None
    recording_ratio_ci_low: float | None = None
    recording_ratio_ci_high: float | None = None

    model_config = ConfigDict(allow_inf_nan=False)

    @model_validator(mode="after")
    def _intervals_hold_their_estimates(self) -> "Comparison":
        for low, value, high in (("survey_ci_low", "survey_estimate", "survey_ci_high"),
                                 ("recording_ratio_ci_low", "recording_ratio", "recording_ratio_ci_high")):
            bounds = [getattr(self, name) for name in (low, value, high)]
            present = [b for b in bounds if b is not None]
            if present != sorted(present):
                raise ValueError(f"{low} <= {value} <= {high} must hold")
        return self


class ReleaseFields(BaseModel):
    title: Bilingual
    wave: StorableText = Field(min_length=1, max_length=100)
    reference_period: StorableText = Field(min_length=1, max_length=100)
    quality_profile: StorableText = Field(min_length=1, max_length=50,
        description="inegi, ine_chile, nchs, min_base or vawg")
    metadata: ReleaseMetadata
    comparisons: list[Comparison] = Field(default_factory=list, max_length=2000)


class ReleaseCreate(ReleaseFields):
    corrects: int | None = Field(default=None, ge=1, description="Number of the published release this corrects")
    changes: StorableText | None = Field(default=None, max_length=5000,
        description="What changed; required for a correction")

    @model_validator(mode="after")
    def _correction_says_what_changed(self) -> "ReleaseCreate":
        if self.corrects is not None and not (self.changes and self.changes.strip()):
            raise ValueError("a correction must say what changed ('changes')")
        if self.corrects is None and self.changes is not None:
            raise ValueError("'changes' describes a correction: name the release it corrects ('corrects')")
        return self


class ReleaseUpdate(BaseModel):
    title: Bilingual | None = None
    wave: StorableText | None = Field(default=None, min_length=1, max_length=100)
    reference_period: StorableText | None = Field(default=None, min_length=1, max_length=100)
    quality_profile: StorableText | None = Field(default=None, min_length=1, max_length=50)
    metadata: ReleaseMetadata | None = None
    comparisons: list[Comparison] | None = Field(default=None, max_length=2000)
    changes: StorableText | None = Field(default=None, max_length=5000)


class TableSpec(BaseModel):
    indicator_id: StorableText = Identifier
    title: Bilingual
    unit: StorableText = Field(min_length=1, max_length=50,
        description="proportion, percent, count, rate_per_100000, mean, ...")
    source: Literal["survey", "administrative"] = "survey"
    administrative_source: StorableText | None = Field(default=None, max_length=300,
        description="Required for administrative")
    sdmx_series: StorableText | None = Field(default=None, max_length=50, pattern=r"^[A-Z0-9_]+$")
    sdmx_level: StorableText | None = Field(default=None, max_length=100,
        description="The level the SDMX series measures")
    sensitive: bool = Field(default=False, description="A VAWG table: the stricter vawg profile applies")
    counting_rule: StorableText | None = Field(default=None, max_length=5000)
    total_label: StorableText = Field(default="total", max_length=50,
        description="Label of total rows in any disaggregation")
    column_labels: dict[str, Bilingual] = Field(
        default_factory=dict, max_length=6, description="Names of disaggregation columns in each language")
    value_labels: dict[str, dict[str, Bilingual]] = Field(
        default_factory=dict, max_length=6,
        description="Per disaggregation column (or 'level'), names of its values in each language")

    @model_validator(mode="after")
    def _administrative_names_its_source(self) -> "TableSpec":
        if self.source == "administrative" and not self.administrative_source:
            raise ValueError("an administrative table must name its source ('administrative_source')")
        return self

    def _labels_name(self, columns: list[str]) -> None:
        unknown = sorted(set(self.column_labels) - set(columns)) + sorted(set(self.value_labels) - {*columns, "level"})
        if unknown:
            raise ValueError(f"labels name columns the table does not have: {', '.join(unknown)}")


class TableFromRows(TableSpec):
    statistic: Literal["mean", "total", "proportion", "ratio", "quantile"]
    disaggregation: list[StorableText] = Field(default_factory=list, max_length=5)
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=5000)

    @model_validator(mode="after")
    def _labelled_columns_exist(self) -> "TableFromRows":
        self._labels_name(self.disaggregation)
        return self


class TableFromAnalysis(TableSpec):
    analysis_id: int
    request: EstimateIn

    @model_validator(mode="after")
    def _labelled_columns_exist(self) -> "TableFromAnalysis":
        self._labels_name(list(self.request.by))
        return self


class TablePublic(BaseModel):
    id: str
    position: int
    spec: dict[str, Any]
    origin: dict[str, Any] | None
    rows: list[dict[str, Any]]
    rows_withheld: bool = Field(default=False, description="Sensitive rows of a draft, for users with sensitive access only")


class ReleaseDraft(BaseModel):
    """What analysts see of a release, draft or published."""

    id: int
    status: str
    number: int | None
    slug: str | None
    title: Bilingual
    wave: str
    reference_period: str
    quality_profile: str
    metadata: dict[str, Any]
    comparisons: list[dict[str, Any]]
    corrects: int | None
    changes: str | None
    content_sha256: str | None
    created_at: datetime
    published_at: datetime | None
    tables: list[TablePublic]


class ReleaseSummary(BaseModel):
    number: int
    slug: str
    title: Bilingual
    published_at: datetime
    corrects: int | None
    changes: str | None
    wave: str
    reference_period: str
    content_sha256: str


class PublishedRow(BaseModel):
    """One cell; its disaggregation columns come first in the JSON and are not listed here."""

    model_config = ConfigDict(extra="allow")

    level: str | None
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    cv: float | None
    deff: float | None
    df: float | None
    n: int | None
    weighted_n: float | None
    flag: str | None
    suppressed: bool
    suppression_reason: str | None = Field(description="min_base, another rule of the profile, or complementary")


class PublishedTable(BaseModel):
    id: str
    indicator_id: str
    title: Bilingual
    unit: str
    source: Literal["survey", "administrative"]
    administrative_source: str | None
    sdmx_series: str | None
    sdmx_level: str | None
    sensitive: bool
    statistic: str
    quality_profile: str | None = Field(description="The profile applied to this table (vawg for sensitive tables)")
    disaggregation: list[str]
    total_label: str
    counting_rule: str | None
    column_labels: dict[str, Bilingual] = Field(default_factory=dict)
    value_labels: dict[str, dict[str, Bilingual]] = Field(default_factory=dict)
    rows: list[PublishedRow]


class PublishedRelease(BaseModel):
    """A release as the public sees it; number, slug, published_at and content_sha256 are null in a preview."""

    number: int | None
    slug: str | None
    title: Bilingual
    published_at: str | None = Field(description="ISO 8601, UTC")
    corrects: int | None
    changes: str | None
    wave: str
    reference_period: str
    quality_profile: str
    content_sha256: str | None = Field(description="SHA-256 of the document without this key, as sorted compact JSON")
    metadata: dict[str, Any]
    tables: list[PublishedTable]
    comparisons: list[Comparison]


class SeriesRelease(BaseModel):
    """One release's published tables of an indicator."""

    release: int
    slug: str
    title: Bilingual
    wave: str
    reference_period: str
    published_at: str
    corrects: int | None
    superseded: bool = Field(description="A later published release corrects this one")
    tables: list[PublishedTable]


class IndicatorSeries(BaseModel):
    """An indicator across published releases (waves), oldest reference period first."""

    indicator_id: str
    releases: list[SeriesRelease]

"""Indicator requests: which counting rule, which disaggregation, and how the frame's columns
bind to the catalogue's standard variables; survey totals set beside recorded figures."""

from typing import Any

from pydantic import BaseModel, Field

from api.db_types import StorableText
from crime_data import Source, TerritoryLevel


class BindingSpec(BaseModel):
    """Explicit mapping for data not collected with a bundled instrument."""

    name: StorableText = Field(min_length=1, max_length=100)
    columns: dict[str, StorableText] = Field(description="standard variable -> column of the analysis' data")
    recodes: dict[str, dict[str, Any]] = Field(default_factory=dict, description="variable -> {value: standard value}")


class SurveyOptions(BaseModel):
    """How a survey indicator is counted and bound, whatever it is requested for."""

    rule: StorableText | None = Field(default=None, description="Counting rule; default: the indicator's first")
    level: float = Field(default=0.95, gt=0, lt=1)
    binding: BindingSpec | None = Field(default=None, description="Default: the bundled instrument's variables")


class IndicatorRequest(SurveyOptions):
    by: list[StorableText] = Field(default_factory=list, max_length=4)
    domain: dict[str, Any] = Field(default_factory=dict)
    quality_profile: StorableText | None = None
    ci: StorableText | None = Field(default=None, pattern="^(logit|beta|wald)$")


class IndicatorOut(BaseModel):
    analysis_id: int
    indicator_id: str
    cached: bool
    metadata: dict[str, Any]
    rows: list[dict[str, Any]]


class ComparisonRequest(SurveyOptions):
    """A survey total by territory set beside one source's recorded figures for the same codes."""

    indicator_id: StorableText = Field(description="A survey total with an ICCS scope: survey_victims_<crime> or "
                                          "survey_incidents_<crime>")
    year: int = Field(ge=1900, le=2200, description="Calendar year of the recorded figures set beside the survey")
    source: Source = Source.POLICE
    territory_column: StorableText = Field(default="territory", min_length=1, max_length=100,
                                  description="Column of the analysis' data holding territory codes of the stored "
                                              "territory table")
    territory_level: TerritoryLevel | None = Field(
        default=None, description="Roll the column's codes up to this level first (e.g. municipality -> region)")
    population_version: StorableText | None = Field(default=None, description="Default: the latest population table")


class ComparisonRow(BaseModel):
    """One territory and period: the survey estimate, the recorded figure and what relates them."""

    territory: str
    territory_name: str
    period: str
    iccs_scope: str
    unit: str
    survey_estimate: float
    survey_se: float | None
    survey_ci_low: float | None
    survey_ci_high: float | None
    survey_cv: float | None
    survey_n: int
    survey_flag: str | None
    survey_per_100000: float | None
    survey_per_100000_ci_low: float | None
    survey_per_100000_ci_high: float | None
    recorded: int
    recorded_unit: str
    recorded_rate: float
    population: int
    population_version: str
    source: str
    recording_ratio: float | None
    recording_ratio_ci_low: float | None
    recording_ratio_ci_high: float | None
    dark_figure: float | None
    dark_figure_ci_low: float | None
    dark_figure_ci_high: float | None


class ComparisonOut(BaseModel):
    analysis_id: int
    indicator_id: str
    metadata: dict[str, Any]
    rows: list[ComparisonRow]

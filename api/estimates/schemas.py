"""Analysis and estimate bodies. Estimate rows carry the fields of DESIGN.md's contract."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from api.db_types import StorableText


class DesignSpec(BaseModel):
    weight: StorableText = Field(min_length=1, description="Final weight column")
    strata: StorableText | None = None
    psu: StorableText | None = Field(default=None, description="First-stage cluster column")
    ssu: StorableText | None = Field(default=None, description="Second-stage cluster column")
    fpc: list[StorableText] = Field(default_factory=list, max_length=2,
        description="Population sizes or fractions per stage")
    nest: bool = False
    lonely_psu: Literal["fail", "remove", "certainty", "adjust", "average"] = "fail"

    @model_validator(mode="after")
    def _ssu_needs_psu(self) -> "DesignSpec":
        if self.ssu and not self.psu:
            raise ValueError("a second-stage cluster (ssu) needs a first-stage one (psu)")
        return self


class StepSpec(BaseModel):
    kind: Literal["replicates", "poststratify", "rake", "calibrate", "trim"]
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Arguments of the step: replicates {method, replicates, seed}; poststratify {totals: [{cell..., "
        "total}]}; rake {margins: {column or 'a*b': {level: total}}}; calibrate {variables, totals, calfun, bounds}; "
        "trim {lower, upper}",
    )


class AnalysisCreate(BaseModel):
    dataset_id: int
    name: StorableText = Field(min_length=1, max_length=200)
    design: DesignSpec
    steps: list[StepSpec] = Field(default_factory=list, max_length=20)


class AnalysisPublic(BaseModel):
    id: int
    dataset_id: int
    name: str
    design: dict[str, Any]
    steps: list[dict[str, Any]]
    created_at: datetime


class DatasetPublic(BaseModel):
    id: int
    name: str
    filename: str
    sha256: str
    size: int
    columns: list[str]
    n_rows: int
    sensitive: bool
    created_at: datetime


class EstimateIn(BaseModel):
    statistic: Literal["mean", "total", "proportion", "ratio", "quantile"]
    variable: StorableText = Field(min_length=1)
    denominator: StorableText | None = None
    quantiles: list[float] = Field(default_factory=lambda: [0.5], min_length=1, max_length=20)
    by: list[StorableText] = Field(default_factory=list, max_length=5)
    domain: dict[str, StorableText] = Field(default_factory=dict, description="Subpopulation: column -> value")
    ci: Literal["logit", "beta", "wald"] | None = None
    level: float = Field(default=0.95, gt=0, lt=1)
    quality: StorableText | None = Field(default=None,
        description="Quality profile: inegi, ine_chile, nchs, min_base, vawg")
    levels: list[StorableText] = Field(default_factory=list, max_length=50,
                              description="Proportions: keep only these levels (e.g. ['1'] for the share of 1s)")

    @model_validator(mode="after")
    def _consistent(self) -> "EstimateIn":
        if self.statistic == "ratio" and not self.denominator:
            raise ValueError("a ratio needs a denominator column")
        if not all(0 < q < 1 for q in self.quantiles):
            raise ValueError("quantiles lie strictly between 0 and 1")
        return self


class EstimateOut(BaseModel):
    analysis_id: int
    cached: bool
    request: dict[str, Any]
    rows: list[dict[str, Any]] = Field(
        description="One row per estimate: the `by` columns, level, estimate, se, ci_low, ci_high, cv, deff, df, n, "
        "weighted_n, flag"
    )


class WaveAnalysisCreate(BaseModel):
    """An analysis over a survey wave's collected interviews: weights and design from the sample."""

    survey_code: StorableText = Field(min_length=1, max_length=64)
    form_id: StorableText = Field(min_length=1, max_length=100)
    level: Literal["respondent", "incident"] = "respondent"
    repeat: StorableText | None = Field(default=None,
        description="The repeat whose instances are the rows (level=incident)")
    name: StorableText = Field(min_length=1, max_length=200)
    lonely_psu: Literal["fail", "remove", "certainty", "adjust", "average"] = "fail"
    steps: list[StepSpec] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _repeat_for_incidents(self) -> "WaveAnalysisCreate":
        if self.level == "incident" and not self.repeat:
            raise ValueError("an incident-level frame needs the repeat that holds the incidents (e.g. 'incidents')")
        return self


class WaveAnalysisPublic(BaseModel):
    dataset: DatasetPublic
    analysis: AnalysisPublic
    notes: dict[str, Any]

"""Indicator requests: which counting rule, which disaggregation, and how the frame's columns
bind to the catalogue's standard variables."""

from typing import Any

from pydantic import BaseModel, Field


class BindingSpec(BaseModel):
    """Explicit mapping for data not collected with a bundled instrument."""

    name: str = Field(min_length=1, max_length=100)
    columns: dict[str, str] = Field(description="standard variable -> column of the analysis' data")
    recodes: dict[str, dict[str, Any]] = Field(default_factory=dict, description="variable -> {value: standard value}")


class IndicatorRequest(BaseModel):
    rule: str | None = Field(default=None, description="Counting rule; default: the indicator's first")
    by: list[str] = Field(default_factory=list, max_length=4)
    domain: dict[str, Any] = Field(default_factory=dict)
    quality_profile: str | None = None
    ci: str | None = Field(default=None, pattern="^(logit|beta|wald)$")
    level: float = Field(default=0.95, gt=0, lt=1)
    binding: BindingSpec | None = Field(default=None, description="Default: the bundled instrument's variables")


class IndicatorOut(BaseModel):
    analysis_id: int
    indicator_id: str
    cached: bool
    metadata: dict[str, Any]
    rows: list[dict[str, Any]]

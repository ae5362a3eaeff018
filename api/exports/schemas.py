"""The codebook of a microdata export: what each column of the file is, and how to declare the design."""

from typing import Literal

from pydantic import BaseModel, Field

Format = Literal["csv", "parquet", "dta", "sav"]
Language = Literal["es", "en"]
Role = Literal["design", "identifier", "weight", "replicate_weight", "answer"]


class ValueLabelOut(BaseModel):
    value: str = Field(description="The choice name, as CSV and Parquet files hold it")
    code: int = Field(description="The number Stata and SPSS files hold for it")
    label: str


class VariableOut(BaseModel):
    name: str = Field(description="The column's name in the file (Stata names are at most 28 characters)")
    column: str = Field(description="The column's name in the analysis frame")
    label: str
    role: Role
    type: Literal["numeric", "text"]
    question: str | None = Field(default=None, description="The instrument question the column comes from")
    question_type: str | None = None
    module: str | None = Field(default=None, description="The groups around the question, outermost first")
    sensitive: bool = False
    free_text: bool = False
    value_labels: list[ValueLabelOut] = Field(default_factory=list)


class ExcludedOut(BaseModel):
    column: str
    reason: Literal["personal", "sensitive", "free_text", "sample_key", "not_in_instrument"]


class ReplicatesOut(BaseModel):
    method: str
    scale: float
    rscales: list[float] | None
    mse: bool
    columns: list[str]


class DesignOut(BaseModel):
    weight: str = Field(description="The final weight column")
    strata: str | None
    psu: str | None
    ssu: str | None
    fpc: list[str]
    lonely_psu: str
    replicates: ReplicatesOut | None


class Codebook(BaseModel):
    analysis_id: int
    survey_code: str
    form_id: str
    instrument_version: str
    level: str
    repeat: str | None
    language: Language
    format: Format | None = Field(default=None, description="The file format the names are for; None: frame names")
    rows: int
    design: DesignOut
    variables: list[VariableOut]
    excluded: list[ExcludedOut]

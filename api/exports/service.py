"""Microdata exports of an analysis over a survey wave, for analysts' own software.

An export holds the analysis' rows (one per respondent, or per incident) with the design variables,
the frame's weights, the analysis' final weight and its replicate weights, labelled from the
instrument in one language; as CSV, Parquet, Stata or SPSS, zipped with codebook.csv and
codebook.json (the same codebook is served as JSON on its own).

What never leaves, whoever asks:
- personal identifiers: the frame never holds them (submissions keep them apart); a column the
  instrument marks personal is dropped here again, and so is the household code, the key to the
  sample's address list (strata and PSUs stay: the variance needs them);
- sensitive (VAWG) answers, to users without sensitive access: a dataset holding them is refused as
  it is for analysis, and columns from sensitive questions are dropped for such users all the same;
- free text, unless asked for (the other rules still apply to it);
- spreadsheet formulas: CSV cells a spreadsheet would run are defused (the open-data rule).
Every export is audited. File names are the server's (analysis number and format), never the user's.
"""

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlmodel import Session

from api.audit import service as audit
from api.errors import Unprocessable
from api.estimates import service as estimates
from api.estimates.models import Analysis, Dataset
from api.exports.schemas import (
    Codebook,
    DesignOut,
    ExcludedOut,
    Format,
    Language,
    ReplicatesOut,
    ValueLabelOut,
    VariableOut,
)
from api.instruments import repository as instruments_repository
from api.instruments import service as instruments
from api.files import escape_cell
from api.users.models import User
from survey_defs import SurveyDefsError
from survey_defs.labels import Variable, describe, language_key
from weighting import Survey, WeightingError
from weighting.microdata import Microdata, write_microdata

SAMPLE_KEYS = ("household",)
IDENTIFIERS = ("interview", "instance")
FRAME_WEIGHTS = ("base_weight", "household_weight", "weight")
_LABELS: dict[str, dict[str, str]] = {
    "stratum": {"es": "Estrato", "en": "Stratum"},
    "psu": {"es": "Unidad primaria de muestreo", "en": "Primary sampling unit"},
    "interview": {"es": "Identificador de la entrevista", "en": "Interview identifier"},
    "instance": {"es": "Número del incidente en la entrevista", "en": "Incident number within the interview"},
    "base_weight": {"es": "Peso base del hogar (inverso de su probabilidad de selección)",
                    "en": "Household base weight (inverse of its selection probability)"},
    "household_weight": {"es": "Peso del hogar ajustado por no respuesta",
                         "en": "Household weight adjusted for nonresponse"},
    "weight": {"es": "Peso de la persona (peso del hogar / probabilidad de selección)",
               "en": "Person weight (household weight / selection probability)"},
    "final": {"es": "Peso final del análisis", "en": "Final weight of the analysis"},
    "replicate": {"es": "Peso replicado {n}", "en": "Replicate weight {n}"},
    "fpc": {"es": "Corrección por población finita", "en": "Finite population correction"},
    "design": {"es": "Variable de diseño", "en": "Design variable"},
}


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes


@dataclass(frozen=True)
class _Prepared:
    data: pd.DataFrame
    codebook: Codebook
    variables: dict[str, Variable]  # answer columns by frame name


def _survey(session: Session, actor: User, analysis_id: int) -> tuple[Analysis, Dataset, Survey]:
    analysis = estimates.get_analysis(session, analysis_id)
    dataset = estimates.get_dataset(session, analysis.dataset_id)
    estimates.check_may_analyse(actor, dataset)
    if dataset.source is None:
        raise Unprocessable(
            f"Analysis {analysis_id} is over an uploaded file; only analyses over a survey wave are exported, "
            "because the instrument says which columns are personal, sensitive or free text",
            code="not_a_wave_analysis",
        )
    try:
        return analysis, dataset, estimates.analysis_survey(session, analysis)
    except WeightingError as error:
        raise estimates.weighting_problem(error) from error


def _design_roles(survey: Survey) -> dict[str, tuple[str, str]]:
    """Design, identifier and weight columns -> (role, label key), in the order a file shows them."""
    design = survey.design
    roles: dict[str, tuple[str, str]] = {}
    for column in (design.strata, *design.clusters):
        if column:
            roles[column] = ("design", column if column in _LABELS else "design")
    roles.update({column: ("design", "fpc") for column in design.fpc})
    roles.update({column: ("identifier", column) for column in IDENTIFIERS if column in survey.data})
    roles.update({column: ("weight", column) for column in FRAME_WEIGHTS if column in survey.data})
    assert design.weight is not None  # analyses are declared with a weight column
    if design.weight not in roles:
        roles[design.weight] = ("weight", "final")
    if design.replicate is not None:
        roles.update({column: ("replicate_weight", "replicate") for column in design.replicate.columns})
    return roles


def _excluded_reason(variable: Variable | None, actor: User, free_text: bool, column: str) -> str | None:
    if column in SAMPLE_KEYS:
        return "sample_key"
    if variable is None:
        return "not_in_instrument"
    if variable.personal:
        return "personal"
    if variable.sensitive and not actor.sensitive_access:
        return "sensitive"
    if variable.free_text and not free_text:
        return "free_text"
    return None


def _prepare(session: Session, actor: User, analysis_id: int, language: Language, free_text: bool) -> _Prepared:
    analysis, dataset, survey = _survey(session, actor, analysis_id)
    source = dataset.source or {}
    version = instruments_repository.get_version_by_id(session, source["instrument_version_id"])
    assert version is not None  # versions referenced by submissions are never deleted
    instrument = instruments.compiled(version)
    try:
        described = describe(instrument, survey.data.columns, language_key(instrument, language))
    except SurveyDefsError as error:
        raise Unprocessable(error.message, code=error.code,
                            errors=[{"loc": ["query", "language"], "msg": error.message, "type": error.code}]) from error
    roles = _design_roles(survey)
    answers: list[str] = []
    excluded: list[ExcludedOut] = []
    for column in survey.data.columns:
        if column in roles:
            continue
        reason = _excluded_reason(described.get(column), actor, free_text, column)
        if reason is None:
            answers.append(column)
        else:
            excluded.append(ExcludedOut(column=column, reason=reason))  # type: ignore[arg-type]
    order = {located.element.name: position for position, located in enumerate(instrument.walk())}
    answers.sort(key=lambda column: order[described[column].question])  # questionnaire order, choices after
    data = _chosen_as_zero_or_one(survey.data[[*roles, *answers]], described)
    variables = [_design_variable(column, *roles[column], language, survey) for column in roles]
    variables += [_answer_variable(described[column], data[column]) for column in answers]
    design = survey.design
    replicate = design.replicate
    codebook = Codebook(
        analysis_id=analysis.id, survey_code=source["survey_code"], form_id=source["form_id"],
        instrument_version=version.version, level=source["level"], repeat=source.get("repeat"), language=language,
        rows=len(data),
        design=DesignOut(
            weight=design.weight or "", strata=design.strata, psu=design.clusters[0] if design.clusters else None,
            ssu=design.clusters[1] if len(design.clusters) > 1 else None, fpc=list(design.fpc),
            lonely_psu=design.lonely_psu,
            replicates=None if replicate is None else ReplicatesOut(
                method=replicate.method, scale=replicate.scale,
                rscales=None if replicate.rscales is None else list(replicate.rscales), mse=replicate.mse,
                columns=list(replicate.columns)),
        ),
        variables=variables, excluded=excluded,
    )
    return _Prepared(data=data, codebook=codebook, variables={column: described[column] for column in answers})


def _chosen_as_zero_or_one(data: pd.DataFrame, described: dict[str, Variable]) -> pd.DataFrame:
    """The frame marks a chosen choice with 1 and leaves the others empty: 0 where the question was answered."""
    filled = {}
    for column in data.columns:
        variable = described.get(column)
        if variable is not None and variable.question_type == "select_multiple_choice":
            parent = variable.question
            answered = data[parent].notna() if parent in data else data[column].notna()
            filled[column] = data[column].where(data[column].notna(), answered.map({True: 0.0, False: None})).astype(float)
    return data.assign(**filled) if filled else data


def _kind(series: pd.Series) -> str:
    return "numeric" if pd.api.types.is_numeric_dtype(series) else "text"


def _design_variable(column: str, role: str, label_key: str, language: Language, survey: Survey) -> VariableOut:
    label = _LABELS[label_key][language]
    if role == "replicate_weight":
        assert survey.design.replicate is not None
        label = label.format(n=survey.design.replicate.columns.index(column) + 1)
    return VariableOut(name=column, column=column, label=label, role=role,  # type: ignore[arg-type]
                       type=_kind(survey.data[column]))  # type: ignore[arg-type]


def _answer_variable(variable: Variable, series: pd.Series) -> VariableOut:
    return VariableOut(
        name=variable.name, column=variable.name, label=variable.label, role="answer",
        type=_kind(series),  # type: ignore[arg-type]
        question=variable.question, question_type=variable.question_type, module=variable.module or None,
        sensitive=variable.sensitive, free_text=variable.free_text,
        value_labels=[ValueLabelOut(value=v.value, code=v.code, label=v.label) for v in variable.value_labels],
    )


def codebook(session: Session, actor: User, analysis_id: int, language: Language, free_text: bool) -> Codebook:
    return _prepare(session, actor, analysis_id, language, free_text).codebook


def _choice_name(value: Any) -> str:
    """A stored answer as its choice name: choice lists of whole numbers are read back as numbers."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _coded(prepared: _Prepared) -> Microdata:
    """Stata and SPSS hold value labels on numbers: select_one answers become their choices' codes."""
    data = prepared.data
    coded: dict[str, pd.Series] = {}
    value_labels: dict[str, dict[int, str]] = {}
    for column, variable in prepared.variables.items():
        if variable.question_type != "select_one" or not variable.value_labels:
            continue
        codes = {v.value: v.code for v in variable.value_labels}
        names = data[column].map(_choice_name, na_action="ignore")
        if not names.dropna().isin(list(codes)).all():
            continue  # an answer outside the list (an older version's choice): kept as text, unlabelled
        coded[column] = names.map(codes, na_action="ignore").astype(float)
        value_labels[column] = {v.code: v.label for v in variable.value_labels}
    return Microdata(data.assign(**coded), value_labels=value_labels, variable_labels=_labels(prepared.codebook))


def _labels(codebook: Codebook) -> dict[str, str]:
    return {variable.column: variable.label for variable in codebook.variables}


def _defused(data: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    return data.assign(**{c: data[c].map(escape_cell, na_action="ignore") for c in text})


def _codebook_csv(codebook: Codebook) -> bytes:
    rows = [{
        **variable.model_dump(exclude={"value_labels"}),
        "value_labels": " | ".join(f"{v.value} [{v.code}] = {v.label}" for v in variable.value_labels),
    } for variable in codebook.variables]
    return _defused(pd.DataFrame(rows)).to_csv(index=False, lineterminator="\r\n").encode()


def export_analysis(session: Session, actor: User, analysis_id: int, file_format: Format, language: Language,
                    free_text: bool) -> Export:
    prepared = _prepare(session, actor, analysis_id, language, free_text)
    suffix = f".{file_format}"
    if file_format in ("dta", "sav"):
        microdata = _coded(prepared)
    elif file_format == "parquet":
        microdata = Microdata(prepared.data, variable_labels=_labels(prepared.codebook))
    else:
        microdata = Microdata(_defused(prepared.data))
    stem = f"analysis-{analysis_id}-{prepared.codebook.level}-{language}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{stem}{suffix}"
        codebook = _renamed(prepared.codebook, write_microdata(microdata, path), file_format)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            zipped.write(path, path.name)
            zipped.writestr("codebook.csv", _codebook_csv(codebook))
            zipped.writestr("codebook.json", json.dumps(codebook.model_dump(mode="json"), ensure_ascii=False, indent=2))
    audit.record(session, actor, "microdata.export", "analysis", analysis_id, {
        "format": file_format, "language": language, "free_text": free_text, "rows": codebook.rows,
        "columns": [variable.column for variable in codebook.variables],
        "excluded": [item.model_dump() for item in codebook.excluded],
    })
    return Export(filename=f"{stem}.zip", content=archive.getvalue())


def _renamed(codebook: Codebook, names: dict[str, str], file_format: Format) -> Codebook:
    """The codebook with the names the file holds (Stata's are shortened)."""
    design = codebook.design

    def name(column: str | None) -> str | None:
        return None if column is None else names.get(column, column)

    renamed_design = design.model_copy(update={
        "weight": name(design.weight), "strata": name(design.strata), "psu": name(design.psu), "ssu": name(design.ssu),
        "fpc": [names.get(c, c) for c in design.fpc],
        "replicates": None if design.replicates is None else design.replicates.model_copy(
            update={"columns": [names.get(c, c) for c in design.replicates.columns]}),
    })
    return codebook.model_copy(update={
        "format": file_format, "design": renamed_design,
        "variables": [v.model_copy(update={"name": names[v.column]}) for v in codebook.variables],
    })


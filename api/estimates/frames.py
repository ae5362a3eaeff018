"""The analysis-frame loader: the one place where collected interviews become a data frame.

A survey wave's frame joins, for one instrument, the current revision of every accepted interview
(approved ones only when the wave says so) with the wave's sample: stratum, PSU and household,
and the selection probabilities recorded there. Weights are built from those probabilities, not
typed in by an analyst:

    base household weight   = 1 / (P(PSU) x P(household | PSU))
    nonresponse adjustment  = weighting.nonresponse within strata, from the households' latest
                              AAPOR dispositions (a household with an accepted interview of the
                              instrument is a respondent whatever its disposition says)
    person weight           = adjusted household weight / selection_probability, where the
                              instrument records the random selection of one person (1/k)

The PSU's territory code (when the sample gives one) is a column too, so that estimates by
territory line up with police figures for the same codes.

Personal identifiers never reach the frame (submissions keep them apart), and answers of
sensitive (VAWG) questions are left out for users without sensitive access.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from api.audit import service as audit
from api.errors import NotFound, Unprocessable
from api.fieldwork import repository as fieldwork_repository
from api.fieldwork import service as fieldwork
from api.fieldwork.models import PSU, Assignment, Household
from api.instruments import service as instruments
from api.instruments.models import Instrument, InstrumentVersion
from api.submissions import service as submissions
from api.submissions.models import Submission, SubmissionRevision
from api.users.models import User
from survey_defs.model import Question
from weighting import Design, Survey, WeightingError
from weighting.nonresponse import adjust_nonresponse

Level = Literal["respondent", "incident"]
WEIGHT = "weight"
WEIGHTING_NOTE = (
    "base household weight 1/(P(PSU) x P(household|PSU)) from the sample; nonresponse adjustment within "
    "strata from the households' latest dispositions; person weight = household weight / selection_probability"
)
DESIGN_COLUMNS = ("stratum", "psu", "territory", "household", "interview")


@dataclass
class WaveFrame:
    data: pd.DataFrame
    design: dict[str, Any]
    notes: dict[str, Any] = field(default_factory=dict)


def _interviews(session: Session, survey_id: int, form_id: str, approved_only: bool) -> list[tuple[Any, ...]]:
    query = (
        select(Submission.instance_id, Household.code, PSU.code, SubmissionRevision.answers,
               Submission.instrument_version_id)
        .join(Assignment, col(Assignment.id) == col(Submission.assignment_id))
        .join(Household, col(Household.id) == col(Assignment.household_id))
        .join(PSU, col(PSU.id) == col(Household.psu_id))
        .join(SubmissionRevision, (col(SubmissionRevision.submission_id) == col(Submission.id))
              & (col(SubmissionRevision.revision) == col(Submission.current_revision)))
        .join(InstrumentVersion, col(InstrumentVersion.id) == col(Submission.instrument_version_id))
        .join(Instrument, col(Instrument.id) == col(InstrumentVersion.instrument_id))
        .where(Assignment.survey_id == survey_id, Instrument.form_id == form_id, col(Submission.deleted_at).is_(None))
        .order_by(col(Submission.id))
    )
    if approved_only:
        query = query.where(Submission.review_status == submissions.APPROVED)
    return [tuple(row) for row in session.exec(query).all()]


def _household_weights(session: Session, survey_id: int, responded: set[tuple[str, str]]) -> pd.DataFrame:
    """Weights of the responding households; a household is its (PSU, code): codes repeat across PSUs."""
    sample = pd.DataFrame([row.__dict__ for row in fieldwork.household_frame(session, survey_id)])
    keys = pd.Series(list(zip(sample["psu"], sample["household"], strict=True)), index=sample.index)
    sample["disposition"] = np.where(keys.isin(responded), "respondent",
                                     sample["disposition"].replace({"respondent": "nonrespondent"}))
    sample["base_weight"] = 1.0 / (sample["psu_probability"] * sample["household_probability"])
    households = Survey(sample, Design(weight="base_weight", strata="stratum", clusters=("psu",)))
    try:
        adjusted = adjust_nonresponse(households, disposition="disposition", classes="stratum",
                                      column="household_weight")
    except WeightingError as error:
        raise Unprocessable(f"Nonresponse adjustment failed: {error}", code=error.code) from error
    frame = adjusted.data
    # A PSU's territory code joins the frame when the sample gives one (estimates beside police figures).
    territory = ["territory"] if frame["territory"].notna().any() else []
    return frame[frame["disposition"] == "respondent"][["stratum", "psu", *territory, "household", "base_weight",
                                                        "household_weight"]]


def _flatten(answers: dict[str, Any], multiple: set[str], drop: set[str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in answers.items():
        if name in drop or name == "meta" or isinstance(value, dict):
            continue
        if isinstance(value, list):
            if name in multiple:
                row[name] = " ".join(value)
                for choice in value:
                    row[f"{name}__{choice}"] = 1
            continue  # a repeat: its own frame
        row[name] = value
    return row


def _typed(data: pd.DataFrame) -> pd.DataFrame:
    """Empty answers as missing; columns whose answers are all numbers (calculates send text) as numbers."""
    for column in data.columns:
        if data[column].dtype != object:
            continue
        values = data[column].replace("", None)
        try:
            data[column] = pd.to_numeric(values)
        except (ValueError, TypeError):
            data[column] = values.astype("string")
    return data


def wave_frame(session: Session, actor: User, survey_code: str, form_id: str, level: Level,
               repeat: str | None = None) -> WaveFrame:
    wave = fieldwork_repository.survey_by_code(session, survey_code)
    if wave is None:
        raise NotFound(f"No survey wave '{survey_code}'", code="survey_not_found")
    rows = _interviews(session, wave.id, form_id, wave.only_approved_feed_estimates)
    if not rows:
        raise Unprocessable(
            f"Wave '{survey_code}' has no {'approved ' if wave.only_approved_feed_estimates else ''}interviews "
            f"of '{form_id}'", code="no_interviews",
        )
    version_id = max(version_id for *_, version_id in rows)
    instrument = instruments.compiled(session.get(InstrumentVersion, version_id))
    questions = [located.element for located in instrument.questions() if isinstance(located.element, Question)]
    multiple = {q.name for q in questions if q.type == "select_multiple"}
    withheld = set() if actor.sensitive_access else {q.name for q in questions if q.sensitive}
    weights = _household_weights(session, wave.id, {(psu, household) for _, household, psu, *_ in rows})

    records = []
    for instance_id, household, psu, answers, _version in rows:
        if level == "respondent":
            records.append({"interview": instance_id, "psu": psu, "household": household,
                            **_flatten(answers, multiple, withheld)})
            continue
        parent = _flatten(answers, multiple, withheld)
        for index, item in enumerate(answers.get(repeat or "", []) or []):
            records.append({"interview": instance_id, "psu": psu, "household": household, "instance": index + 1,
                            **{k: v for k, v in parent.items() if k.startswith("respondent_")},
                            "selection_probability": parent.get("selection_probability"),
                            **_flatten(item, multiple, withheld)})
    if not records:
        raise Unprocessable(f"No '{repeat}' instances in the interviews of '{form_id}'", code="no_interviews")
    data = _typed(pd.DataFrame(records)).merge(weights, on=["psu", "household"], how="inner",
                                                   validate="many_to_one")
    # Household-level instruments select nobody: their person weight is the household's.
    selection = data["selection_probability"] if "selection_probability" in data else pd.Series(1.0, index=data.index)
    data[WEIGHT] = data["household_weight"] / pd.to_numeric(selection, errors="coerce").fillna(1.0)
    leading = [c for c in (*DESIGN_COLUMNS, "instance", "base_weight", "household_weight", WEIGHT) if c in data]
    data = data[leading + [c for c in data.columns if c not in leading]]
    audit.record(session, actor, "analysis_frame.build", "survey", wave.code,
                 {"form_id": form_id, "level": level, "rows": len(data), "withheld": sorted(withheld)})
    return WaveFrame(
        data=data,
        design={"weight": WEIGHT, "strata": "stratum", "psu": "psu", "fpc": [], "nest": False, "lonely_psu": "fail"},
        notes={"survey": wave.code, "form_id": form_id, "instrument_version_id": version_id, "level": level,
               "repeat": repeat,
               "approved_only": wave.only_approved_feed_estimates, "interviews": len(rows), "rows": len(data),
               "weights": WEIGHTING_NOTE,
               "withheld_sensitive_columns": sorted(withheld),
               "sensitive": any(q.sensitive and q.name in data.columns for q in questions)},
    )

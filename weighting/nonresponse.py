"""Nonresponse adjustment within weighting classes from fieldwork dispositions (AAPOR style).

Each case has one of four final dispositions (AAPOR's outcome groups): ``respondent`` (1.x),
``nonrespondent`` (eligible nonresponse, 2.x), ``unknown`` (unknown eligibility, 3.x) and
``ineligible`` (4.x). Within each class the unknown-eligibility weight is counted as eligible in the
proportion e = (R + NR) / (R + NR + I) observed among the cases whose eligibility is known (the
CASRO/AAPOR "e"), and respondents carry the whole eligible weight:

    factor = (R + NR + e * U) / R        (R, NR, I, U: sums of weights in the class)

Ineligible cases keep their weight. Nonrespondents and unknown-eligibility cases leave the returned
survey: their adjusted weight is zero, and a design cannot hold zero weights (nor should an analysis
file hold cases without answers). A PSU whose every case is dropped therefore no longer counts as
sampled in the variance, which is the usual treatment of a respondent file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from weighting.adjustment import cell_sums, cells, column_list, require_columns, require_complete, weight_matrix
from weighting.design import Survey
from weighting.errors import WeightingError

RESPONDENT = "respondent"
NONRESPONDENT = "nonrespondent"
INELIGIBLE = "ineligible"
UNKNOWN = "unknown"
DISPOSITIONS = (RESPONDENT, NONRESPONDENT, INELIGIBLE, UNKNOWN)


def adjust_nonresponse(
    survey: Survey,
    *,
    disposition: str,
    classes: Sequence[str] | str = (),
    column: str = "nonresponse_weight",
) -> Survey:
    """Respondents and ineligibles, respondents' weights raised to carry the eligible nonrespondents.

    ``disposition`` names the column holding one of ``DISPOSITIONS`` per case; ``classes`` the
    columns whose cross-classification forms the weighting classes (none: one class). A class
    with eligible weight but no respondent is an error naming the class: collapse it with another.
    Adjust for nonresponse before calibrating; a replicate design has each replicate adjusted.
    """
    if survey.calibration:
        raise WeightingError(
            "nonresponse_after_calibration",
            "adjust for nonresponse before post-stratifying, raking or calibrating: "
            "those steps already target the population",
        )
    classes = column_list(classes)
    require_columns(survey.data, [disposition, *classes])
    category = _categories(survey, disposition)
    if classes:
        class_code, class_labels = cells(survey.data, classes)
    else:
        class_code, class_labels = np.zeros(len(survey.data), dtype=np.intp), ["all cases"]
    weights = weight_matrix(survey)
    n_classes = len(class_labels)
    respondent, nonrespondent, ineligible, unknown = (
        cell_sums(class_code, weights * (category == k)[:, None], n_classes) for k in range(len(DISPOSITIONS))
    )
    known = respondent + nonrespondent + ineligible
    with np.errstate(divide="ignore", invalid="ignore"):
        eligible_rate = np.where(known > 0, (respondent + nonrespondent) / known, 0.0)
        eligible = respondent + nonrespondent + eligible_rate * unknown
        stranded = (respondent == 0) & ((eligible > 0) | ((known == 0) & (unknown > 0)))
        if stranded.any():
            cls, replicate = (int(i) for i in np.argwhere(stranded)[0])
            which = "" if replicate == 0 else f" in replicate {replicate}"
            raise WeightingError(
                "class_without_respondents",
                f"weighting class {class_labels[cls]!r}{which} has eligible (or possibly eligible) cases "
                "but no respondent; collapse it with a neighbouring class",
                column="*".join(classes) or None, got=class_labels[cls],
            )
        factor = np.where(respondent > 0, eligible / respondent, 1.0)
    keep = (category == DISPOSITIONS.index(RESPONDENT)) | (category == DISPOSITIONS.index(INELIGIBLE))
    adjusted = np.where(
        (category == DISPOSITIONS.index(RESPONDENT))[:, None], weights * factor[class_code], weights
    )[keep]
    design = dataclasses.replace(survey.design, weight=column, probability=None)
    replicate_columns = survey.design.replicate.columns if survey.design.replicate else ()
    data = survey.data.loc[keep].assign(
        **{column: adjusted[:, 0]}, **{name: adjusted[:, j + 1] for j, name in enumerate(replicate_columns)}
    )
    return Survey(data, design)


def _categories(survey: Survey, disposition: str) -> np.ndarray:
    require_complete(survey.data, disposition)
    values = survey.data[disposition].astype(str).str.strip().str.lower().to_numpy(dtype=object)
    category = np.full(len(values), -1)
    for k, name in enumerate(DISPOSITIONS):
        category[values == name] = k
    unknown = category < 0
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise WeightingError(
            "unknown_disposition", f"disposition {survey.data[disposition].iloc[row]!r} is not one of {DISPOSITIONS}",
            column=disposition, row=row, expected=DISPOSITIONS, got=survey.data[disposition].iloc[row],
        )
    return category

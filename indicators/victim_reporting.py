"""Victim-based reporting: from the incident frame to one 0/1 per respondent and crime type.

SDG 16.3.1 counts victims, not incidents: a victim reported if at least one of their incidents of
the type was reported to a competent authority, did not if every one of them was not, and is
unknown otherwise (then leaves the denominator). The result is added to the respondent frame so
that the estimate uses the respondent design (a domain of victims, not a subset of rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.binding import Binding, bundled_binding
from indicators.catalogue import CRIME_TYPES, victim_reported_variable
from indicators.errors import IndicatorError


def with_victim_reporting(
    respondents: pd.DataFrame,
    incidents: pd.DataFrame,
    *,
    respondent_id: str = "respondent_id",
    binding: Binding | None = None,
) -> pd.DataFrame:
    """``respondents`` plus ``victim_reported_<crime>_12m`` for every crime type (NaN: no incident or unknown).

    Both frames carry the respondent key in column ``respondent_id``; ``binding`` (default: the
    bundled victimization instrument) says where incident_crime_type and reported_to_authority are.
    """
    binding = binding or bundled_binding("victimization")
    for frame, name in ((respondents, "respondents"), (incidents, "incidents")):
        if respondent_id not in frame.columns:
            raise IndicatorError("missing_column", f"the {name} frame has no respondent key column {respondent_id!r}",
                                 variable=respondent_id, expected=respondent_id)
    crime_type = binding.values(incidents, "incident_crime_type")
    reported = pd.to_numeric(binding.values(incidents, "reported_to_authority"), errors="coerce")
    status = pd.DataFrame({
        "respondent": incidents[respondent_id].to_numpy(),
        "crime": crime_type.to_numpy(),
        "yes": (reported == 1).to_numpy(),
        "no": (reported == 0).to_numpy(),
    }).groupby(["crime", "respondent"]).agg(any_yes=("yes", "any"), all_no=("no", "all"))
    victim_reported = np.where(status["any_yes"], 1.0, np.where(status["all_no"], 0.0, np.nan))
    status = pd.Series(victim_reported, index=status.index)
    added = {}
    for crime in CRIME_TYPES:
        per_respondent = status.xs(crime, level="crime") if crime in status.index.get_level_values("crime") else \
            pd.Series(dtype=float)
        added[victim_reported_variable(crime)] = respondents[respondent_id].map(per_respondent).astype(float).to_numpy()
    return pd.concat([respondents, pd.DataFrame(added, index=respondents.index)], axis=1)

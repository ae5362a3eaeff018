"""The synthetic survey of tests/golden/indicators (written by make_golden.R) as weighting Surveys."""

from pathlib import Path

import pandas as pd
import pytest

from indicators.victim_reporting import with_victim_reporting
from weighting import Design, ReplicateSpec, Survey

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "indicators"
DESIGN = Design(weight="weight", strata="region", clusters=("psu",))


@pytest.fixture(scope="session")
def incident_frame() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "incidents.csv")


@pytest.fixture(scope="session")
def respondent_frame(incident_frame: pd.DataFrame) -> pd.DataFrame:
    return with_victim_reporting(pd.read_csv(GOLDEN / "respondents.csv"), incident_frame)


@pytest.fixture(scope="session")
def respondents(respondent_frame: pd.DataFrame) -> Survey:
    return Survey(respondent_frame, DESIGN)


@pytest.fixture(scope="session")
def incidents(incident_frame: pd.DataFrame) -> Survey:
    return Survey(incident_frame, DESIGN)


@pytest.fixture(scope="session")
def replicate_respondents(respondent_frame: pd.DataFrame) -> Survey:
    """The same respondents with R's JKn replicate weights (tests/golden/indicators/replicates.csv)."""
    spec = pd.read_csv(GOLDEN / "replicates.csv")
    replicate = ReplicateSpec(columns=tuple(spec.column), method="jkn", scale=float(spec.scale.iloc[0]),
                              rscales=tuple(spec.rscale))
    return Survey(respondent_frame, Design(weight="weight", replicate=replicate))

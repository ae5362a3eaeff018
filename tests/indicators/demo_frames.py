"""The demo survey's analysis frames as the R reference reads them (tests/golden/indicators/demo).

Only the design columns and the bundled instruments' standard variables are kept; the export script
writes them from a fresh demo load, and the HTTP test checks that the frames a database builds are
exactly these (so the demo is deterministic and the R numbers describe the frames the platform uses).
"""

from pathlib import Path

import pandas as pd

from api.demo_survey.load import SURVEY_CODE, VAWG_SURVEY_CODE
from indicators import bundled_binding

DEMO_GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "indicators" / "demo"
# frame name -> (wave, form id, level, repeat, bundled instrument)
FRAMES = {
    "victimization": (SURVEY_CODE, "sinmiedo_victimization", "respondent", None, "victimization"),
    "incidents": (SURVEY_CODE, "sinmiedo_victimization", "incident", "incidents", "victimization"),
    "perception": (SURVEY_CODE, "sinmiedo_perception", "respondent", None, "perception"),
    "vawg": (VAWG_SURVEY_CODE, "sinmiedo_womens_health", "respondent", None, "vawg"),
}
DESIGN_COLUMNS = ("interview", "instance", "stratum", "psu", "territory", "weight")
LONELY_PSU = "adjust"  # the demo's small load leaves one VAWG PSU in some strata (R: survey.lonely.psu)


def wave_request(name: str) -> dict[str, object]:
    """The from-wave request body that builds the frame ``name``."""
    wave, form_id, level, repeat, _ = FRAMES[name]
    return {"survey_code": wave, "form_id": form_id, "level": level, "repeat": repeat, "name": f"demo {name}",
            "lonely_psu": LONELY_PSU}


def standard_frame(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Design columns and standard variables of one frame, rows in interview (and instance) order."""
    binding = bundled_binding(FRAMES[name][4])
    columns = [c for c in DESIGN_COLUMNS if c in frame.columns]
    columns += sorted({column for column in binding.columns.values() if column in frame.columns} - set(columns))
    keys = [c for c in ("interview", "instance") if c in frame.columns]
    return frame[columns].sort_values(keys).reset_index(drop=True)


def read_fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO_GOLDEN / f"{name}.csv", dtype={"territory": str}, keep_default_na=True)


def write_fixture(frame: pd.DataFrame, name: str) -> None:
    frame.to_csv(DEMO_GOLDEN / f"{name}.csv", index=False, float_format="%.17g")

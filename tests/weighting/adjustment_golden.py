"""R references for weight adjustment (tests/golden/adjustment/make_golden.R) and the designs they use."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from weighting.calibrate import calibrate
from weighting.design import Design, ReplicateSpec, Survey
from weighting.poststratify import poststratify
from weighting.raking import rake
from weighting.trimming import trim

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "adjustment"
RTOL = 1e-6

POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
POP_CROSS = {"E|No": 472, "E|Yes": 3949, "H|No": 334, "H|Yes": 421, "M|No": 266, "M|Yes": 752}
POP_TOTALS = {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018, "api99": 3914069}
POP_STYPE_TOTALS = {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018}


@cache
def api(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / f"{name}.csv")


def clus1() -> Survey:
    return Survey(api("apiclus1"), Design(weight="pw", clusters=("dnum",), fpc=("fpc",)))


def strat() -> Survey:
    return Survey(api("apistrat"), Design(weight="pw", strata="stype", fpc=("fpc",)))


def clus2() -> Survey:
    return Survey(api("apiclus2"), Design(weight="pw", clusters=("dnum", "snum"), fpc=("fpc1", "fpc2")))


def totals_table(cells: dict[str, float], *columns: str) -> pd.DataFrame:
    rows = [dict(zip(columns, cell.split("|"), strict=True), total=total) for cell, total in cells.items()]
    return pd.DataFrame(rows)


CASES: dict[str, Callable[[], Survey]] = {
    "clus1_poststratify_stype": lambda: poststratify(clus1(), totals_table(POP_TYPES, "stype")),
    "clus1_poststratify_stype_schwide": lambda: poststratify(clus1(), totals_table(POP_CROSS, "stype", "sch.wide")),
    "clus1_rake_stype_schwide": lambda: rake(clus1(), {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}),
    "clus1_rake_relative_epsilon": lambda: rake(
        clus1(), {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}, max_iter=50, epsilon=1e-9
    ),
    "clus1_calibrate_linear": lambda: calibrate(clus1(), ["stype", "api99"], POP_TOTALS),
    "clus1_calibrate_linear_bounded": lambda: calibrate(clus1(), ["stype", "api99"], POP_TOTALS, bounds=(0.6, 1.6)),
    "clus1_calibrate_raking": lambda: calibrate(clus1(), ["stype", "api99"], POP_TOTALS, calfun="raking"),
    "clus1_calibrate_logit": lambda: calibrate(
        clus1(), ["stype", "api99"], POP_TOTALS, calfun="logit", bounds=(0.6, 1.6)
    ),
    "clus1_calibrate_categorical_only": lambda: calibrate(
        clus1(), ["stype", "sch.wide"], {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018, "sch.wideYes": 5122}
    ),
    "clus1_poststratify_then_calibrate": lambda: calibrate(
        poststratify(clus1(), totals_table(POP_TYPES, "stype")), ["api99"],
        {"(Intercept)": 6194, "api99": 3914069},
    ),
    "clus1_calibrate_aggregate": lambda: calibrate(clus1(), ["stype"], POP_STYPE_TOTALS, aggregate="dnum"),
    "clus1_calibrate_aggregate_raking": lambda: calibrate(
        clus1(), ["stype", "api99"], POP_TOTALS, calfun="raking", aggregate="dnum"
    ),
    "clus1_trim": lambda: trim(CASES["clus1_calibrate_linear"](), lower=20, upper=45),
    "clus1_trim_strict": lambda: trim(CASES["clus1_calibrate_linear"](), lower=20, upper=45, strict=True),
    "strat_rake_two_way": lambda: rake(strat(), {"stype*sch.wide": POP_CROSS, "awards": {"No": 2236, "Yes": 3958}}),
    "strat_calibrate_linear_bounded": lambda: calibrate(
        strat(), ["stype", "api99", "awards"], {**POP_TOTALS, "awardsYes": 3958}, bounds=(0.7, 1.4)
    ),
    "strat_poststratify_schwide": lambda: poststratify(strat(), totals_table(POP_SCHWIDE, "sch.wide")),
    "clus2_calibrate_linear": lambda: calibrate(clus2(), ["stype", "api99"], POP_TOTALS),
    "clus2_poststratify_stype": lambda: poststratify(clus2(), totals_table(POP_TYPES, "stype")),
    "clus2_calibrate_aggregate": lambda: calibrate(clus2(), ["stype", "api99"], POP_TOTALS, aggregate="dnum"),
    "clus2_rake_stype_schwide": lambda: rake(clus2(), {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}),
}

WEIGHT_FILES = {"clus1": "weights_apiclus1.csv", "strat": "weights_apistrat.csv", "clus2": "weights_apiclus2.csv"}


def r_weights(case: str) -> np.ndarray:
    dataset, name = case.split("_", 1)
    return pd.read_csv(GOLDEN / WEIGHT_FILES[dataset])[name].to_numpy(dtype=float)


@cache
def r_estimates() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "estimates.csv")


@cache
def r_replicate_info(name: str) -> dict:
    return json.loads((GOLDEN / "replicates.json").read_text())[name]


@cache
def r_replicates(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / f"replicates_{name}.csv")


def imported_replicate_survey(data: pd.DataFrame, name: str, method: str) -> Survey:
    """The R replicate weights of ``name`` attached to ``data``: the imported-replicates path."""
    weights = r_replicates(name)
    info = r_replicate_info(name)
    columns = tuple(c for c in weights.columns if c != "weight")
    return Survey(
        pd.concat([data, weights], axis=1),
        Design(
            weight="weight",
            replicate=ReplicateSpec(columns=columns, method=method, scale=info["scale"],
                                    rscales=tuple(info["rscales"]), mse=info["mse"]),
        ),
    )


def r_residuals(case: str) -> np.ndarray:
    """R's residuals of the total's influence values (api00, api99) after the case's stages."""
    dataset, name = case.split("_", 1)
    table = pd.read_csv(GOLDEN / WEIGHT_FILES[dataset].replace("weights_", "residuals_"))
    return table[[f"{name}.api00", f"{name}.api99"]].to_numpy(dtype=float)


def residuals(survey: Survey) -> np.ndarray:
    """The same residuals through the survey's calibration stages, in order."""
    scores = survey.data[["api00", "api99"]].to_numpy(dtype=float) * survey.weights()[:, None]
    for stage in survey.calibration:
        scores = stage.residualize(scores)
    return scores


def assert_residuals_match_r(case: str) -> None:
    expected = r_residuals(case)
    # calibrating on api99 leaves residuals that are rounding noise: compare those on the scale of the scores
    scale = np.abs(CASES[case]().data[["api00", "api99"]].to_numpy() * r_weights(case)[:, None]).max(axis=0)
    np.testing.assert_allclose(residuals(CASES[case]()), expected, rtol=RTOL, atol=1e-9 * scale.max())

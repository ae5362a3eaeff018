"""Design-based estimation at survey scale: ours against the bare engine (svy) and R survey.

1,000,000 respondents, 200 strata, 4,000 PSUs (seeded, written once under bench/results/).
Workload "taylor": design + overall mean of income + proportion of victims by 16 and by 64
domains, Taylor SEs. Workload "raked": design + raking to sex and age-group margins + the same.
Prints wall-clock and CPU seconds per workload for each tool (CPU time is the fairer figure on a
shared machine), the ratios R/ours and svy/ours, and the largest relative difference between
our estimates/SEs and R's (and svy's).

    python -m bench estimation -- [--rows N] [--no-r] [--no-svy]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
R_SCRIPT = Path(__file__).resolve().parent / "estimation.R"
SEED = 20261121
STRATA = 200
PSUS_PER_STRATUM_PER_MILLION = 20
AGE_SHARES = (0.28, 0.30, 0.25, 0.17)
SEX_SHARES = (0.485, 0.515)
# Raking tolerance relative to the sum of the weights (R's rake rule for epsilon < 1), tight
# enough that all three tools stop at the same weights to well under 1e-6.
RAKING_EPSILON = 1e-10
KEY = ["workload", "statistic", "domain", "level"]
AGREEMENT = 1e-6  # the project's tolerance against R


def generate(rows: int) -> pd.DataFrame:
    """Respondents in PSUs in strata, with clustered outcomes so that design effects are real."""
    rng = np.random.default_rng(SEED)
    psus_per_stratum = max(2, round(PSUS_PER_STRATUM_PER_MILLION * rows / 1_000_000))
    n_psus = STRATA * psus_per_stratum
    psu = np.sort(rng.integers(0, n_psus, rows))
    psu[:n_psus] = np.arange(n_psus)  # every PSU has at least one respondent
    psu.sort()
    stratum = psu // psus_per_stratum
    region = stratum % 16 + 1
    sex = np.where(rng.random(rows) < 0.48, 1, 2)
    age_group = rng.choice(4, size=rows, p=(0.31, 0.29, 0.24, 0.16)) + 1
    stratum_weight = rng.uniform(80, 400, STRATA)
    weight = stratum_weight[stratum] * rng.uniform(0.7, 1.3, rows)
    psu_effect = rng.normal(0, 0.4, n_psus)[psu]
    logit = -1.6 + psu_effect + 0.25 * (sex == 2) - 0.12 * age_group
    victim = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    income = np.exp(9.5 + 0.5 * psu_effect + 0.1 * age_group + rng.normal(0, 0.6, rows))
    return pd.DataFrame(
        {
            "stratum": stratum + 1,
            "psu": psu + 1,
            "weight": weight,
            "sex": sex,
            "age_group": age_group,
            "domain16": region,
            "domain64": (region - 1) * 4 + age_group,
            "victim": victim,
            "income": income,
        }
    )


def margins_for(data: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Population totals 3% above the weighted sample, split by shares unlike the sample's."""
    population = float(data["weight"].sum()) * 1.03
    return {
        "sex": {str(level): population * share for level, share in zip((1, 2), SEX_SHARES, strict=True)},
        "age_group": {str(level): population * share for level, share in zip((1, 2, 3, 4), AGE_SHARES, strict=True)},
    }


def files_for(rows: int) -> tuple[Path, Path, Path]:
    """The Parquet and CSV copies of the data and the margins, written once per size."""
    RESULTS.mkdir(exist_ok=True)
    parquet, csv, margins = (RESULTS / f"estimation_{rows}{suffix}" for suffix in (".parquet", ".csv", "_margins.json"))
    if not (parquet.exists() and csv.exists() and margins.exists()):
        data = generate(rows)
        data.to_parquet(parquet, index=False)
        data.to_csv(csv, index=False)
        margins.write_text(json.dumps(margins_for(data), indent=2))
    return parquet, csv, margins


def timed(workload: str, step: Callable[[], pd.DataFrame], seconds: dict[str, float]) -> pd.DataFrame:
    """Run one workload, recording its wall-clock and CPU seconds (``<workload>_cpu``)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    seconds[workload] = time.perf_counter() - wall
    seconds[f"{workload}_cpu"] = time.process_time() - cpu
    return result


# --- ours ---------------------------------------------------------------------------------------


def ours(data: pd.DataFrame, margins: dict[str, dict[str, float]]) -> tuple[dict[str, float], pd.DataFrame]:
    from weighting import Design, Survey
    from weighting.estimators import mean, proportion
    from weighting.raking import rake

    design = Design(weight="weight", strata="stratum", clusters=("psu",))

    def estimates(survey: Survey, workload: str) -> pd.DataFrame:
        frames = [_tidy(mean(survey, "income", ci="wald").to_frame(), workload, "mean", None)]
        for domain in ("domain16", "domain64"):
            table = proportion(survey, "victim", by=(domain,), ci="wald").to_frame()
            frames.append(_tidy(table, workload, f"proportion_by_{domain}", domain))
        return pd.concat(frames)

    seconds: dict[str, float] = {}
    taylor = timed("taylor", lambda: estimates(Survey(data, design), "taylor"), seconds)
    raked = timed(
        "raked",
        lambda: estimates(rake(Survey(data, design), margins, max_iter=100, epsilon=RAKING_EPSILON), "raked"),
        seconds,
    )
    return seconds, pd.concat([taylor, raked])


def _tidy(frame: pd.DataFrame, workload: str, statistic: str, domain: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "workload": workload,
            "statistic": statistic,
            "domain": frame[domain].astype(str) if domain else "",
            "level": frame["level"].astype(str) if domain else "",
            "estimate": frame["estimate"].to_numpy(dtype=float),
            "se": frame["se"].to_numpy(dtype=float),
        }
    )


# --- svy, the bare engine -----------------------------------------------------------------------


def bare_engine(parquet: Path, margins: dict[str, dict[str, float]]) -> tuple[dict[str, float], pd.DataFrame]:
    import polars as pl
    import svy

    data = pl.read_parquet(parquet)
    controls = {name: {int(level): total for level, total in levels.items()} for name, levels in margins.items()}

    def estimates(sample: svy.Sample, workload: str) -> pd.DataFrame:
        overall = sample.estimation.mean("income").to_polars().to_pandas()
        frames = [_tidy(overall.rename(columns={"est": "estimate"}), workload, "mean", None)]
        for domain in ("domain16", "domain64"):
            table = sample.estimation.prop("victim", by=domain).to_polars().to_pandas()
            table = table.rename(columns={"est": "estimate", "victim": "level"})
            frames.append(_tidy(table, workload, f"proportion_by_{domain}", domain))
        return pd.concat(frames)

    def design() -> svy.Sample:
        return svy.Sample(data, svy.Design(stratum="stratum", psu="psu", wgt="weight"))

    seconds: dict[str, float] = {}
    taylor = timed("taylor", lambda: estimates(design(), "taylor"), seconds)
    raked = timed(
        "raked",
        lambda: estimates(design().weighting.rake(controls=controls, tol=RAKING_EPSILON, max_iter=100), "raked"),
        seconds,
    )
    return seconds, pd.concat([taylor, raked])


# --- R survey -----------------------------------------------------------------------------------


def r_survey(csv: Path, margins: Path) -> tuple[dict[str, float], pd.DataFrame]:
    seconds_file, estimates_file = RESULTS / "r_seconds.csv", RESULTS / "r_estimates.csv"
    for stale in (seconds_file, estimates_file):
        stale.unlink(missing_ok=True)
    subprocess.run(
        ["Rscript", str(R_SCRIPT), str(csv), str(margins), str(RESULTS), repr(RAKING_EPSILON)],
        check=True,
    )
    seconds = pd.read_csv(seconds_file).set_index("step")["seconds"].to_dict()
    estimates = pd.read_csv(estimates_file, keep_default_na=False, dtype={"domain": str, "level": str})
    return seconds, estimates


# --- report -------------------------------------------------------------------------------------


def largest_difference(ours_rows: pd.DataFrame, peer: pd.DataFrame) -> dict[str, float]:
    merged = ours_rows.merge(peer, on=KEY, suffixes=("", "_peer"), validate="one_to_one")
    if len(merged) != len(ours_rows):
        raise SystemExit(f"row mismatch: ours {len(ours_rows)}, matched {len(merged)}")
    return {
        column: float((merged[column] / merged[f"{column}_peer"] - 1).abs().max()) for column in ("estimate", "se")
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench_estimation", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-r", action="store_true", help="skip R survey")
    parser.add_argument("--no-svy", action="store_true", help="skip the bare engine")
    options = parser.parse_args()

    parquet, csv, margins_path = files_for(options.rows)
    margins = json.loads(margins_path.read_text())
    data = pd.read_parquet(parquet)
    print(f"{len(data):,} respondents, {data['stratum'].nunique()} strata, {data['psu'].nunique():,} PSUs; data in {RESULTS}")

    seconds = {}
    rows = {}
    seconds["ours"], rows["ours"] = ours(data, margins)
    if not options.no_svy:
        seconds["svy"], rows["svy"] = bare_engine(parquet, margins)
    if not options.no_r and shutil.which("Rscript"):
        seconds["R"], rows["R"] = r_survey(csv, margins_path)
        print(f"R read the CSV in {seconds['R']['read']:.1f} s (not counted)")

    tools = list(seconds)
    peers = [tool for tool in tools if tool != "ours"]
    for clock, suffix in (("wall-clock", ""), ("CPU", "_cpu")):
        print(f"{clock + ' s':<14}" + "".join(f"{tool:>10}" for tool in tools) + "".join(f"{peer + '/ours':>12}" for peer in peers))
        for workload in ("taylor", "raked"):
            key = workload + suffix
            line = f"{workload:<14}" + "".join(f"{seconds[tool][key]:>10.2f}" for tool in tools)
            line += "".join(f"{seconds[peer][key] / seconds['ours'][key]:>12.1f}" for peer in peers)
            print(line)
    for peer in tools:
        if peer != "ours":
            difference = largest_difference(rows["ours"], rows[peer])
            verdict = "agree" if max(difference.values()) <= AGREEMENT else f"DISAGREE beyond {AGREEMENT:g}"
            print(
                f"ours vs {peer}: {len(rows['ours'])} rows, max relative difference "
                f"estimate {difference['estimate']:.2e}, se {difference['se']:.2e} ({verdict})"
            )

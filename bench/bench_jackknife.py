"""Delete-one jackknife at survey scale: bounded memory on 1,000,000 respondents and 4,000 PSUs.

A jackknife has one replicate per PSU; as n x R replicate weights the issue's workload would need
1,000,000 x 4,000 doubles (32 GB). weighting keeps it per PSU (weighting/jackknife.py). Workload,
on the data of bench_estimation: JK1 (PSUs, strata ignored) or JKn (PSUs within the 200 strata)
replicates + overall mean of income + proportion of victims by 16 and by 64 domains.

Each run is a fresh process, so that its peak resident memory (printed, with the memory the data
alone takes) is its own. R survey cannot hold the replicate weights of the full size, so R runs on
a smaller file (--r-rows, same generator) together with ours on that file: seconds, ratio,
peak memory, and the largest relative difference between our estimates/SEs and R's.

    python -m bench jackknife -- [--rows N] [--r-rows N] [--methods jk1,jkn] [--no-r]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from bench.bench_estimation import AGREEMENT, RESULTS, _tidy, files_for, largest_difference

ROOT = Path(__file__).resolve().parents[1]
R_SCRIPT = Path(__file__).resolve().parent / "jackknife.R"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(rows: int, method: str, out: Path) -> None:
    """Our workload in this process: writes seconds, peak memory and estimates to ``out``."""
    from weighting import Design, Survey
    from weighting.estimators import mean, proportion
    from weighting.replicates import make_replicates

    parquet, _, _ = files_for(rows)
    data = pd.read_parquet(parquet)
    data_rss = _peak_rss_mb()
    strata = "stratum" if method == "jkn" else None
    wall, cpu = time.perf_counter(), time.process_time()
    base = Survey(data, Design(weight="weight", strata=strata, clusters=("psu",)))
    survey = make_replicates(base, method, storage="psu")  # as "auto" keeps it when columns do not fit
    frames = [_tidy(mean(survey, "income", ci="wald").to_frame(), method, "mean", None)]
    for domain in ("domain16", "domain64"):
        table = proportion(survey, "victim", by=(domain,), ci="wald").to_frame()
        frames.append(_tidy(table, method, f"proportion_by_{domain}", domain))
    figures = {
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak_rss_mb": _peak_rss_mb(),
        "data_rss_mb": data_rss,
        "replicates": survey.design.replicate.count,
    }
    pd.concat(frames).to_csv(out.with_suffix(".csv"), index=False)
    out.write_text(json.dumps(figures))


def ours(rows: int, method: str) -> tuple[dict[str, float], pd.DataFrame]:
    out = RESULTS / f"jackknife_ours_{method}_{rows}.json"
    files_for(rows)  # written once, outside the measured process
    subprocess.run(
        [sys.executable, "-m", "bench.bench_jackknife", "--child", method, "--rows", str(rows), "--out", str(out)],
        check=True, cwd=ROOT,
    )
    estimates = pd.read_csv(out.with_suffix(".csv"), keep_default_na=False, dtype={"domain": str, "level": str})
    return json.loads(out.read_text()), estimates


def r_survey(rows: int, method: str) -> tuple[dict[str, float], pd.DataFrame]:
    _, csv, _ = files_for(rows)
    subprocess.run(["Rscript", str(R_SCRIPT), str(csv), method, str(RESULTS)], check=True)
    seconds = pd.read_csv(RESULTS / "r_jackknife_seconds.csv").set_index("step")["seconds"].to_dict()
    estimates = pd.read_csv(
        RESULTS / "r_jackknife_estimates.csv", keep_default_na=False, dtype={"domain": str, "level": str}
    )
    return {"seconds": seconds[method], "cpu": seconds[f"{method}_cpu"], "peak_rss_mb": seconds["peak_rss_mb"]}, estimates


def _describe(tool: str, rows: int, figures: dict[str, float]) -> str:
    line = f"  {tool:<5} {rows:>9,} rows  {figures['seconds']:7.2f} s wall  {figures['cpu']:7.2f} s CPU  peak RSS {figures['peak_rss_mb']:7.0f} MB"
    if "data_rss_mb" in figures:
        line += f" (data alone {figures['data_rss_mb']:.0f} MB; {figures['replicates']:,} replicates kept per PSU)"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench_jackknife", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--r-rows", type=int, default=50_000, help="size of the comparison with R")
    parser.add_argument("--methods", default="jk1,jkn")
    parser.add_argument("--no-r", action="store_true", help="skip R survey")
    parser.add_argument("--child", choices=["jk1", "jkn"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.rows, options.child, options.out)
        return

    RESULTS.mkdir(exist_ok=True)
    for method in options.methods.split(","):
        print(f"{method}:")
        figures, _ = ours(options.rows, method)
        print(_describe("ours", options.rows, figures))
        if options.no_r or not shutil.which("Rscript"):
            continue
        small, small_rows = ours(options.r_rows, method)
        r_figures, r_rows = r_survey(options.r_rows, method)
        print(_describe("ours", options.r_rows, small))
        print(_describe("R", options.r_rows, r_figures))
        difference = largest_difference(small_rows, r_rows)
        verdict = "agree" if max(difference.values()) <= AGREEMENT else f"DISAGREE beyond {AGREEMENT:g}"
        print(
            f"  R/ours at {options.r_rows:,} rows: {r_figures['seconds'] / small['seconds']:.1f}x wall, "
            f"{r_figures['cpu'] / small['cpu']:.1f}x CPU; max relative difference estimate "
            f"{difference['estimate']:.2e}, se {difference['se']:.2e} ({verdict})"
        )


if __name__ == "__main__":
    main()

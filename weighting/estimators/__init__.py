"""Design-based estimators in R survey's vocabulary; every one returns an EstimateTable."""

from weighting.estimators.linear import mean, proportion, ratio, total

__all__ = ["mean", "proportion", "ratio", "total"]

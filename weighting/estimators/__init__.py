"""Design-based estimators in R survey's vocabulary; every one returns an EstimateTable."""

from weighting.estimators.difference import difference
from weighting.estimators.linear import mean, proportion, ratio, total
from weighting.estimators.quantiles import quantile

__all__ = ["difference", "mean", "proportion", "quantile", "ratio", "total"]

"""Design-based estimators in R survey's vocabulary; every one returns an EstimateTable.

Choices R leaves open, as taken here (each matches an R call recorded in
tests/golden/estimators/make_golden.R):

- Domains (``by``, ``domain``) and missing values never drop rows from the design: the variance
  is R's ``svyby``/``subset`` one, rows outside keep their PSU. Missing values in the analysis
  variables act as R's ``na.rm=TRUE``.
- ``df`` of a domain estimate is ``degf(subset(design, domain & non-missing))``: PSUs minus
  strata among its rows, or for replicate designs the QR rank of its replicate weights - 1
  (``ReplicateSpec.df`` overrides it). Wald intervals use t with that df.
- Lonely PSUs follow ``Design.lonely_psu`` (R's ``survey.lonely.psu``) and, for strata that a
  domain reaches through one PSU only, ``Design.adjust_domain_lonely`` (R's
  ``survey.adjust.domain.lonely``, default False).
- Proportion intervals: ``ci="logit"`` (svyciprop default), ``"beta"`` (Korn-Graubard, R's
  effective-sample-size rule), ``"wald"``. With zero variance the beta interval is the point
  estimate (R returns 0.5 at both ends there).
- Quantiles: ``qrule="math"`` with Woodruff intervals (``interval.type="mean"``), survey 4.x
  defaults; the SE is R's (upper - lower) / (2 t).
"""

from weighting.estimators.difference import difference
from weighting.estimators.linear import mean, proportion, ratio, total
from weighting.estimators.quantiles import quantile

__all__ = ["difference", "mean", "proportion", "quantile", "ratio", "total"]

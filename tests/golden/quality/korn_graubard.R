# Reference Korn-Graubard intervals for weighting/quality.py (NCHS proportion standard).
# Run from this directory: Rscript korn_graubard.R   (R survey 4.1.1)
# Writes korn_graubard.csv: per case the proportion, its SE, the domain's unweighted n and
# degrees of freedom, R's svyciprop(method = "beta") interval, and the NCHS variant in which the
# df-adjusted effective sample size is capped at n (svyciprop_adjusted by M. Talih, used by NCHS
# in CDCgov/surveytable), plus the NCHS effective sample size p(1-p)/SE^2 capped at n.
suppressMessages(library(survey))
data(api)
options(digits = 15)

stratified <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
clustered <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
twostage <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)

cases <- list(
  list(name = "strat_schwide", design = stratified, formula = ~I(sch.wide == "Yes")),
  list(name = "strat_awards_E", design = subset(stratified, stype == "E"), formula = ~I(awards == "Yes")),
  list(name = "strat_api800_H", design = subset(stratified, stype == "H"), formula = ~I(api00 > 800)),
  list(name = "strat_api800_M", design = subset(stratified, stype == "M"), formula = ~I(api00 > 800)),
  list(name = "clus_compimp", design = clustered, formula = ~I(comp.imp == "Yes")),
  list(name = "clus_api800_H", design = subset(clustered, stype == "H"), formula = ~I(api00 > 800)),
  list(name = "clus_api850", design = clustered, formula = ~I(api00 > 850)),
  list(name = "clus_yr_rnd_M", design = subset(clustered, stype == "M"), formula = ~I(yr.rnd == "Yes")),
  list(name = "clus_api700", design = clustered, formula = ~I(api00 > 700)),
  list(name = "clus_schwide_H", design = subset(clustered, stype == "H"), formula = ~I(sch.wide == "Yes")),
  list(name = "clus2_api700", design = twostage, formula = ~I(api00 > 700)),
  list(name = "clus2_awards_M", design = subset(twostage, stype == "M"), formula = ~I(awards == "Yes"))
)

nchs_interval <- function(p, variance, n, df, level = 0.95) {
  alpha <- 1 - level
  ratio <- if (df > 0) (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2 else 0
  n_eff <- if (p > 0 && p < 1) min(n, p * (1 - p) / variance * ratio) else n
  c(qbeta(alpha / 2, n_eff * p, n_eff * (1 - p) + 1), qbeta(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))
}

rows <- lapply(cases, function(case) {
  design <- case$design
  ci <- svyciprop(case$formula, design, method = "beta")
  p <- as.numeric(ci)
  variance <- as.numeric(attr(ci, "var"))
  n <- nrow(design)
  df <- degf(design)
  nchs <- nchs_interval(p, variance, n, df)
  data.frame(
    case = case$name, estimate = p, se = sqrt(variance), n = n, df = df,
    r_beta_low = attr(ci, "ci")[1], r_beta_high = attr(ci, "ci")[2],
    nchs_low = nchs[1], nchs_high = nchs[2],
    effective_n = if (p > 0 && p < 1) min(n, p * (1 - p) / variance) else n
  )
})
write.csv(do.call(rbind, rows), "korn_graubard.csv", row.names = FALSE)

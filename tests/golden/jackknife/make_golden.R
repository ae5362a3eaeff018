# Reference numbers for jackknives on thousands of PSUs (weighting/jackknife.py), from R `survey`.
# Regenerate: cd tests/golden/jackknife && Rscript make_golden.R
# Writes the seeded data (jk1.csv: 2,000 PSUs, no strata; jkn.csv: 120 strata, 2,400 PSUs, one
# census stratum) and expected.csv: one row per (case, domain, level) with R's estimate, SE and
# df = degf(subset(design, domain & non-missing)).
suppressPackageStartupMessages({
  library(survey)
})
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)
set.seed(20261121)

make_data <- function(n_strata, psus_per_stratum) {
  n_psu <- n_strata * psus_per_stratum
  rows <- sample(1:3, n_psu, replace = TRUE)
  psu <- rep(seq_len(n_psu), rows)
  n <- length(psu)
  stratum <- (psu - 1) %/% psus_per_stratum + 1
  effect <- rnorm(n_psu, 0, 0.5)[psu]
  data.frame(
    stratum = stratum,
    psu = psu,
    weight = round(runif(n_strata, 50, 300)[stratum] * runif(n, 0.8, 1.2), 6),
    population = psus_per_stratum * 8,
    region = (psu %% 4) + 1,
    sex = sample(c("f", "m"), n, replace = TRUE),
    victim = as.integer(runif(n) < plogis(-1.5 + effect)),
    income = ifelse(runif(n) < 0.03, NA, round(exp(9 + 0.4 * effect + rnorm(n, 0, 0.5)), 2)),
    household = sample(1:6, n, replace = TRUE)
  )
}

jk1_data <- make_data(1, 2000)
jkn_data <- make_data(120, 20)
jkn_data$population[jkn_data$stratum == 7] <- 20  # a census stratum: no replicates, no variance
write.csv(jk1_data, "jk1.csv", row.names = FALSE, na = "")
write.csv(jkn_data, "jkn.csv", row.names = FALSE, na = "")

designs <- list(
  jk1 = as.svrepdesign(svydesign(ids = ~psu, weights = ~weight, fpc = ~population, data = jk1_data),
                       type = "JK1"),
  jk1_nofpc_mse = as.svrepdesign(svydesign(ids = ~psu, weights = ~weight, data = jk1_data),
                                 type = "JK1", mse = TRUE),
  jkn = as.svrepdesign(svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~population,
                                 data = jkn_data), type = "JKn")
)

# df: R's degf of the subset the estimate uses (subset() computes it once: a QR of its weights)
rows_of <- function(case, statistic, domain, result, design) {
  est <- coef(result)
  data.frame(case = case, statistic = statistic, domain = domain, level = names(est),
             estimate = sprintf("%.17g", unname(est)), se = sprintf("%.17g", unname(SE(result))),
             df = degf(design))
}

expected <- list()
add <- function(...) expected[[length(expected) + 1]] <<- rows_of(...)
for (case in names(designs)) {
  design <- designs[[case]]
  with_income <- subset(design, !is.na(income))
  add(case, "mean_income", "", svymean(~income, design, na.rm = TRUE), with_income)
  add(case, "total_victim", "", svytotal(~victim, design), design)
  add(case, "ratio_income_household", "", svyratio(~income, ~household, design, na.rm = TRUE), with_income)
  for (r in sort(unique(design$variables$region))) {
    in_region <- subset(design, region == r)
    add(case, "proportion_sex_by_region", as.character(r), svymean(~sex, in_region), in_region)
    add(case, "mean_income_by_region", as.character(r), svymean(~income, in_region, na.rm = TRUE),
        subset(in_region, !is.na(income)))
  }
}
write.csv(do.call(rbind, expected), "expected.csv", row.names = FALSE)

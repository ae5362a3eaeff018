# Reference numbers for weighting/ estimators, from R `survey` (4.1.1) on the `api` data.
# Regenerate: cd tests/golden/estimators && Rscript make_golden.R
# Writes the data the Python tests use (api*.csv, with derived columns) and cases.json:
# one entry per (design, estimator call), with the R call text and the expected rows.
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)
data(api)

meals_band <- function(meals) as.character(cut(meals, c(-1, 25, 60, 100), labels = c("low", "mid", "high")))
apistrat$meals_band <- meals_band(apistrat$meals)
apiclus1$meals_band <- meals_band(apiclus1$meals)
apiclus2$meals_band <- meals_band(apiclus2$meals)
apisrs$meals_band <- meals_band(apisrs$meals)

# ---- data, with derived columns the cases need ----------------------------------------
# acs.k3 / acs.46 carry R's own missing values; stype_na adds missing values to a factor.
apistrat$stype_na <- apistrat$stype
apistrat$stype_na[seq(5, 200, by = 9)] <- NA
# One school alone in stratum "X": a singleton stratum for the lonely-PSU rules.
apistrat$stratum_lonely <- as.character(apistrat$stype)
apistrat$stratum_lonely[1] <- "X"
# "pocket": a small domain with a single PSU in strata E and M (several PSUs each), for
# survey.adjust.domain.lonely, and without the lonely stratum X (so "fail" has nothing to refuse).
apistrat$pocket <- "no"
apistrat$pocket[c(which(apistrat$stype == "E")[5], which(apistrat$stype == "H")[1:3],
                  which(apistrat$stype == "M")[7])] <- "yes"
stopifnot(apistrat$pocket[1] == "no")
# fpc2_lonely: two districts with one sampled school out of several, so the second stage has
# lonely units (strata at stage 2 are the PSUs).
apiclus2$fpc2_lonely <- as.numeric(apiclus2$fpc2)
apiclus2$fpc2_lonely[apiclus2$dnum %in% c(15, 456)] <- 4
apiclus1$stype_na <- apiclus1$stype
apiclus1$stype_na[seq(3, 183, by = 11)] <- NA

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)

# Replicate weights, exported as full weights and read back through svrepdesign(repweights=):
# the Python side sees exactly what an analyst importing replicate weights sees.
set.seed(20240611)
jk1 <- as.svrepdesign(dclus1, type = "JK1")
jk1_w <- weights(jk1, "analysis")
colnames(jk1_w) <- paste0("jk1_", seq_len(ncol(jk1_w)))
apiclus1 <- cbind(apiclus1, jk1_w)
jkn <- as.svrepdesign(dstrat, type = "JKn")
jkn_w <- weights(jkn, "analysis")
colnames(jkn_w) <- paste0("jkn_", seq_len(ncol(jkn_w)))
boot <- as.svrepdesign(dstrat, type = "bootstrap", replicates = 50)
boot_w <- weights(boot, "analysis")
colnames(boot_w) <- paste0("boot_", seq_len(ncol(boot_w)))
apistrat <- cbind(apistrat, jkn_w, boot_w)

# Doubles are written with 17 significant digits so that Python reads R's exact values
# (quantiles compare cumulative weights with p * total for equality).
exact <- function(df) {
  df[] <- lapply(df, function(x) if (is.double(x)) ifelse(is.na(x), NA, sprintf("%.17g", x)) else x)
  df
}
keep <- function(df, extra) exact(df)[, c("cds", "stype", "dnum", "snum", "pw", "api00", "api99", "enroll",
                                     "comp.imp", "sch.wide", "awards", "meals", "meals_band", "ell", "acs.k3", "acs.46",
                                     extra)]
write.csv(keep(apistrat, c("fpc", "stype_na", "stratum_lonely", "pocket", colnames(jkn_w), colnames(boot_w))),
          "apistrat.csv", row.names = FALSE, na = "", quote = FALSE)
write.csv(keep(apiclus1, c("fpc", "stype_na", colnames(jk1_w))), "apiclus1.csv", row.names = FALSE, na = "", quote = FALSE)
write.csv(keep(apiclus2, c("fpc1", "fpc2", "fpc2_lonely")), "apiclus2.csv", row.names = FALSE, na = "", quote = FALSE)
write.csv(keep(apisrs, c("fpc")), "apisrs.csv", row.names = FALSE, na = "", quote = FALSE)

# ---- designs: the R object and the same design for weighting.Design ---------------------
design_spec <- function(data, weight = "pw", strata = NULL, clusters = character(0), fpc = character(0),
                        nest = FALSE, lonely_psu = "fail", adjust_domain_lonely = FALSE, replicate = NULL) {
  list(data = data, weight = weight, strata = strata, clusters = I(clusters), fpc = I(fpc), nest = nest,
       lonely_psu = lonely_psu, adjust_domain_lonely = adjust_domain_lonely, replicate = replicate)
}
rep_spec <- function(prefix, n, method, design) {
  list(columns = paste0(prefix, seq_len(n)), method = method, scale = design$scale,
       rscales = I(as.numeric(design$rscales)), mse = isTRUE(design$mse))
}
lonely_data <- apistrat
designs <- list(
  strat = list(r = dstrat, spec = design_spec("apistrat", strata = "stype", fpc = "fpc")),
  strat_nofpc = list(r = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat),
                     spec = design_spec("apistrat", strata = "stype")),
  strat_clus_nest = list(r = svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = apistrat, nest = TRUE),
                         spec = design_spec("apistrat", strata = "stype", clusters = "dnum", nest = TRUE)),
  clus1 = list(r = dclus1, spec = design_spec("apiclus1", clusters = "dnum", fpc = "fpc")),
  clus1_nofpc = list(r = svydesign(id = ~dnum, weights = ~pw, data = apiclus1),
                     spec = design_spec("apiclus1", clusters = "dnum")),
  clus2 = list(r = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2),
               spec = design_spec("apiclus2", clusters = c("dnum", "snum"), fpc = c("fpc1", "fpc2"))),
  clus2_nofpc = list(r = svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2),
                     spec = design_spec("apiclus2", clusters = c("dnum", "snum"))),
  srs = list(r = svydesign(id = ~1, weights = ~pw, data = apisrs, fpc = ~fpc),
             spec = design_spec("apisrs", fpc = "fpc")),
  srs_nofpc = list(r = svydesign(id = ~1, weights = ~pw, data = apisrs), spec = design_spec("apisrs")),
  jk1 = list(r = svrepdesign(data = apiclus1, repweights = "jk1_[0-9]+", weights = ~pw, type = "JK1",
                             scale = jk1$scale, rscales = jk1$rscales, combined.weights = TRUE),
             spec = design_spec("apiclus1", replicate = rep_spec("jk1_", ncol(jk1_w), "jk1", jk1))),
  jkn = list(r = svrepdesign(data = apistrat, repweights = "jkn_[0-9]+", weights = ~pw, type = "JKn",
                             scale = jkn$scale, rscales = jkn$rscales, combined.weights = TRUE),
             spec = design_spec("apistrat", replicate = rep_spec("jkn_", ncol(jkn_w), "jkn", jkn))),
  boot = list(r = svrepdesign(data = apistrat, repweights = "boot_[0-9]+", weights = ~pw, type = "bootstrap",
                              scale = boot$scale, rscales = boot$rscales, combined.weights = TRUE),
              spec = design_spec("apistrat", replicate = rep_spec("boot_", ncol(boot_w), "bootstrap", boot))),
  boot_mse = list(r = svrepdesign(data = apistrat, repweights = "boot_[0-9]+", weights = ~pw, type = "bootstrap",
                                  scale = boot$scale, rscales = boot$rscales, combined.weights = TRUE, mse = TRUE),
                  spec = {s <- design_spec("apistrat", replicate = rep_spec("boot_", ncol(boot_w), "bootstrap", boot))
                          s$replicate$mse <- TRUE; s})
)
# Calibrated designs (weighting.poststratify / rake / calibrate build the same weights; W2 tests
# those). Here they check domain estimates: R keeps every row of a calibrated design in a subset.
pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
adjustments <- list(
  poststratify = list(kind = "poststratify", totals = list(stype = list(E = 4421, H = 755, M = 1018))),
  rake = list(kind = "rake", margins = list(stype = list(E = 4421, H = 755, M = 1018),
                                            sch.wide = list(No = 1072, Yes = 5122))),
  calibrate = list(kind = "calibrate", variables = I(c("stype", "api99")),
                   totals = list(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)))
with_adjustment <- function(spec, adjustment) c(spec, list(adjustment = adjustment))
designs$clus1_poststratified <- list(
  r = postStratify(dclus1, ~stype, pop_types),
  spec = with_adjustment(designs$clus1$spec, adjustments$poststratify))
designs$clus1_raked <- list(
  r = rake(dclus1, list(~stype, ~sch.wide), list(pop_types, pop_schwide)),
  spec = with_adjustment(designs$clus1$spec, adjustments$rake))
designs$clus1_calibrated <- list(
  r = calibrate(dclus1, ~stype + api99, c(6194, 755, 1018, 3914069)),
  spec = with_adjustment(designs$clus1$spec, adjustments$calibrate))
designs$strat_calibrated <- list(
  r = calibrate(dstrat, ~stype + api99, c(6194, 755, 1018, 3914069)),
  spec = with_adjustment(designs$strat$spec, adjustments$calibrate))

# Imported replicate weights reproduce the replicate design R built.
stopifnot(all.equal(SE(svymean(~api00, designs$jk1$r)), SE(svymean(~api00, jk1))))
for (rule in c("fail", "remove", "certainty", "adjust", "average")) {
  for (adl in c(FALSE, TRUE)) {
    if (adl && !(rule %in% c("adjust", "average"))) next
    name <- paste0("lonely_", rule, if (adl) "_domain" else "")
    designs[[name]] <- list(
      r = svydesign(id = ~1, strata = ~stratum_lonely, weights = ~pw, data = apistrat, fpc = ~fpc),
      spec = design_spec("apistrat", strata = "stratum_lonely", fpc = "fpc", lonely_psu = rule,
                         adjust_domain_lonely = adl),
      lonely = rule, adjust_domain_lonely = adl)
  }
  designs[[paste0("lonely_stage2_", rule)]] <- list(
    r = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2_lonely, weights = ~pw, data = apiclus2),
    spec = design_spec("apiclus2", clusters = c("dnum", "snum"), fpc = c("fpc1", "fpc2_lonely"), lonely_psu = rule),
    lonely = rule, adjust_domain_lonely = FALSE)
  designs[[paste0("lonely2_", rule)]] <- list(
    r = svydesign(id = ~dnum, strata = ~stratum_lonely, weights = ~pw, data = apistrat, nest = TRUE),
    spec = design_spec("apistrat", strata = "stratum_lonely", clusters = "dnum", nest = TRUE, lonely_psu = rule),
    lonely = rule, adjust_domain_lonely = FALSE)
}

# ---- estimators -------------------------------------------------------------------------
num <- function(x) if (is.null(x) || length(x) == 0) NA_real_ else as.numeric(x)
domain_design <- function(des, domain) {
  if (is.null(domain)) return(des)
  keep <- rep(TRUE, nrow(des))
  vars <- des$variables
  for (col in names(domain)) keep <- keep & !is.na(vars[[col]]) & as.character(vars[[col]]) == domain[[col]]
  des[keep, ]
}
nonmissing <- function(des, vars) {
  ok <- complete.cases(des$variables[, vars, drop = FALSE])
  des[ok, ]
}
cells <- function(des, by) {
  if (length(by) == 0) return(list(list(values = list(), design = des)))
  key <- unique(des$variables[, by, drop = FALSE])
  key <- key[do.call(order, unname(as.list(key))), , drop = FALSE]
  lapply(seq_len(nrow(key)), function(i) {
    values <- lapply(by, function(b) as.character(key[[b]][i]))
    names(values) <- by
    list(values = values, design = domain_design(des, values))
  })
}
tci <- function(est, se, df, level = 0.95) {
  q <- if (is.finite(df)) qt(1 - (1 - level) / 2, df) else qnorm(1 - (1 - level) / 2)
  c(est - q * se, est + q * se)
}
# Calibrated designs keep every row in a subset (with zero weight): count the rows that weigh.
base_row <- function(values, d) {
  w <- weights(d, "sampling")
  c(values, list(df = degf(d), n = sum(w != 0), weighted_n = sum(w)))
}

linear_rows <- function(des, stat, variable, by, domain) {
  fun <- if (stat == "mean") svymean else svytotal
  out <- list()
  for (cell in cells(domain_design(des, domain), by)) {
    d <- nonmissing(cell$design, variable)
    est <- fun(make.formula(variable), cell$design, na.rm = TRUE, deff = TRUE)
    row <- base_row(cell$values, d)
    ci <- tci(coef(est), SE(est), row$df)
    out[[length(out) + 1]] <- c(row, list(level = NA, estimate = num(coef(est)), se = num(SE(est)),
                                           ci_low = ci[1], ci_high = ci[2], deff = num(deff(est))))
  }
  out
}
proportion_rows <- function(des, variable, by, domain, ci_method) {
  out <- list()
  for (cell in cells(domain_design(des, domain), by)) {
    d <- nonmissing(cell$design, variable)
    est <- svymean(make.formula(variable), cell$design, na.rm = TRUE, deff = TRUE)
    levs <- levels(factor(des$variables[[variable]]))
    for (k in seq_along(levs)) {
      p <- coef(est)[k]
      se <- SE(est)[k]
      if (ci_method == "wald") {
        ci <- tci(p, se, degf(d))
      } else {
        # Calibrated designs keep missing rows (with zero weight): FALSE there changes nothing
        # but keeps svymean from returning NA.
        f <- as.formula(sprintf("~I(!is.na(%s) & %s == '%s')", variable, variable, levs[k]))
        ci <- as.numeric(attr(svyciprop(f, d, method = ci_method), "ci"))
      }
      out[[length(out) + 1]] <- c(base_row(cell$values, d),
                                  list(level = levs[k], estimate = num(p), se = num(se), ci_low = ci[1],
                                       ci_high = ci[2], deff = num(deff(est)[k])))
    }
  }
  out
}
ratio_rows <- function(des, numerator, denominator, by, domain) {
  out <- list()
  for (cell in cells(domain_design(des, domain), by)) {
    d <- nonmissing(cell$design, c(numerator, denominator))
    replicated <- inherits(des, "svyrep.design")
    est <- svyratio(make.formula(numerator), make.formula(denominator), cell$design, na.rm = TRUE,
                    deff = !replicated)
    row <- base_row(cell$values, d)
    r <- num(coef(est))
    se <- num(SE(est))
    ci <- tci(r, se, row$df)
    # svyratio.svyrep.design fails with deff=TRUE (it indexes the result list as a matrix);
    # this is the deff it means to compute: that of the total of numerator - ratio * denominator.
    deff <- if (replicated) {
      z <- d$variables[[numerator]] - r * d$variables[[denominator]]
      num(deff(svytotal(z, d, deff = TRUE)))
    } else num(attr(est, "deff"))
    out[[length(out) + 1]] <- c(row, list(level = NA, estimate = r, se = se, ci_low = ci[1], ci_high = ci[2],
                                           deff = deff))
  }
  out
}
quantile_rows <- function(des, variable, probs, by, domain) {
  out <- list()
  for (cell in cells(domain_design(des, domain), by)) {
    d <- nonmissing(cell$design, variable)
    q <- svyquantile(make.formula(variable), cell$design, probs, ci = TRUE, na.rm = TRUE)[[1]]
    for (k in seq_along(probs)) {
      out[[length(out) + 1]] <- c(base_row(cell$values, d),
                                  list(level = as.character(probs[k]), estimate = q[k, 1], se = q[k, 4],
                                       ci_low = q[k, 2], ci_high = q[k, 3], deff = NA))
    }
  }
  out
}

# svyby must agree with the cell-by-cell subsets the rows above are computed from.
check_svyby <- function(des, variable, by, rows) {
  sb <- svyby(make.formula(variable), make.formula(by), des, svymean, na.rm = TRUE, deff = TRUE)
  est <- sort(as.numeric(coef(sb)))
  stopifnot(isTRUE(all.equal(est, sort(sapply(rows, `[[`, "estimate")))))
  stopifnot(isTRUE(all.equal(sort(as.numeric(SE(sb))), sort(sapply(rows, `[[`, "se")))))
}

cases <- list()
add_case <- function(design_name, estimator, args, call_text, rows_fun) {
  d <- designs[[design_name]]
  if (!is.null(d$lonely)) {
    options(survey.lonely.psu = d$lonely, survey.adjust.domain.lonely = d$adjust_domain_lonely)
    on.exit(options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE))
  }
  result <- tryCatch(list(rows = suppressWarnings(rows_fun(d$r))), error = function(e) list(error = conditionMessage(e)))
  id <- sprintf("%s/%s/%d", design_name, estimator, length(cases) + 1)
  cases[[length(cases) + 1]] <<- c(list(id = id, design = d$spec, estimator = estimator, args = args,
                                         r_call = call_text), result)
}
case <- function(design_name, estimator, variable, by = character(0), domain = NULL, ci = "wald",
                 denominator = NULL, quantiles = NULL) {
  args <- list(variable = variable, by = I(by), domain = domain, ci = ci, denominator = denominator,
               quantiles = if (is.null(quantiles)) NULL else I(quantiles))
  call_text <- sprintf("%s(~%s%s, design=%s%s%s) ci=%s", estimator, variable,
                       if (is.null(denominator)) "" else paste0(", ~", denominator), design_name,
                       if (length(by)) paste0(", by=~", paste(by, collapse = "+")) else "",
                       if (is.null(domain)) "" else paste0(", subset ", toJSON(domain, auto_unbox = TRUE)), ci)
  rows_fun <- switch(estimator,
    mean = function(des) linear_rows(des, "mean", variable, by, domain),
    total = function(des) linear_rows(des, "total", variable, by, domain),
    proportion = function(des) proportion_rows(des, variable, by, domain, ci),
    ratio = function(des) ratio_rows(des, variable, denominator, by, domain),
    quantile = function(des) quantile_rows(des, variable, quantiles, by, domain))
  add_case(design_name, estimator, args, call_text, rows_fun)
}

taylor <- c("strat", "strat_nofpc", "strat_clus_nest", "clus1", "clus1_nofpc", "clus2", "clus2_nofpc", "srs",
            "srs_nofpc")
replicate <- c("jk1", "jkn", "boot", "boot_mse")
for (dn in c(taylor, replicate)) {
  case(dn, "mean", "api00")
  case(dn, "mean", "enroll", by = "stype")
  case(dn, "mean", "api00", by = c("stype", "comp.imp"))
  case(dn, "mean", "api00", domain = list(comp.imp = "Yes"))
  case(dn, "mean", "acs.k3")
  case(dn, "mean", "acs.46", by = "sch.wide")
  case(dn, "total", "enroll")
  case(dn, "total", "api00", by = "stype", domain = list(sch.wide = "Yes"))
  case(dn, "total", "acs.k3")
  for (ci in c("wald", "logit", "beta")) {
    # Shares of the stratification variable have zero variance in stratified designs; R's beta
    # interval is then float noise (qbeta with infinite shapes), so beta uses meals_band only.
    if (ci != "beta") case(dn, "proportion", "stype", ci = ci)
    case(dn, "proportion", "meals_band", ci = ci)
    case(dn, "proportion", "awards", by = "stype", ci = ci)
  }
  case(dn, "proportion", "comp.imp", domain = list(sch.wide = "Yes"), ci = "logit")
  case(dn, "ratio", "api00", denominator = "api99")
  case(dn, "ratio", "api00", denominator = "api99", by = "stype")
  case(dn, "ratio", "acs.k3", denominator = "api99", domain = list(sch.wide = "Yes"))
  case(dn, "quantile", "api00", quantiles = c(0.25, 0.5, 0.75))
  case(dn, "quantile", "enroll", by = "stype", quantiles = c(0.5, 0.9))
  case(dn, "quantile", "acs.k3", quantiles = c(0.1, 0.5))
}
for (dn in c("strat", "clus1", "jk1")) {
  for (ci in c("wald", "logit", "beta")) case(dn, "proportion", "stype_na", ci = ci)
}
for (dn in c("clus1_poststratified", "clus1_raked", "clus1_calibrated", "strat_calibrated")) {
  case(dn, "mean", "api00")
  case(dn, "mean", "api00", by = "comp.imp")
  case(dn, "mean", "acs.k3", by = "sch.wide")
  case(dn, "total", "enroll", domain = list(awards = "Yes"))
  for (ci in c("wald", "logit", "beta")) case(dn, "proportion", "meals_band", by = "sch.wide", ci = ci)
  case(dn, "proportion", "stype_na", ci = "beta")
  case(dn, "ratio", "api00", denominator = "api99", by = "awards")
  case(dn, "quantile", "api00", by = "comp.imp", quantiles = c(0.25, 0.5))
}
lonely <- grep("^lonely", names(designs), value = TRUE)
for (dn in grep("^lonely_stage2", lonely, value = TRUE)) {
  case(dn, "mean", "api00")
  case(dn, "total", "enroll", by = "stype")
  case(dn, "proportion", "sch.wide", domain = list(comp.imp = "Yes"), ci = "logit")
}
lonely <- grep("^lonely_stage2", lonely, value = TRUE, invert = TRUE)
for (dn in lonely) {
  case(dn, "mean", "api00")
  case(dn, "total", "enroll")
  case(dn, "mean", "api00", by = "comp.imp")
  case(dn, "mean", "api00", by = c("stype", "awards"))
  case(dn, "total", "api00", domain = list(awards = "No"))
  case(dn, "proportion", "sch.wide", by = "awards", ci = "logit")
  case(dn, "ratio", "api00", denominator = "api99", by = "comp.imp")
  case(dn, "mean", "api00", by = "pocket")
  case(dn, "total", "enroll", domain = list(pocket = "yes"))
  case(dn, "proportion", "sch.wide", domain = list(pocket = "yes"), ci = "beta")
}

# svyby agrees with the subsets on a few designs.
options(survey.lonely.psu = "fail")
check_svyby(dstrat, "api00", "stype", linear_rows(dstrat, "mean", "api00", "stype", NULL))
check_svyby(dclus1, "acs.46", c("sch.wide"), linear_rows(dclus1, "mean", "acs.46", "sch.wide", NULL))
check_svyby(designs$jk1$r, "api00", c("stype", "comp.imp"),
            linear_rows(designs$jk1$r, "mean", "api00", c("stype", "comp.imp"), NULL))

# Difference between two domains (svyby covmat + svycontrast) and two independent waves.
differences <- list()
for (dn in c("strat", "clus1", "clus2", "jk1", "boot")) {
  des <- designs[[dn]]$r
  sb <- svyby(~api00, ~comp.imp, des, svymean, covmat = TRUE)
  con <- svycontrast(sb, c(-1, 1))
  differences[[length(differences) + 1]] <- list(
    id = paste0(dn, "/difference/domains"), design = designs[[dn]]$spec, variable = "api00", by = "comp.imp",
    first = "No", second = "Yes", r_call = "svycontrast(svyby(~api00, ~comp.imp, design, svymean, covmat=TRUE), c(-1, 1))",
    estimate = num(coef(con)), se = num(SE(con)), df = degf(des))
}
waves <- list(c("srs", "strat"), c("clus1", "clus2"))
for (w in waves) {
  a <- svymean(~api00, designs[[w[1]]]$r)
  b <- svymean(~api00, designs[[w[2]]]$r)
  va <- as.numeric(vcov(a)); vb <- as.numeric(vcov(b))
  dfa <- degf(designs[[w[1]]]$r); dfb <- degf(designs[[w[2]]]$r)
  differences[[length(differences) + 1]] <- list(
    id = paste0(w[1], "-", w[2], "/difference/waves"), first_design = designs[[w[1]]]$spec,
    second_design = designs[[w[2]]]$spec, variable = "api00",
    r_call = "coef(svymean(b)) - coef(svymean(a)); se = sqrt(vcov(a) + vcov(b)); Welch-Satterthwaite df",
    estimate = num(coef(b) - coef(a)), se = sqrt(va + vb), df = (va + vb)^2 / (va^2 / dfa + vb^2 / dfb))
}

write_json(list(survey_version = as.character(packageVersion("survey")), cases = cases,
                differences = differences),
           "cases.json", auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = FALSE)
cat("wrote", length(cases), "cases and", length(differences), "differences\n")

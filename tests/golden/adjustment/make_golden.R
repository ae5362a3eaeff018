# Reference numbers for weight construction and adjustment (weighting/poststratify.py, raking.py,
# calibrate.py, trimming.py, nonresponse.py, replicates.py).
# Run from this directory:  Rscript make_golden.R   (R survey 4.1.1)
# Writes: api*.csv (the data), weights_*.csv (the adjusted weight of every row, one column per
# case), residuals_*.csv (influence values after the calibration stages, as svyrecvar sees them), estimates.csv (svymean/svytotal and SE after each adjustment), replicates_*.csv (replicate
# weights exported from as.svrepdesign, compress=FALSE, as full analysis weights) and
# replicates.json (scale, rscales, degf, type of each replicate design).
suppressMessages(library(survey))
options(digits = 17)
data(api)
stopifnot(packageVersion("survey") == "4.1.1")

write_data <- function(df, name) {
  for (v in names(df)) if (is.factor(df[[v]])) df[[v]] <- as.character(df[[v]])
  write.csv(df, paste0(name, ".csv"), row.names = FALSE, na = "")
}
write_data(apistrat, "apistrat")
write_data(apiclus1, "apiclus1")
write_data(apiclus2, "apiclus2")

fmt <- function(x) sprintf("%.17g", x)
estimate_rows <- list()
record <- function(case, design, variables = c("api00", "enroll")) {
  for (v in variables) {
    f <- as.formula(paste0("~", v))
    m <- svymean(f, design, na.rm = TRUE)
    t <- svytotal(f, design, na.rm = TRUE)
    estimate_rows[[length(estimate_rows) + 1]] <<- data.frame(
      case = case, statistic = c("mean", "total"), variable = v,
      estimate = fmt(c(coef(m), coef(t))), se = fmt(c(SE(m), SE(t))))
  }
}

# The calibration stages' residuals of the influence values of totals of api00 and api99, computed
# with the loop of survey:::svyrecvar (copied verbatim below) before its stage-wise variance.
residualize <- function(x, postStrata) {
  x <- as.matrix(x)
  for (psvar in postStrata) {
    if (inherits(psvar, "greg_calibration")) {
      stopifnot(psvar$stage == 0)
      x <- as.matrix(qr.resid(psvar$qr, x / psvar$w) * psvar$w)
    } else if (inherits(psvar, "raking")) {
      for (iterations in 1:10) {
        for (margin in psvar) {
          psw <- attr(margin, "weights")
          x <- x - psw * apply(x / psw, 2, ave, margin)
        }
      }
    } else {
      psw <- attr(psvar, "weights")
      oldw <- attr(psvar, "oldweights")
      if (is.null(oldw)) oldw <- rep(1, length(psw))
      zeroes <- which(psw == 0 & oldw == 0)
      if (length(zeroes)) psw[zeroes] <- 1
      psvar <- as.factor(psvar)
      psmeans <- rowsum(x * oldw / psw, psvar, reorder = TRUE) / as.vector(by(oldw, psvar, sum))
      x <- x - psmeans[match(psvar, sort(unique(psvar))), ] * psw
    }
  }
  x
}
write_residuals <- function(designs, file) {
  columns <- list()
  for (case in names(designs)) {
    d <- designs[[case]]
    if (is.null(d$postStrata)) next
    r <- residualize(cbind(d$variables$api00, d$variables$api99) / d$prob, d$postStrata)
    columns[[paste0(case, ".api00")]] <- fmt(r[, 1])
    columns[[paste0(case, ".api99")]] <- fmt(r[, 2])
  }
  write.csv(data.frame(columns, check.names = FALSE), file, row.names = FALSE, quote = FALSE)
}

# ---------------------------------------------------------------- one-stage cluster (apiclus1)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
pop.cross <- as.data.frame(xtabs(~ stype + sch.wide, apipop))

clus1 <- list()
record("clus1_none", dclus1)
clus1$poststratify_stype <- postStratify(dclus1, ~stype, pop.types)
clus1$poststratify_stype_schwide <- postStratify(dclus1, ~ stype + sch.wide, pop.cross)
clus1$rake_stype_schwide <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
# epsilon < 1 is relative to the total weight, and a looser maxit still converges
clus1$rake_relative_epsilon <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                                    control = list(maxit = 50, epsilon = 1e-9))
clus1$calibrate_linear <- calibrate(dclus1, ~ stype + api99, pop.totals)
clus1$calibrate_linear_bounded <- calibrate(dclus1, ~ stype + api99, pop.totals, bounds = c(0.6, 1.6))
clus1$calibrate_raking <- calibrate(dclus1, ~ stype + api99, pop.totals, calfun = "raking")
clus1$calibrate_logit <- calibrate(dclus1, ~ stype + api99, pop.totals, calfun = "logit",
                                   bounds = c(0.6, 1.6))
clus1$calibrate_categorical_only <- calibrate(dclus1, ~ stype + sch.wide,
                                              c(pop.totals[1:3], sch.wideYes = 5122))
# calibration on top of post-stratification: two stages residualized in order
clus1$poststratify_then_calibrate <- calibrate(clus1$poststratify_stype, ~ api99,
                                               c(`(Intercept)` = 6194, api99 = 3914069))
# one g per district (integrated weighting: every member of a cluster gets the same adjustment)
clus1$calibrate_aggregate <- calibrate(dclus1, ~stype, pop.totals[1:3], aggregate.stage = 1)
clus1$calibrate_aggregate_raking <- calibrate(dclus1, ~ stype + api99, pop.totals, calfun = "raking",
                                              aggregate.stage = 1)
clus1$trim <- trimWeights(clus1$calibrate_linear, lower = 20, upper = 45)
clus1$trim_strict <- trimWeights(clus1$calibrate_linear, lower = 20, upper = 45, strict = TRUE)
for (case in names(clus1)) record(paste0("clus1_", case), clus1[[case]])
write.csv(data.frame(lapply(clus1, function(d) fmt(weights(d)))), "weights_apiclus1.csv",
          row.names = FALSE, quote = FALSE)
write_residuals(clus1, "residuals_apiclus1.csv")

# ---------------------------------------------------------------- stratified (apistrat)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
pop.awards <- data.frame(awards = c("No", "Yes"), Freq = c(2236, 3958))
strat <- list()
record("strat_none", dstrat)
# a two-way margin (stype x sch.wide) raked together with a one-way margin (awards)
strat$rake_two_way <- rake(dstrat, list(~ stype + sch.wide, ~awards), list(pop.cross, pop.awards))
strat$calibrate_linear_bounded <- calibrate(dstrat, ~ stype + api99 + awards,
                                            c(pop.totals, awardsYes = 3958), bounds = c(0.7, 1.4))
strat$poststratify_schwide <- postStratify(dstrat, ~sch.wide, pop.schwide)
for (case in names(strat)) record(paste0("strat_", case), strat[[case]])
write.csv(data.frame(lapply(strat, function(d) fmt(weights(d)))), "weights_apistrat.csv",
          row.names = FALSE, quote = FALSE)
write_residuals(strat, "residuals_apistrat.csv")

# ---------------------------------------------------------------- two-stage cluster (apiclus2)
dclus2 <- svydesign(id = ~ dnum + snum, fpc = ~ fpc1 + fpc2, data = apiclus2)
clus2 <- list()
record("clus2_none", dclus2)
clus2$calibrate_linear <- calibrate(dclus2, ~ stype + api99, pop.totals)
clus2$poststratify_stype <- postStratify(dclus2, ~stype, pop.types)
clus2$calibrate_aggregate <- calibrate(dclus2, ~ stype + api99, pop.totals, aggregate.stage = 1)
clus2$rake_stype_schwide <- rake(dclus2, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
for (case in names(clus2)) record(paste0("clus2_", case), clus2[[case]])
write.csv(data.frame(lapply(clus2, function(d) fmt(weights(d)))), "weights_apiclus2.csv",
          row.names = FALSE, quote = FALSE)
write_residuals(clus2, "residuals_apiclus2.csv")

# ---------------------------------------------------------------- nonresponse (hand computation)
# R has no nonresponse function: the adjustment is computed here by hand, AAPOR style.
# Dispositions are assigned deterministically from snum so that the fixture is reproducible.
nr <- apistrat[, c("snum", "stype", "sch.wide", "pw")]
nr$disposition <- c("respondent", "respondent", "respondent", "nonrespondent", "ineligible",
                    "unknown", "respondent")[nr$snum %% 7 + 1]
nr$class <- paste(nr$stype, nr$sch.wide, sep = "|")
by_class <- function(mask) ave(nr$pw * mask, nr$class, FUN = sum)
resp <- by_class(nr$disposition == "respondent")
nonresp <- by_class(nr$disposition == "nonrespondent")
inelig <- by_class(nr$disposition == "ineligible")
unknown <- by_class(nr$disposition == "unknown")
eligible_rate <- (resp + nonresp) / (resp + nonresp + inelig)
factor <- (resp + nonresp + eligible_rate * unknown) / resp
nr$adjusted <- ifelse(nr$disposition == "respondent", nr$pw * factor,
                      ifelse(nr$disposition == "ineligible", nr$pw, 0))
write.csv(data.frame(snum = nr$snum, disposition = nr$disposition, adjusted = fmt(nr$adjusted)),
          "nonresponse_apistrat.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------- replicate weights
replicate_info <- list()
export_replicates <- function(name, rdesign) {
  w <- weights(rdesign, "analysis")
  colnames(w) <- paste0("rep", seq_len(ncol(w)))
  write.csv(data.frame(weight = fmt(weights(rdesign, "sampling")),
                       apply(w, 2, fmt)), paste0("replicates_", name, ".csv"),
            row.names = FALSE, quote = FALSE)
  replicate_info[[name]] <<- list(type = rdesign$type, scale = rdesign$scale,
                                  rscales = as.numeric(rdesign$rscales), mse = rdesign$mse,
                                  degf = degf(rdesign), replicates = ncol(w))
  record(paste0("rep_", name), rdesign)
}
export_replicates("jk1_clus1", as.svrepdesign(dclus1, type = "JK1", compress = FALSE))
export_replicates("jkn_strat", as.svrepdesign(dstrat, type = "JKn", compress = FALSE))
dstrat_nofpc <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
export_replicates("jkn_strat_nofpc", as.svrepdesign(dstrat_nofpc, type = "JKn", compress = FALSE))
dclus2_nofpc <- svydesign(id = ~ dnum + snum, weights = ~pw, data = apiclus2)
export_replicates("jk1_clus2", as.svrepdesign(dclus2_nofpc, type = "JK1", compress = FALSE))
# BRR needs two PSUs per stratum: the first 14 districts of apiclus1 paired in order of dnum
# into 7 strata (7 strata -> an 8 x 8 Sylvester Hadamard matrix, R's default for that size).
paired <- apiclus1[apiclus1$dnum %in% sort(unique(apiclus1$dnum))[1:14], ]
paired$pair <- (match(paired$dnum, sort(unique(paired$dnum))) - 1) %/% 2 + 1
# the same districts in strata of 4, 4, 4 and 2: R splits the strata of 4 into pairs
paired$quad <- c("a", "b", "c", "d")[(match(paired$dnum, sort(unique(paired$dnum))) - 1) %/% 4 + 1]
write_data(paired, "apiclus1_paired")
dpaired <- svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = paired)
export_replicates("brr_paired", as.svrepdesign(dpaired, type = "BRR", compress = FALSE))
export_replicates("brr_split", as.svrepdesign(svydesign(id = ~dnum, strata = ~quad, weights = ~pw, data = paired),
                                              type = "BRR", compress = FALSE))
export_replicates("fay_paired", as.svrepdesign(dpaired, type = "Fay", fay.rho = 0.3, compress = FALSE))
# a stratum with a single PSU under lonely.psu "adjust" and "average" (R reads the option)
lonely <- apistrat[apistrat$stype != "H" | apistrat$snum == apistrat$snum[apistrat$stype == "H"][1], ]
write_data(lonely, "apistrat_lonely")
dlonely <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely)
for (rule in c("adjust", "average")) {
  options(survey.lonely.psu = rule)
  # compress=TRUE: with compress=FALSE R 4.1.1 writes the "adjust" replicate into one cell only
  export_replicates(paste0("jkn_lonely_", rule), as.svrepdesign(dlonely, type = "JKn"))
}
options(survey.lonely.psu = "fail")
# 20 strata: R's BRR then uses a 24 x 24 Paley matrix, not a Sylvester one
paired2 <- apiclus2[apiclus2$dnum %in% sort(unique(apiclus2$dnum)), ]
paired2$pair <- (match(paired2$dnum, sort(unique(paired2$dnum))) - 1) %/% 2 + 1
write_data(paired2, "apiclus2_paired")
dpaired2 <- svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = paired2)
export_replicates("brr_paired20", as.svrepdesign(dpaired2, type = "BRR", compress = FALSE))
# R's Hadamard matrices (survey:::hadamard): n, the order, and the md5 of the 0/1 rows joined by ";"
md5_of <- function(text) {
  file <- tempfile()
  writeChar(text, file, eos = NULL)
  on.exit(unlink(file))
  unname(tools::md5sum(file))
}
sizes <- c(1:150, 199:212, 250, 400, 1000)
hadamards <- lapply(sizes, function(n) survey:::hadamard(n))
write.csv(data.frame(n = sizes, order = sapply(hadamards, nrow),
                     md5 = sapply(hadamards, function(h) md5_of(paste(apply(h, 1, paste, collapse = ""),
                                                                       collapse = ";")))),
          "hadamard.csv", row.names = FALSE, quote = FALSE)
set.seed(20261121)
export_replicates("bootstrap_strat", as.svrepdesign(dstrat, type = "bootstrap", replicates = 50,
                                                    compress = FALSE))

# adjustments of a replicate design adjust every replicate column
rclus1 <- as.svrepdesign(dclus1, type = "JK1", compress = FALSE)
export_replicates("jk1_clus1_poststratify", postStratify(rclus1, ~stype, pop.types))
export_replicates("jk1_clus1_rake", rake(rclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide)))
export_replicates("jk1_clus1_calibrate_linear", calibrate(rclus1, ~ stype + api99, pop.totals, compress = FALSE))
export_replicates("jk1_clus1_calibrate_aggregate", calibrate(rclus1, ~stype, pop.totals[1:3],
                                                             aggregate.index = ~dnum, compress = FALSE))
export_replicates("jk1_clus1_calibrate_raking", calibrate(rclus1, ~ stype + api99, pop.totals,
                                                          calfun = "raking", compress = FALSE))

write.csv(do.call(rbind, estimate_rows), "estimates.csv", row.names = FALSE, quote = FALSE)
writeLines(paste0("{\n", paste(sapply(names(replicate_info), function(n) {
  r <- replicate_info[[n]]
  sprintf('  "%s": {"type": "%s", "scale": %s, "rscales": [%s], "mse": %s, "degf": %s, "replicates": %d}',
          n, r$type, fmt(r$scale), paste(fmt(r$rscales), collapse = ", "),
          tolower(as.character(r$mse)), fmt(r$degf), r$replicates)
}), collapse = ",\n"), "\n}"), "replicates.json")

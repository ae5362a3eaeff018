# Reference rows for tests/cli/test_estimate.py: `sinmiedo estimate` against R survey 4.1.1.
# Regenerate: cd tests/golden/cli && Rscript make_golden.R
# Writes apiclus1.csv / apistrat.csv (the input files), margins.json, margins_two_way.json,
# totals.csv, and cases.json: per case the CLI arguments, the R call and the expected rows.
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
stopifnot(packageVersion("survey") == "4.1.1")
data(api)

clus1 <- apiclus1[, c("dnum", "snum", "stype", "sch.wide", "awards", "api00", "api99", "enroll", "pw", "fpc")]
names(clus1) <- c("dnum", "snum", "stype", "sch_wide", "awards", "api00", "api99", "enroll", "pw", "fpc")
strat <- apistrat[, c("dnum", "snum", "stype", "sch.wide", "api00", "pw", "fpc")]
names(strat) <- c("dnum", "snum", "stype", "sch_wide", "api00", "pw", "fpc")
# One school alone in stratum "X": a lonely PSU.
strat$stratum <- as.character(strat$stype)
strat$stratum[1] <- "X"
write.csv(clus1, "apiclus1.csv", row.names = FALSE)
write.csv(strat, "apistrat.csv", row.names = FALSE)

pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch_wide = c("No", "Yes"), Freq = c(1200, 4994))
pop_cross <- data.frame(stype = c("E", "E", "H", "H", "M", "M"), sch_wide = rep(c("No", "Yes"), 3),
                        Freq = c(500, 3921, 300, 455, 400, 618))
write_json(list(stype = as.list(setNames(pop_types$Freq, pop_types$stype)),
                sch_wide = as.list(setNames(pop_schwide$Freq, pop_schwide$sch_wide))),
           "margins.json", auto_unbox = TRUE, digits = NA)
write_json(list(`stype*sch_wide` = as.list(setNames(pop_cross$Freq, paste(pop_cross$stype, pop_cross$sch_wide, sep = "|")))),
           "margins_two_way.json", auto_unbox = TRUE, digits = NA)
write.csv(data.frame(stype = pop_types$stype, total = pop_types$Freq), "totals.csv", row.names = FALSE)

dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)

rows_of <- function(result, by = NULL, level = NULL) {
  estimate <- coef(result)
  se <- SE(result)
  frame <- data.frame(estimate = as.numeric(estimate), se = as.numeric(se))
  if (!is.null(level)) frame$level <- level
  if (!is.null(by)) frame <- cbind(by, frame)
  frame
}

cases <- list()
add <- function(id, args, r_call, rows) {
  cases[[length(cases) + 1]] <<- list(id = id, args = args, r_call = r_call, rows = rows)
}

raked <- rake(dclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide))
add("rake_mean", c("apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--mean", "api00",
                   "--rake", "margins.json"),
    "svymean(~api00, rake(dclus1, list(~stype, ~sch_wide), ...))", rows_of(svymean(~api00, raked)))
by_stype <- svyby(~api00, ~stype, raked, svymean)
add("rake_mean_by", c("apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--mean", "api00",
                      "--by", "stype", "--rake", "margins.json"),
    "svyby(~api00, ~stype, raked, svymean)",
    data.frame(stype = as.character(by_stype$stype), estimate = by_stype$api00, se = by_stype$se))

raked2 <- rake(dclus1, list(~stype + sch_wide), list(pop_cross))
add("rake_two_way_total", c("apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--total", "enroll",
                            "--rake", "margins_two_way.json"),
    "svytotal(~enroll, rake(dclus1, list(~stype + sch_wide), ...))", rows_of(svytotal(~enroll, raked2)))

post <- postStratify(dclus1, ~stype, pop_types)
add("poststratify_total", c("apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--total", "enroll",
                            "--poststratify", "totals.csv"),
    "svytotal(~enroll, postStratify(dclus1, ~stype, pop_types))", rows_of(svytotal(~enroll, post)))

jk1 <- as.svrepdesign(dclus1, type = "JK1")
add("jk1_mean", c("apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--mean", "api00",
                  "--replicates", "jk1"),
    "svymean(~api00, as.svrepdesign(dclus1, type = 'JK1'))", rows_of(svymean(~api00, jk1)))

post_jk1 <- postStratify(jk1, ~stype, pop_types)
add("jk1_poststratify_total", c("apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc", "--total", "enroll",
                                "--replicates", "jk1", "--poststratify", "totals.csv"),
    "svytotal(~enroll, postStratify(as.svrepdesign(dclus1, type = 'JK1'), ~stype, pop_types))",
    rows_of(svytotal(~enroll, post_jk1)))

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
jkn <- as.svrepdesign(dstrat, type = "JKn")
add("jkn_mean", c("apistrat.csv", "--weight", "pw", "--strata", "stype", "--fpc", "fpc", "--mean", "api00",
                  "--replicates", "jkn"),
    "svymean(~api00, as.svrepdesign(dstrat, type = 'JKn'))", rows_of(svymean(~api00, jkn)))

options(survey.lonely.psu = "adjust")
dlonely <- svydesign(id = ~1, strata = ~stratum, weights = ~pw, fpc = ~fpc, data = strat)
add("lonely_adjust_mean", c("apistrat.csv", "--weight", "pw", "--strata", "stratum", "--fpc", "fpc",
                            "--lonely-psu", "adjust", "--mean", "api00"),
    "svymean(~api00, dlonely) with survey.lonely.psu = 'adjust'", rows_of(svymean(~api00, dlonely)))
options(survey.lonely.psu = "fail")

write_json(list(survey_version = as.character(packageVersion("survey")), cases = cases),
           "cases.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)

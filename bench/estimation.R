# R survey side of bench/bench_estimation.py: the same two workloads on the same CSV file.
# Usage: Rscript bench/estimation.R DATA.csv MARGINS.json OUT_DIR EPSILON
# Writes OUT_DIR/r_estimates.csv (workload, statistic, domain, level, estimate, se) and
# OUT_DIR/r_seconds.csv (step, seconds): wall-clock seconds per step, and CPU seconds (user +
# system) as "<step>_cpu". Reading the file is timed apart from the workloads.
suppressPackageStartupMessages({
  library(survey)
  library(data.table)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
csv_path <- args[1]
margins <- fromJSON(args[2])
out_dir <- args[3]
epsilon <- as.numeric(args[4])

started <- proc.time()[["elapsed"]]
data <- as.data.frame(fread(csv_path))
data$victim_level <- factor(data$victim)
seconds <- list(read = proc.time()[["elapsed"]] - started)

tidy_by <- function(result, domain, workload) {
  levels_ <- grep("^victim_level", names(result), value = TRUE)
  se_names <- paste0("se.", levels_)
  do.call(rbind, lapply(seq_along(levels_), function(i) data.frame(
    workload = workload, statistic = paste0("proportion_by_", domain),
    domain = as.character(result[[domain]]), level = sub("^victim_level", "", levels_[i]),
    estimate = result[[levels_[i]]], se = result[[se_names[i]]]
  )))
}

estimates <- function(design, workload) {
  overall <- svymean(~income, design)
  by16 <- svyby(~victim_level, ~domain16, design, svymean)
  by64 <- svyby(~victim_level, ~domain64, design, svymean)
  rbind(
    data.frame(workload = workload, statistic = "mean", domain = "", level = "",
               estimate = coef(overall)[[1]], se = SE(overall)[[1]]),
    tidy_by(by16, "domain16", workload),
    tidy_by(by64, "domain64", workload)
  )
}

margin_frame <- function(name) {
  values <- margins[[name]]
  frame <- data.frame(level = as.integer(names(values)), Freq = as.numeric(unlist(values)))
  names(frame)[1] <- name
  frame
}

timed <- function(step, expression) {
  started <- proc.time()
  result <- force(expression)
  used <- proc.time() - started
  seconds[[step]] <<- used[["elapsed"]]
  seconds[[paste0(step, "_cpu")]] <<- used[["user.self"]] + used[["sys.self"]]
  result
}

taylor <- timed("taylor", {
  design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = data)
  estimates(design, "taylor")
})
after_raking <- timed("raked", {
  design <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = data)
  raked <- rake(design, lapply(names(margins), function(name) as.formula(paste0("~", name))),
                lapply(names(margins), margin_frame), control = list(maxit = 100, epsilon = epsilon))
  estimates(raked, "raked")
})

fwrite(rbind(taylor, after_raking), file.path(out_dir, "r_estimates.csv"))
fwrite(data.frame(step = names(seconds), seconds = unlist(seconds)), file.path(out_dir, "r_seconds.csv"))

# R survey side of bench/bench_jackknife.py: a JK1 or JKn jackknife, then the estimation workload.
# Usage: Rscript bench/jackknife.R DATA.csv METHOD(jk1|jkn) OUT_DIR
# Writes OUT_DIR/r_jackknife_estimates.csv (workload, statistic, domain, level, estimate, se) and
# OUT_DIR/r_jackknife_seconds.csv (step, seconds): wall-clock and CPU ("_cpu") seconds of the
# workload, reading the file apart, and the process's peak resident memory in MB ("peak_rss_mb").
suppressPackageStartupMessages({
  library(survey)
  library(data.table)
})
args <- commandArgs(trailingOnly = TRUE)
csv_path <- args[1]
method <- args[2]
out_dir <- args[3]

started <- proc.time()[["elapsed"]]
data <- as.data.frame(fread(csv_path))
data$victim_level <- factor(data$victim)
seconds <- list(read = proc.time()[["elapsed"]] - started)

# coef() of svyby names each value "<domain>:victim_level<level>", levels outermost
tidy_by <- function(result, domain) {
  keys <- do.call(rbind, strsplit(names(coef(result)), ":victim_level", fixed = TRUE))
  data.frame(workload = method, statistic = paste0("proportion_by_", domain), domain = keys[, 1],
             level = keys[, 2], estimate = unname(coef(result)),
             se = as.vector(as.matrix(SE(result))))  # SE() is a groups x levels frame
}

used <- system.time(estimates <- {
  design <- if (method == "jk1") {
    svydesign(ids = ~psu, weights = ~weight, data = data)
  } else {
    svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = data)
  }
  replicated <- as.svrepdesign(design, type = if (method == "jk1") "JK1" else "JKn")
  overall <- svymean(~income, replicated)
  rbind(
    data.frame(workload = method, statistic = "mean", domain = "", level = "",
               estimate = coef(overall)[[1]], se = SE(overall)[[1]]),
    tidy_by(svyby(~victim_level, ~domain16, replicated, svymean), "domain16"),
    tidy_by(svyby(~victim_level, ~domain64, replicated, svymean), "domain64")
  )
})
seconds[[method]] <- used[["elapsed"]]
seconds[[paste0(method, "_cpu")]] <- used[["user.self"]] + used[["sys.self"]]
status <- readLines("/proc/self/status")
seconds[["peak_rss_mb"]] <- as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", grep("^VmHWM", status, value = TRUE))) / 1024

fwrite(estimates, file.path(out_dir, "r_jackknife_estimates.csv"))
fwrite(data.frame(step = names(seconds), seconds = unlist(seconds)), file.path(out_dir, "r_jackknife_seconds.csv"))

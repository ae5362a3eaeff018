# Reference numbers for every survey indicator of the catalogue on the demo survey (its small test load:
# seed 11, a tenth of the PSUs), from R `survey` (4.1.1).
# Regenerate: cd <repo> && python -m tests.golden.indicators.demo.export_frames && \
#             cd tests/golden/indicators/demo && Rscript make_demo_reference.R
# Reads the frames export_frames.py writes (victimization, incidents, perception, vawg: the design
# columns and the bundled instruments' standard variables of each wave's analysis frame) and writes
# expected.csv. The design is the wave frame's: strata = stratum, PSUs = psu, weight = weight; the
# small load leaves a single VAWG PSU in some strata, which the analyses treat as "adjust" does here.
suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "adjust", survey.adjust.domain.lonely = FALSE)
source("../survey_rules.R")

read <- function(name) read.csv(paste0(name, ".csv"), colClasses = c(territory = "character"),
                                stringsAsFactors = FALSE)
design <- function(data) svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = data)
inc <- read("incidents")
vict <- with_victim_reporting(read("victimization"), inc, "interview")
# The region of each municipality code (two first digits: api.crime.demo's territory table), to check
# the survey side of the comparison with police figures by region.
vict$region <- substr(vict$territory, 1, 2)
des_vict <- design(vict)

cases <- rbind(
  indicator_cases(design(read("perception")), des_vict, design(inc), design(read("vawg"))),
  total_of("survey_victims_robbery", "victims", des_vict, vict$victim_robbery_12m, by = "region")
)
write.csv(exact(cases), "expected.csv", row.names = FALSE, na = "")

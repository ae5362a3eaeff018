# Reference numbers for indicators/ from R `survey` (4.1.1) on a seeded synthetic survey.
# Regenerate: cd tests/golden/indicators && Rscript make_golden.R
# Writes respondents.csv (one row per respondent: perception, victimization and VAWG standard
# variables), incidents.csv (one row per incident, with its respondent's design columns) and
# expected.csv (one row per indicator, counting rule, disaggregation and cell).
# The counting rules are coded in survey_rules.R from their definitions, independently of the Python code.
suppressPackageStartupMessages(library(survey))
source("survey_rules.R")
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)
set.seed(20261121)

# ---- synthetic survey: 4 strata x 10 PSUs x 20 respondents ----------------------------------
n_strata <- 4; n_psu <- 10; per_psu <- 20
resp <- data.frame(
  region = rep(c("north", "south", "east", "west"), each = n_psu * per_psu),
  psu = rep(seq_len(n_strata * n_psu), each = per_psu)
)
n <- nrow(resp)
resp$respondent_id <- sprintf("r%04d", seq_len(n))
base <- c(north = 800, south = 1200, east = 950, west = 1500)
resp$weight <- base[resp$region] * runif(n, 0.6, 1.6)
psu_effect <- rnorm(n_strata * n_psu, 0, 0.5)[resp$psu]
resp$respondent_sex <- sample(c("female", "male"), n, replace = TRUE)
resp$respondent_age <- sample(15:85, n, replace = TRUE)
resp$respondent_age_group <- ifelse(resp$respondent_age < 30, "18_29", ifelse(resp$respondent_age < 45, "30_44",
                                    ifelse(resp$respondent_age < 60, "45_59", "60_plus")))
pick <- function(values, probs) sample(values, n, replace = TRUE, prob = probs)
with_missing <- function(x, share) { x[runif(n) < share] <- NA; x }

safe_levels <- c("very_safe", "safe", "unsafe", "very_unsafe", "never_alone_after_dark", "dont_know", "refused")
resp$feel_safe_dark <- pick(safe_levels, c(0.15, 0.35, 0.2, 0.1, 0.12, 0.05, 0.03))
resp$feel_safe_dark[resp$respondent_sex == "female" & runif(n) < 0.15] <- "never_alone_after_dark"
resp$feel_safe_dark_probe <- ifelse(resp$feel_safe_dark == "never_alone_after_dark",
  pick(c("very_safe", "safe", "unsafe", "very_unsafe", "dont_know", "refused"), c(0.1, 0.3, 0.3, 0.2, 0.07, 0.03)), NA)
for (place in c("neighbourhood", "municipality", "country")) {
  resp[[paste0("insecurity_", place)]] <- pick(c("safe", "unsafe", "dont_know", "refused"), c(0.45, 0.45, 0.07, 0.03))
}
for (institution in c("police", "prosecutors", "judges")) {
  resp[[paste0("trust_", institution)]] <- pick(c("a_lot", "some", "little", "none", "dont_know", "refused"),
                                               c(0.1, 0.3, 0.3, 0.2, 0.07, 0.03))
}

crimes <- CRIMES
rates <- c(0.08, 0.06, 0.1, 0.07, 0.09, 0.06, 0.12, 0.06)
for (k in seq_along(crimes)) {
  p <- plogis(qlogis(rates[k]) + psu_effect)
  victim <- with_missing(as.integer(runif(n) < p), 0.03)
  resp[[paste0("victim_", crimes[k], "_12m")]] <- victim
  resp[[paste0("incidents_", crimes[k], "_12m")]] <- ifelse(is.na(victim), NA, ifelse(victim == 1, 1 + rpois(n, 0.6), 0))
}
resp$physical_violence_12m <- resp$victim_assault_12m
resp$psychological_violence_12m <- resp$victim_threats_12m
resp$sexual_violence_12m <- resp$victim_sexual_offence_12m
resp$violence_any_12m <- any_of(resp$physical_violence_12m, resp$psychological_violence_12m, resp$sexual_violence_12m)
incident_counts <- sapply(crimes, function(crime) resp[[paste0("incidents_", crime, "_12m")]])
resp$n_incidents_12m <- rowSums(incident_counts, na.rm = TRUE)

woman <- resp$respondent_sex == "female"
resp$interview_outcome <- ifelse(woman, "completed", NA)
resp$ever_partnered <- ifelse(woman, with_missing(as.integer(runif(n) < 0.85), 0.02), NA)
partnered <- !is.na(resp$ever_partnered) & resp$ever_partnered == 1
for (form in c("physical", "sexual", "psychological")) {
  p <- c(physical = 0.12, sexual = 0.06, psychological = 0.25)[form]
  resp[[paste0("ipv_", form, "_12m")]] <- ifelse(partnered, with_missing(as.integer(runif(n) < p), 0.04), NA)
}
resp$ipv_physical_sexual_12m <- any_of(resp$ipv_physical_12m, resp$ipv_sexual_12m)
resp$ipv_any_12m <- any_of(resp$ipv_physical_12m, resp$ipv_sexual_12m, resp$ipv_psychological_12m)
resp$nonpartner_sexual_12m <- ifelse(woman, with_missing(as.integer(runif(n) < 0.07), 0.03), NA)

# ---- incidents: one row per incident, carrying the respondent's design and sex --------------
rows <- list()
for (crime in crimes) {
  count <- resp[[paste0("incidents_", crime, "_12m")]]
  victims <- which(!is.na(count) & count > 0)
  for (i in victims) {
    rows[[length(rows) + 1]] <- data.frame(respondent_id = resp$respondent_id[i], region = resp$region[i],
      psu = resp$psu[i], weight = resp$weight[i], respondent_sex = resp$respondent_sex[i],
      incident_crime_type = crime, incident_number = seq_len(count[i]))
  }
}
inc <- do.call(rbind, rows)
m <- nrow(inc)
inc$incident_place <- sample(c("home", "street", "public_transport", "other"), m, replace = TRUE)
reported <- as.integer(runif(m) < plogis(-1.2 + 0.8 * (inc$incident_crime_type %in% c("vehicle_theft", "burglary"))))
reported[runif(m) < 0.04] <- NA
inc$reported_to_authority <- reported
inc$reported_to_police <- ifelse(is.na(reported), NA, ifelse(reported == 1, as.integer(runif(m) < 0.8), 0))
investigated <- ifelse(!is.na(reported) & reported == 1, as.integer(runif(m) < 0.6), NA)
investigated[!is.na(investigated) & runif(m) < 0.05] <- NA
inc$investigation_opened <- investigated

# Jackknife (JKn) replicate weights of the same design, exported as full weights with their rscales,
# so that the indicators are also checked on a replicate design (svrepdesign(repweights=)).
jkn <- as.svrepdesign(svydesign(ids = ~psu, strata = ~region, weights = ~weight, data = resp), type = "JKn")
jkn_weights <- weights(jkn, "analysis")
colnames(jkn_weights) <- paste0("jkn_", seq_len(ncol(jkn_weights)))
resp <- cbind(resp, jkn_weights)
write.csv(exact(data.frame(column = colnames(jkn_weights), rscale = jkn$rscales, scale = jkn$scale)),
          "replicates.csv", row.names = FALSE)
write.csv(exact(resp), "respondents.csv", row.names = FALSE, na = "")
write.csv(exact(inc), "incidents.csv", row.names = FALSE, na = "")

resp <- with_victim_reporting(resp, inc, "respondent_id")

# ---- designs ------------------------------------------------------------------------------
des_resp <- svydesign(ids = ~psu, strata = ~region, weights = ~weight, data = resp)
des_inc <- svydesign(ids = ~psu, strata = ~region, weights = ~weight, data = inc)
des_rep <- svrepdesign(data = resp, repweights = "jkn_[0-9]+", weights = ~weight, type = "JKn",
                       scale = jkn$scale, rscales = jkn$rscales, combined.weights = TRUE)

R <- resp
partnered <- !is.na(R$respondent_sex) & R$respondent_sex == "female" & R$respondent_age >= 15 &
  !is.na(R$ever_partnered) & R$ever_partnered == 1
victim_any <- any_of(R$victim_burglary_12m, R$victim_vehicle_theft_12m, R$victim_robbery_12m, R$victim_assault_12m,
                     R$victim_threats_12m, R$victim_sexual_offence_12m, R$victim_fraud_12m, R$victim_extortion_12m)
cases <- rbind(
  indicator_cases(des_resp, des_resp, des_inc, des_resp, by_resp = list(NULL, "respondent_sex"),
                  by_inc = list(NULL, "incident_crime_type", "respondent_sex")),
  # disaggregations beyond sex: age group and region (a frame column, not a standard variable)
  share("sdg_16_1_4", "un_default", des_resp, counted(R$feel_safe_dark, SAFE), by = "respondent_age_group"),
  share("sdg_16_1_4", "un_default", des_resp, counted(R$feel_safe_dark, SAFE), by = "region"),
  share("sdg_5_2_1_physical_sexual", "women_15_plus", des_resp, R$ipv_physical_sexual_12m, partnered, by = "region"),
  do.call(rbind, lapply(c("neighbourhood", "municipality", "country"), function(place) rbind(
    share(paste0("perceived_insecurity_", place), "all_respondents", des_resp,
          counted(R[[paste0("insecurity_", place)]], "unsafe"), by = "respondent_age_group"),
    share(paste0("perceived_insecurity_", place), "exclude_dont_know", des_resp,
          counted(R[[paste0("insecurity_", place)]], "unsafe", DONT_KNOW), by = "respondent_age_group"))))
)
# the same indicators on the replicate design
replicate_cases <- rbind(
  share("sdg_16_1_4", "un_default", des_rep, counted(R$feel_safe_dark, SAFE), by = "respondent_sex"),
  share("sdg_5_2_1_physical_sexual", "women_15_plus", des_rep, R$ipv_physical_sexual_12m, partnered),
  ratio_of("victimization_incidence_any", "incidents_per_100000", des_rep, R$n_incidents_12m, rep(1, n), 1e5),
  ratio_of("crime_concentration_any", "incidents_per_victim", des_rep, R$n_incidents_12m, victim_any),
  total_of("survey_incidents_robbery", "incidents", des_rep, R$incidents_robbery_12m)
)
write.csv(exact(replicate_cases), "expected_replicates.csv", row.names = FALSE, na = "")
write.csv(exact(cases), "expected.csv", row.names = FALSE, na = "")

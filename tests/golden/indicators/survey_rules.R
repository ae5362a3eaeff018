# The catalogue's counting rules coded in R `survey` from their definitions, independently of the
# Python code; sourced by make_golden.R (synthetic survey) and demo/make_demo_reference.R (the demo).
# Each function returns rows: indicator, rule, by, by_value, estimate, se, ci_low, ci_high.

any_of <- function(...) {
  m <- cbind(...)
  ifelse(rowSums(m == 1, na.rm = TRUE) > 0, 1, ifelse(rowSums(m == 0, na.rm = TRUE) == ncol(m), 0, NA))
}
exact <- function(df) {
  df[] <- lapply(df, function(x) if (is.double(x)) ifelse(is.na(x), NA, sprintf("%.17g", x)) else x)
  df
}
CRIMES <- c("burglary", "vehicle_theft", "robbery", "assault", "threats", "sexual_offence", "fraud", "extortion")

# Victim-based reporting: 1 if any incident of the type was reported, 0 if all were not, else NA.
with_victim_reporting <- function(resp, inc, key) {
  for (crime in CRIMES) {
    of_type <- inc[inc$incident_crime_type == crime, ]
    status <- tapply(of_type$reported_to_authority, of_type[[key]], function(r) {
      if (any(r == 1, na.rm = TRUE)) 1 else if (all(!is.na(r) & r == 0)) 0 else NA
    })
    resp[[paste0("victim_reported_", crime, "_12m")]] <- unname(status[resp[[key]]])
  }
  resp
}

cells_of <- function(design, by) {
  if (is.null(by)) return(list(list(value = "", mask = rep(TRUE, nrow(design$variables)))))
  values <- sort(unique(na.omit(design$variables[[by]])))
  lapply(values, function(v) list(value = as.character(v), mask = !is.na(design$variables[[by]]) &
                                                             design$variables[[by]] == v))
}
record <- function(indicator, rule, by, value, estimate, se, low, high) {
  data.frame(indicator = indicator, rule = rule, by = ifelse(is.null(by), "", by), by_value = value,
             estimate = estimate, se = se, ci_low = low, ci_high = high)
}
share <- function(indicator, rule, design, y, universe = TRUE, by = NULL) {
  design$variables$y_ <- as.numeric(y)
  do.call(rbind, lapply(cells_of(design, by), function(cell) {
    design$variables$in_ <- universe & cell$mask & !is.na(y)
    sub <- subset(design, in_)
    fit <- svyciprop(~y_, sub, method = "logit")
    ci <- confint(fit)
    if (any(is.na(ci))) {
      # svyciprop's svyglm fit has no residual df left when the domain has one degree of freedom
      # (a handful of victims in the demo): the same Wald interval on the logit scale, by hand.
      p <- as.numeric(coef(fit)); se_logit <- as.numeric(SE(fit)) / (p * (1 - p))
      ci <- plogis(qlogis(p) + c(-1, 1) * qt(0.975, degf(sub)) * se_logit)
    }
    record(indicator, rule, by, cell$value, as.numeric(coef(fit)), as.numeric(SE(fit)), ci[1], ci[2])
  }))
}
ratio_of <- function(indicator, rule, design, num, den, scale = 1, by = NULL) {
  design$variables$num_ <- as.numeric(num)
  design$variables$den_ <- as.numeric(den)
  do.call(rbind, lapply(cells_of(design, by), function(cell) {
    design$variables$in_ <- cell$mask & !is.na(num) & !is.na(den)
    sub <- subset(design, in_)
    fit <- svyratio(~num_, ~den_, sub)
    est <- as.numeric(coef(fit)); se <- as.numeric(SE(fit)); half <- qt(0.975, degf(sub)) * se
    record(indicator, rule, by, cell$value, est * scale, se * scale, (est - half) * scale, (est + half) * scale)
  }))
}
total_of <- function(indicator, rule, design, y, by = NULL) {
  design$variables$y_ <- as.numeric(y)
  do.call(rbind, lapply(cells_of(design, by), function(cell) {
    design$variables$in_ <- cell$mask & !is.na(y)
    sub <- subset(design, in_)
    fit <- svytotal(~y_, sub)
    est <- as.numeric(coef(fit)); se <- as.numeric(SE(fit)); half <- qt(0.975, degf(sub)) * se
    record(indicator, rule, by, cell$value, est, se, est - half, est + half)
  }))
}
counted <- function(answer, yes, excluded = character(0)) {
  ifelse(is.na(answer) | answer %in% excluded, NA, as.integer(answer %in% yes))
}
DONT_KNOW <- c("dont_know", "refused")
SAFE <- c("very_safe", "safe")

# Every survey indicator and counting rule of the catalogue. Perception indicators read des_perc,
# victimization ones des_vict (which carries victim_reported_*), incident rates des_inc, VAWG ones
# des_vawg; by_resp and by_inc are the disaggregations asked of respondent and incident indicators.
indicator_cases <- function(des_perc, des_vict, des_inc, des_vawg, by_resp = list(NULL), by_inc = list(NULL)) {
  out <- list()
  add <- function(x) out[[length(out) + 1]] <<- x
  P <- des_perc$variables; V <- des_vict$variables; inc <- des_inc$variables; W <- des_vawg$variables
  for (by in by_resp) {
    # 16.1.4
    add(share("sdg_16_1_4", "un_default", des_perc, counted(P$feel_safe_dark, SAFE), by = by))
    add(share("sdg_16_1_4", "exclude_dont_know", des_perc, counted(P$feel_safe_dark, SAFE, DONT_KNOW), by = by))
    with_probe <- ifelse(P$feel_safe_dark == "never_alone_after_dark", P$feel_safe_dark_probe, P$feel_safe_dark)
    add(share("sdg_16_1_4", "use_would_feel_probe", des_perc, counted(with_probe, SAFE), by = by))
    # 16.1.3
    for (pair in list(c("sdg_16_1_3a", "physical_violence_12m"), c("sdg_16_1_3b", "psychological_violence_12m"),
                      c("sdg_16_1_3c", "sexual_violence_12m"), c("sdg_16_1_3_any", "violence_any_12m"))) {
      add(share(pair[1], "previous_12_months", des_vict, V[[pair[2]]], by = by))
    }
    # 16.3.1, victim-based (respondents)
    for (pair in list(c("physical", "assault"), c("robbery", "robbery"), c("sexual", "sexual_offence"))) {
      victim <- !is.na(V[[paste0("victim_", pair[2], "_12m")]]) & V[[paste0("victim_", pair[2], "_12m")]] == 1
      add(share(paste0("sdg_16_3_1_", pair[1]), "victim_based", des_vict,
                V[[paste0("victim_reported_", pair[2], "_12m")]], victim, by = by))
    }
    # prevalence, incidence per 100,000, concentration, totals
    victim_any <- any_of(V$victim_burglary_12m, V$victim_vehicle_theft_12m, V$victim_robbery_12m,
                         V$victim_assault_12m, V$victim_threats_12m, V$victim_sexual_offence_12m, V$victim_fraud_12m,
                         V$victim_extortion_12m)
    for (crime in c(CRIMES, "any")) {
      victim <- if (crime == "any") victim_any else V[[paste0("victim_", crime, "_12m")]]
      incidents <- if (crime == "any") V$n_incidents_12m else V[[paste0("incidents_", crime, "_12m")]]
      add(share(paste0("victimization_prevalence_", crime), "victims", des_vict, victim, by = by))
      add(ratio_of(paste0("victimization_incidence_", crime), "incidents_per_100000", des_vict, incidents,
                   rep(1, nrow(V)), 1e5, by = by))
      add(ratio_of(paste0("crime_concentration_", crime), "incidents_per_victim", des_vict, incidents, victim,
                   by = by))
      if (crime != "any") {
        add(total_of(paste0("survey_incidents_", crime), "incidents", des_vict, incidents, by = by))
        add(total_of(paste0("survey_victims_", crime), "victims", des_vict, victim, by = by))
      }
    }
    # trust and perceived insecurity
    for (institution in c("police", "prosecutors", "judges")) {
      answer <- P[[paste0("trust_", institution)]]
      add(share(paste0("trust_", institution), "all_respondents", des_perc, counted(answer, c("a_lot", "some")),
                by = by))
      add(share(paste0("trust_", institution), "exclude_dont_know", des_perc,
                counted(answer, c("a_lot", "some"), DONT_KNOW), by = by))
    }
    for (place in c("neighbourhood", "municipality", "country")) {
      answer <- P[[paste0("insecurity_", place)]]
      add(share(paste0("perceived_insecurity_", place), "all_respondents", des_perc, counted(answer, "unsafe"),
                by = by))
      add(share(paste0("perceived_insecurity_", place), "exclude_dont_know", des_perc,
                counted(answer, "unsafe", DONT_KNOW), by = by))
    }
  }
  # 16.3.1, incident-based
  for (pair in list(c("physical", "assault"), c("robbery", "robbery"), c("sexual", "sexual_offence"))) {
    add(share(paste0("sdg_16_3_1_", pair[1]), "incident_based", des_inc, inc$reported_to_authority,
              inc$incident_crime_type == pair[2]))
  }
  # incident-level rates
  dark <- ifelse(is.na(inc$reported_to_authority), NA, ifelse(inc$reported_to_authority == 0, 1,
                 ifelse(is.na(inc$investigation_opened), NA, as.integer(inc$investigation_opened == 0))))
  reported <- !is.na(inc$reported_to_authority) & inc$reported_to_authority == 1
  for (by in by_inc) {
    add(share("reporting_rate", "to_authority", des_inc, inc$reported_to_authority, by = by))
    add(share("reporting_rate", "to_police", des_inc, inc$reported_to_police, by = by))
    add(share("investigation_rate", "among_reported", des_inc, inc$investigation_opened, reported, by = by))
    add(share("dark_figure", "not_reported_or_not_investigated", des_inc, dark, by = by))
  }
  # 5.2.1 and 5.2.2: women 15+ (ever-partnered for 5.2.1), and 15-49
  women <- !is.na(W$respondent_sex) & W$respondent_sex == "female" & W$respondent_age >= 15
  partnered <- women & !is.na(W$ever_partnered) & W$ever_partnered == 1
  for (form in c("physical", "sexual", "psychological", "physical_sexual", "any")) {
    y <- W[[paste0("ipv_", form, "_12m")]]
    add(share(paste0("sdg_5_2_1_", form), "women_15_plus", des_vawg, y, partnered))
    add(share(paste0("sdg_5_2_1_", form), "women_15_49", des_vawg, y, partnered & W$respondent_age <= 49))
  }
  add(share("sdg_5_2_2", "women_15_plus", des_vawg, W$nonpartner_sexual_12m, women))
  add(share("sdg_5_2_2", "women_15_49", des_vawg, W$nonpartner_sexual_12m, women & W$respondent_age <= 49))
  do.call(rbind, out)
}

"""The versioned indicator catalogue: frozen definitions, each with its named counting rules.

An indicator's first rule is its default (the official one where official metadata fixes it).
Changing a definition or a rule means a new ``CATALOGUE_VERSION``; figures carry the version
and the rule's settings, so a published number can always be traced to how it was counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from indicators.errors import IndicatorError
from indicators.measures import (
    AdministrativeRate,
    AnyOf,
    Measure,
    NotReportedOrNotInvestigated,
    RatioOf,
    Share,
    TotalOf,
    Universe,
)

CATALOGUE_VERSION = "1.0.0"

Source = Literal["survey", "administrative"]
Frame = Literal["respondent", "incident"]


@dataclass(frozen=True)
class CountingRule:
    """One explicit way of counting an indicator, published with every figure computed under it.

    ``frame`` says which analysis frame the rule reads: one row per respondent, or one row per
    incident (each row carrying its respondent's design columns and weight).
    """

    name: str
    description: str
    measure: Measure
    universe: Universe = Universe()
    frame: Frame = "respondent"

    def variables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.measure.variables(), *self.universe.variables())))

    def settings(self) -> dict[str, Any]:
        return {"rule": self.name, "frame": self.frame, **self.measure.settings(),
                "universe": self.universe.settings()}


@dataclass(frozen=True)
class Indicator:
    id: str
    name_en: str
    name_es: str
    numerator: str
    denominator: str
    reference_period: str
    unit: str  # "proportion" (0-1), "per_100000", "crimes_per_victim", "incidents", "victims"
    source: Source
    rules: tuple[CountingRule, ...]
    disaggregations: tuple[str, ...] = ()
    sdg_indicator: str | None = None
    sdg_series: str | None = None
    iccs_scope: str | None = None
    quality_profile: str = "inegi"
    instrument: str | None = None  # the bundled instrument whose variables bind by default

    def __post_init__(self) -> None:
        if self.instrument is None and self.source == "survey":
            object.__setattr__(self, "instrument", _instrument_of(self.rules))

    @property
    def default_rule(self) -> CountingRule:
        return self.rules[0]

    def rule(self, name: str | None = None) -> CountingRule:
        """The named counting rule, or the default."""
        if name is None:
            return self.default_rule
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise IndicatorError(
            "unknown_counting_rule", f"indicator {self.id!r} has no counting rule {name!r}",
            indicator=self.id, expected=[rule.name for rule in self.rules], got=name,
        )

    def variables(self) -> tuple[str, ...]:
        """Every standard variable some rule of the indicator reads."""
        return tuple(dict.fromkeys(variable for rule in self.rules for variable in rule.variables()))

    def describe(self) -> dict[str, Any]:
        """Plain data for catalogue listings (HTTP, CLI, releases)."""
        return {
            "id": self.id, "name": {"en": self.name_en, "es": self.name_es}, "numerator": self.numerator,
            "denominator": self.denominator, "reference_period": self.reference_period, "unit": self.unit,
            "source": self.source, "disaggregations": list(self.disaggregations),
            "sdg_indicator": self.sdg_indicator, "sdg_series": self.sdg_series, "iccs_scope": self.iccs_scope,
            "variables": list(self.variables()), "quality_profile": self.quality_profile,
            "default_rule": self.default_rule.name, "instrument": self.instrument,
            "rules": [{"name": rule.name, "description": rule.description, "settings": rule.settings()}
                      for rule in self.rules],
            "catalogue_version": CATALOGUE_VERSION,
        }


_VAWG_VARIABLES = frozenset({"ever_partnered", "nonpartner_sexual_12m"})
_PERCEPTION_PREFIXES = ("feel_safe_dark", "trust_", "insecurity_")


def _instrument_of(rules: tuple[CountingRule, ...]) -> str:
    """The bundled instrument that yields a survey indicator's variables (its default binding)."""
    variables = {variable for rule in rules for variable in rule.variables()}
    if any(variable.startswith("ipv_") or variable in _VAWG_VARIABLES for variable in variables):
        return "vawg"
    if any(variable.startswith(_PERCEPTION_PREFIXES) for variable in variables):
        return "perception"
    return "victimization"


# ---- definitions -----------------------------------------------------------------------------

TWELVE_MONTHS = "previous 12 months"
RESPONDENT_DISAGGREGATIONS = ("respondent_sex",)
PERCEPTION_DISAGGREGATIONS = ("respondent_sex", "respondent_age_group")
INCIDENT_DISAGGREGATIONS = ("respondent_sex", "incident_crime_type", "incident_place", "incident_weapon", "incident_injured")
DONT_KNOW = frozenset({"dont_know", "refused"})
# The choice names of the bundled perception instrument's lists.
FEEL_SAFE = frozenset({"very_safe", "safe", "unsafe", "very_unsafe", "never_alone_after_dark", *DONT_KNOW})
TRUST = frozenset({"a_lot", "some", "little", "none", *DONT_KNOW})
SAFE_UNSAFE = frozenset({"safe", "unsafe", *DONT_KNOW})
VICTIM = frozenset({1})

# Crime types of the victimization instrument: English and Spanish names, ICCS scope.
CRIME_TYPES: Mapping[str, tuple[str, str, str]] = MappingProxyType({
    "burglary": ("burglary", "robo en vivienda", "0501"),
    "vehicle_theft": ("vehicle theft", "robo de vehículo", "05021"),
    "robbery": ("robbery", "robo con violencia", "0401"),
    "assault": ("assault", "agresión física", "02011"),
    "threats": ("threats", "amenazas", "02012"),
    "sexual_offence": ("sexual offence", "delito sexual", "0301"),
    "fraud": ("fraud", "fraude", "0701"),
    "extortion": ("extortion", "extorsión", "02051"),
})
ALL_VICTIMS = AnyOf(tuple(f"victim_{crime}_12m" for crime in CRIME_TYPES))


def victim_reported_variable(crime: str) -> str:
    """Respondent-level 0/1: the victim reported at least one incident of ``crime`` (see ``victim_reporting``)."""
    return f"victim_reported_{crime}_12m"


def _dont_know_rules(measure_of: str, counted: frozenset[str], answers: frozenset[str]) -> tuple[CountingRule, ...]:
    return (
        CountingRule("all_respondents", "don't know and refused stay in the denominator",
                     Share(measure_of, counted=counted, answers=answers)),
        CountingRule("exclude_dont_know", "don't know and refused leave the denominator",
                     Share(measure_of, counted=counted, excluded=DONT_KNOW, answers=answers)),
    )


def _sdg_16_1_4() -> Indicator:
    safe = frozenset({"very_safe", "safe"})
    return Indicator(
        "sdg_16_1_4",
        "Proportion of population that feel safe walking alone around the area they live after dark",
        "Proporción de la población que se siente segura caminando sola en su zona después del anochecer",
        "respondents who feel very safe or safe walking alone in their area after dark",
        "respondents", "at the time of the interview", "proportion", "survey",
        (
            CountingRule("un_default", "(very safe + safe) over all respondents; 'never walks alone after dark', "
                         "don't know and refused count in the denominator (UN metadata)",
                         Share("feel_safe_dark", counted=safe, answers=FEEL_SAFE)),
            CountingRule("exclude_dont_know", "as un_default, with don't know and refused left out of the denominator",
                         Share("feel_safe_dark", counted=safe, excluded=DONT_KNOW, answers=FEEL_SAFE)),
            CountingRule("use_would_feel_probe", "respondents who never walk alone after dark are counted by how safe "
                         "they would feel (the probe); everyone else as un_default",
                         Share("feel_safe_dark", counted=safe, answers=FEEL_SAFE,
                               substitute=("never_alone_after_dark", "feel_safe_dark_probe"))),
        ),
        PERCEPTION_DISAGGREGATIONS, "16.1.4", "VC_SNS_WALN_DRK",
    )


def _sdg_16_1_3() -> list[Indicator]:
    forms = (
        ("a", "physical", "physical_violence_12m", "física", "VC_VOV_PHYL"),
        ("b", "psychological", "psychological_violence_12m", "psicológica", "VC_VOV_PSYCHL"),
        ("c", "sexual", "sexual_violence_12m", "sexual", "VC_VOV_SEXL"),
        ("_any", "physical, psychological or sexual", "violence_any_12m", "física, psicológica o sexual", None),
    )
    return [
        Indicator(
            f"sdg_16_1_3{letter}",
            f"Proportion of population subjected to {form} violence in the previous 12 months",
            f"Proporción de la población que sufrió violencia {form_es} en los 12 meses anteriores",
            f"respondents subjected to {form} violence", "respondents with a known answer", TWELVE_MONTHS,
            "proportion", "survey",
            (CountingRule("previous_12_months", "victims in the previous 12 months; unknown answers leave the denominator",
                          Share(variable)),),
            RESPONDENT_DISAGGREGATIONS, "16.1.3", series,
        )
        for letter, form, variable, form_es, series in forms
    ]


def _reporting_rules(crime: str) -> tuple[CountingRule, ...]:
    return (
        CountingRule("victim_based", "victims of the crime type who reported at least one of its incidents to "
                     "a competent authority, over all its victims (UN metadata)",
                     Share(victim_reported_variable(crime)),
                     Universe(require=((f"victim_{crime}_12m", VICTIM),))),
        CountingRule("incident_based", "incidents of the crime type reported to a competent authority, over its "
                     "incidents", Share("reported_to_authority"),
                     Universe(require=(("incident_crime_type", frozenset({crime})),)), frame="incident"),
    )


def _sdg_16_3_1() -> list[Indicator]:
    forms = (("physical", "assault", "física", "VC_PRR_PHYV"), ("robbery", "robbery", "robo", "VC_PRR_ROBB"),
             ("sexual", "sexual_offence", "sexual", "VC_PRR_SEXV"))
    return [
        Indicator(
            f"sdg_16_3_1_{form}",
            f"Proportion of victims of {form} violence in the previous 12 months who reported it to competent "
            "authorities",
            f"Proporción de víctimas de violencia {form_es} en los 12 meses anteriores que la denunciaron ante "
            "autoridades competentes",
            "victims (or incidents) reported to a competent authority", "victims (or incidents) of the crime type",
            TWELVE_MONTHS, "proportion", "survey", _reporting_rules(crime), RESPONDENT_DISAGGREGATIONS,
            "16.3.1", series, CRIME_TYPES[crime][2],
        )
        for form, crime, form_es, series in forms
    ]


def _women(max_age: int | None, partnered: bool) -> Universe:
    require = (("ever_partnered", VICTIM),) if partnered else ()
    return Universe(sex="female", min_age=15, max_age=max_age, require=require)


def _age_rules(partnered: bool) -> tuple[CountingRule, ...]:
    who = "ever-partnered women" if partnered else "women"
    return (
        ("women_15_plus", f"{who} aged 15 and over", None),
        ("women_15_49", f"{who} aged 15 to 49", 49),
    )


def _sdg_5_2_1() -> list[Indicator]:
    forms = (
        ("physical", "physical", "física", None),
        ("sexual", "sexual", "sexual", None),
        ("psychological", "psychological", "psicológica", None),
        ("physical_sexual", "physical and/or sexual", "física y/o sexual", "VC_VAW_MARR"),
        ("any", "physical, sexual or psychological", "física, sexual o psicológica", None),
    )
    return [
        Indicator(
            f"sdg_5_2_1_{form}",
            f"Proportion of ever-partnered women subjected to {name} violence by a current or former intimate "
            "partner in the previous 12 months",
            f"Proporción de mujeres que han tenido pareja que sufrieron violencia {name_es} por parte de una pareja "
            "actual o anterior en los 12 meses anteriores",
            f"ever-partnered women subjected to {name} partner violence", "ever-partnered women with a known answer",
            TWELVE_MONTHS, "proportion", "survey",
            tuple(CountingRule(rule, description, Share(f"ipv_{form}_12m"), _women(max_age, partnered=True))
                  for rule, description, max_age in _age_rules(partnered=True)),
            (), "5.2.1", series, quality_profile="vawg",
        )
        for form, name, name_es, series in forms
    ]


def _sdg_5_2_2() -> Indicator:
    return Indicator(
        "sdg_5_2_2",
        "Proportion of women subjected to sexual violence by persons other than an intimate partner in the "
        "previous 12 months",
        "Proporción de mujeres que sufrieron violencia sexual por parte de personas que no eran su pareja en los "
        "12 meses anteriores",
        "women subjected to non-partner sexual violence", "women with a known answer", TWELVE_MONTHS,
        "proportion", "survey",
        tuple(CountingRule(rule, description, Share("nonpartner_sexual_12m"), _women(max_age, partnered=False))
              for rule, description, max_age in _age_rules(partnered=False)),
        (), "5.2.2", "VC_VAW_SXVLN", quality_profile="vawg",
    )


def _per_crime_type() -> list[Indicator]:
    found = []
    kinds = [*CRIME_TYPES, "any"]
    for crime in kinds:
        if crime == "any":
            name, name_es, scope = "any crime", "cualquier delito", None
            victim, incidents = ALL_VICTIMS, "n_incidents_12m"
        else:
            name, name_es, scope = CRIME_TYPES[crime]
            victim, incidents = f"victim_{crime}_12m", f"incidents_{crime}_12m"
        found += [
            Indicator(
                f"victimization_prevalence_{crime}", f"Victimization prevalence: {name}",
                f"Prevalencia delictiva: {name_es}", f"respondents victim of {name}", "respondents with a known answer",
                TWELVE_MONTHS, "proportion", "survey",
                (CountingRule("victims", "victims in the previous 12 months; unknown answers leave the denominator",
                              Share(victim)),),
                RESPONDENT_DISAGGREGATIONS, iccs_scope=scope,
            ),
            Indicator(
                f"victimization_incidence_{crime}", f"Victimization incidence per 100,000 population: {name}",
                f"Incidencia delictiva por cada 100 000 habitantes: {name_es}", f"incidents of {name}",
                "respondents (population)", TWELVE_MONTHS, "per_100000", "survey",
                (CountingRule("incidents_per_100000", "incidents over persons (ratio of totals) x 100,000",
                              RatioOf(incidents, None, scale=100_000)),),
                RESPONDENT_DISAGGREGATIONS, iccs_scope=scope,
            ),
            Indicator(
                f"crime_concentration_{crime}", f"Crime concentration (incidents per victim): {name}",
                f"Concentración delictiva (delitos por víctima): {name_es}", f"incidents of {name}",
                f"victims of {name}", TWELVE_MONTHS, "crimes_per_victim", "survey",
                (CountingRule("incidents_per_victim", "incidents over victims (ratio of totals)",
                              RatioOf(incidents, victim)),),
                RESPONDENT_DISAGGREGATIONS, iccs_scope=scope,
            ),
        ]
        if crime != "any":
            found += [
                Indicator(
                    f"survey_incidents_{crime}", f"Estimated incidents (survey): {name}",
                    f"Delitos estimados (encuesta): {name_es}", f"incidents of {name}", "population (total)",
                    TWELVE_MONTHS, "incidents", "survey",
                    (CountingRule("incidents", "weighted total of incidents", TotalOf(incidents)),),
                    RESPONDENT_DISAGGREGATIONS, iccs_scope=scope,
                ),
                Indicator(
                    f"survey_victims_{crime}", f"Estimated victims (survey): {name}",
                    f"Víctimas estimadas (encuesta): {name_es}", f"victims of {name}", "population (total)",
                    TWELVE_MONTHS, "victims", "survey",
                    (CountingRule("victims", "weighted total of victims", TotalOf(victim)),),
                    RESPONDENT_DISAGGREGATIONS, iccs_scope=scope,
                ),
            ]
    return found


def _incident_indicators() -> list[Indicator]:
    return [
        Indicator(
            "reporting_rate", "Reporting rate: share of incidents reported",
            "Tasa de denuncia: proporción de delitos denunciados", "incidents reported",
            "incidents with a known answer", TWELVE_MONTHS, "proportion", "survey",
            (
                CountingRule("to_authority", "reported to the police or another competent authority",
                             Share("reported_to_authority"), frame="incident"),
                CountingRule("to_police", "reported to the police", Share("reported_to_police"), frame="incident"),
            ),
            INCIDENT_DISAGGREGATIONS,
        ),
        Indicator(
            "investigation_rate", "Share of reported incidents for which an investigation was opened",
            "Proporción de delitos denunciados con carpeta de investigación iniciada", "reported incidents with an "
            "investigation opened", "reported incidents with a known answer", TWELVE_MONTHS, "proportion", "survey",
            (CountingRule("among_reported", "incidents reported to an authority", Share("investigation_opened"),
                          Universe(require=(("reported_to_authority", VICTIM),)), frame="incident"),),
            INCIDENT_DISAGGREGATIONS,
        ),
        Indicator(
            "dark_figure", "Dark figure: share of incidents not reported or with no investigation opened",
            "Cifra negra: proporción de delitos no denunciados o sin investigación iniciada",
            "incidents not reported, or reported with no investigation opened", "incidents with known reporting "
            "and investigation", TWELVE_MONTHS, "proportion", "survey",
            (CountingRule("not_reported_or_not_investigated", "a share of incidents (not a product of two "
                          "estimates): its SE is that of a proportion, exact under the design",
                          NotReportedOrNotInvestigated(), frame="incident"),),
            INCIDENT_DISAGGREGATIONS,
        ),
    ]


def _perception() -> list[Indicator]:
    trust = (("police", "the police", "la policía"), ("prosecutors", "the public prosecutor's office", "el ministerio "
             "público"), ("judges", "judges", "los jueces"))
    places = (("neighbourhood", "neighbourhood", "colonia o barrio"), ("municipality", "municipality", "municipio"),
              ("country", "country", "país"))
    return [
        *(Indicator(
            f"trust_{institution}", f"Trust in {name}", f"Confianza en {name_es}",
            f"respondents with a lot or some trust in {name}", "respondents", "at the time of the interview",
            "proportion", "survey", _dont_know_rules(f"trust_{institution}", frozenset({"a_lot", "some"}), TRUST),
            PERCEPTION_DISAGGREGATIONS,
        ) for institution, name, name_es in trust),
        *(Indicator(
            f"perceived_insecurity_{place}", f"Perceived insecurity in the {name}",
            f"Percepción de inseguridad en el {name_es}" if place != "neighbourhood"
            else f"Percepción de inseguridad en la {name_es}",
            f"respondents who consider their {name} unsafe", "respondents", "at the time of the interview",
            "proportion", "survey", _dont_know_rules(f"insecurity_{place}", frozenset({"unsafe"}), SAFE_UNSAFE),
            PERCEPTION_DISAGGREGATIONS,
        ) for place, name, name_es in places),
    ]


def _administrative() -> list[Indicator]:
    return [
        Indicator(
            "sdg_16_1_1", "Number of victims of intentional homicide per 100,000 population",
            "Víctimas de homicidio intencional por cada 100 000 habitantes", "victims of intentional homicide "
            "(ICCS 0101) recorded by one source", "population (versioned population table)", "calendar year or month",
            "per_100000", "administrative",
            (CountingRule("recorded_victims", "recorded victims of one source over the population",
                          AdministrativeRate("homicide")),),
            ("sex", "age_group"), "16.1.1", "VC_IHR_PSRC", "0101",
        ),
        Indicator(
            "femicide_rate", "Femicides per 100,000 women", "Feminicidios por cada 100 000 mujeres",
            "intentional homicides of women that meet the femicide rule (crime_data.FemicideRule)",
            "female population (versioned population table)", "calendar year or month", "per_100000",
            "administrative",
            (CountingRule("recorded_femicides", "homicide records of women meeting the femicide rule, one source",
                          AdministrativeRate("femicide")),),
            (), iccs_scope="0101",
        ),
    ]


def _build() -> Mapping[str, Indicator]:
    indicators = [
        _sdg_16_1_4(), *_sdg_16_1_3(), *_sdg_16_3_1(), *_sdg_5_2_1(), _sdg_5_2_2(), *_per_crime_type(),
        *_incident_indicators(), *_perception(), *_administrative(),
    ]
    by_id = {indicator.id: indicator for indicator in indicators}
    assert len(by_id) == len(indicators), "duplicate indicator id"
    return MappingProxyType(by_id)


CATALOGUE: Mapping[str, Indicator] = _build()


def get_indicator(indicator_id: str) -> Indicator:
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        raise IndicatorError(
            "unknown_indicator", f"no indicator {indicator_id!r} in catalogue {CATALOGUE_VERSION}",
            indicator=indicator_id, expected=sorted(CATALOGUE), got=indicator_id,
        ) from None


def list_indicators(*, source: Source | None = None) -> tuple[Indicator, ...]:
    """Every indicator of the catalogue, optionally of one source, in catalogue order."""
    return tuple(indicator for indicator in CATALOGUE.values() if source is None or indicator.source == source)

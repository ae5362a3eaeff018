"""The demo's published release: victimization figures of the demo wave, computed from wave analyses
(weights from the sample and dispositions), set beside the police-recorded rates of the demo's
crime data, and published with real metadata through the same services an analyst uses over HTTP.
Publishing twice is a no-op.

The wave's frame keeps the instrument's column names; the release reads by region, sex and age
group, so the analysis runs on a copy of the wave's dataset with those three columns derived
(region from the stratum, age group from the age), under the wave analysis' own design and steps.
"""

import io
import math
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from api.crime.rates import RateQuery, crime_rates
from api.crime.service import get_territory
from api.demo_survey.frame import STRATA_BY_CODE
from api.demo_survey.load import SURVEY_CODE
from api.estimates import service as estimates
from api.estimates.models import Analysis
from api.estimates.schemas import AnalysisCreate, EstimateIn, WaveAnalysisCreate
from api.fieldwork import service as fieldwork
from api.instruments import repository as instruments_repository
from api.instruments import service as instruments
from api.releases import repository as releases_repository
from api.releases.demo import DemoTable, publish_demo_release
from api.releases.schemas import Bilingual, TableFromRows
from api.users.models import User
from crime_data import Source, Unit
from crime_data.comparison import Quantity, recording_ratio

TITLE = Bilingual(en="Citizen security survey: demo wave 2026", es="Encuesta de seguridad ciudadana: ola demo 2026")
FORM_ID = "sinmiedo_victimization"
ANALYSIS_NAME = "demo release: victimization 2026"
DERIVED_NAME = "demo release: victimization 2026 by region, sex and age group"
YEAR = 2025  # the survey's reference year and the crime data's year
PER_100K = 100_000
POLICE = "National Police (demo police counts by month, municipality, sex and offence)"

REGION_NAMES = {"metropolitana": "Metropolitana", "norte": "Norte", "sur": "Sur"}
AGE_GROUPS = ((18, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"), (60, 200, "60+"))
SEX = {"female": Bilingual(en="women", es="mujeres"), "male": Bilingual(en="men", es="hombres")}
VICTIM_LEVEL = {"level": {"1": Bilingual(en="victims", es="víctimas")}}
COLUMNS = {"territory": Bilingual(en="region", es="región"), "sex": Bilingual(en="sex", es="sexo"),
           "age_group": Bilingual(en="age group", es="grupo de edad")}

# Robbery in four tables of one indicator (their shared margins are protected together), assault by sex.
ROBBERY = Bilingual(en="Robbery victims, last 12 months", es="Víctimas de robo, últimos 12 meses")
TABLES = tuple(
    DemoTable(indicator_id=indicator, variable=variable, by=by, sdmx_level="1", title=title,
              column_labels={c: COLUMNS[c] for c in by}, value_labels={**VICTIM_LEVEL, **({"sex": SEX} if "sex" in by else {})})
    for indicator, variable, by, title in (
        ("victimization_robbery", "victim_robbery_12m", ("territory",), ROBBERY),
        ("victimization_robbery", "victim_robbery_12m", ("territory", "sex"), ROBBERY),
        ("victimization_robbery", "victim_robbery_12m", ("sex",), ROBBERY),
        ("victimization_robbery", "victim_robbery_12m", ("age_group",), ROBBERY),
        ("victimization_assault", "victim_assault_12m", ("sex",),
         Bilingual(en="Assault victims, last 12 months", es="Víctimas de agresión, últimos 12 meses")),
    )
)
# Survey indicator -> the police offence it is set beside (ICCS code).
COMPARED = {"victimization_robbery": ("0401", "victim_robbery_12m"), "victimization_assault": ("02011", "victim_assault_12m")}


def _analysis(session: Session, analyst: User) -> Analysis:
    existing = session.exec(select(Analysis).where(Analysis.name == DERIVED_NAME).order_by(col(Analysis.id))).first()
    if existing is not None:
        return existing
    wave = session.exec(select(Analysis).where(Analysis.name == ANALYSIS_NAME).order_by(col(Analysis.id))).first()
    if wave is None:
        _, wave, _ = estimates.create_wave_analysis(session, analyst, WaveAnalysisCreate(
            survey_code=SURVEY_CODE, form_id=FORM_ID, name=ANALYSIS_NAME, lonely_psu="adjust",
        ))
    dataset = estimates.get_dataset(session, wave.dataset_id)
    frame = derived_columns(estimates.frame_of(dataset))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    derived = estimates.upload_dataset(session, analyst, DERIVED_NAME, f"{SURVEY_CODE}-release.parquet",
                                       buffer.getvalue(), sensitive=dataset.sensitive)
    return estimates.create_analysis(session, analyst, AnalysisCreate(
        dataset_id=derived.id, name=DERIVED_NAME, design=wave.design, steps=wave.steps))


def derived_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The wave's frame plus territory (region), sex and age_group."""
    ages = frame["respondent_age"]
    age_group = pd.Series(pd.NA, index=frame.index, dtype="object")
    for low, high, label in AGE_GROUPS:
        age_group[(ages >= low) & (ages <= high)] = label
    return frame.assign(
        territory=frame["stratum"].map(lambda code: REGION_NAMES[STRATA_BY_CODE[code].region]),
        sex=frame["respondent_sex"], age_group=age_group,
    )


def _police_rate(session: Session, iccs: str, territory: str | None = None) -> Any:
    return crime_rates(session, RateQuery(year=YEAR, source=Source.POLICE, iccs=iccs, territory=territory)).rates[0]


def _comparisons(session: Session, analyst: User, analysis_id: int) -> list[dict[str, Any]]:
    """National survey prevalence (victims per 100,000 adults) beside the police-recorded victims per
    100,000 population, with the recording ratio and the dark figure (the share never recorded)."""
    comparisons = []
    for indicator, (iccs, variable) in COMPARED.items():
        rows, _ = estimates.run_estimate(session, analyst, analysis_id, EstimateIn(
            statistic="proportion", variable=variable, levels=["1"], quality=None))
        survey = rows[0]
        rate = _police_rate(session, iccs)
        estimate, low, high = (survey[k] * PER_100K for k in ("estimate", "ci_low", "ci_high"))
        ratio = recording_ratio(Quantity(rate.value, Unit.VICTIMS),
                                Quantity(estimate, Unit.VICTIMS, ci_low=low, ci_high=high))
        finite = [None if v is None or math.isinf(v) else v for v in (ratio.ci_low, ratio.ci_high)]
        comparisons.append({
            "territory": "Nacional", "period": str(YEAR), "indicator_id": indicator,
            "survey_estimate": estimate, "survey_ci_low": low, "survey_ci_high": high,
            "recorded_count": rate.count, "recorded_rate": rate.value, "source": POLICE,
            "dark_figure": min(max(1 - ratio.estimate, 0.0), 1.0), "recording_ratio": ratio.estimate,
            "recording_ratio_ci_low": finite[0], "recording_ratio_ci_high": finite[1] if finite[0] is not None else None,
        })
    return comparisons


def _police_table(session: Session) -> TableFromRows:
    rows = []
    for territory in (*("01", "02", "03"), None):
        rate = _police_rate(session, COMPARED["victimization_robbery"][0], territory)
        rows.append({"territory": "total" if territory is None else _region_name(session, territory),
                     "estimate": rate.value, "n": None})
    return TableFromRows(
        indicator_id="police_robbery_rate", statistic="ratio", unit="rate_per_100000", source="administrative",
        administrative_source=POLICE, disaggregation=["territory"], rows=rows,
        title=Bilingual(en="Police-recorded robbery victims per 100,000", es="Víctimas de robo registradas por la policía por 100.000"),
        column_labels={"territory": COLUMNS["territory"]},
        counting_rule="victims of robbery with violence (ICCS 0401) recorded by the police in 2025, per 100,000 population",
    )


def _region_name(session: Session, code: str) -> str:
    return get_territory(session, code).name


def load_demo_release(session: Session, analyst: User) -> str:
    if any(r.title_en == TITLE.en for r in releases_repository.published_page(session, offset=0, limit=500)):
        return "release: the demo release is already published"
    wave = fieldwork.get_survey(session, SURVEY_CODE)
    rates = fieldwork.response_rates(session, SURVEY_CODE, "household")
    instrument = instruments_repository.get_by_form_id(session, FORM_ID)
    versions = [v.version for v in instruments.list_versions(session, instrument, include_drafts=False)]
    analysis = _analysis(session, analyst)
    police = _police_table(session)
    metadata = {
        "sample_design": {"description": "Stratified (3 regions x urban/rural) two-stage sample: enumeration areas "
                                         "by PPS systematic selection, 12 households per area, one adult per "
                                         "household selected at random (probability 1/k recorded)"},
        "fieldwork": {"start": str(wave.fieldwork_start or "2026-02-01"), "end": str(wave.fieldwork_end or "2026-04-30")},
        "sample": {"interviews_completed": rates.counts.get("I", 0), "response_rate": rates.rr3 or 0.0,
                   "response_rate_definition": "AAPOR RR3", "dispositions": rates.counts},
        "weighting": {"steps": ["base weights 1/(P(area) x P(household|area)) from the sample",
                                "nonresponse adjustment within strata from AAPOR dispositions",
                                "person weight = household weight x k (1/selection probability)"],
                      "population": {"source": "the sampling frame (synthetic demo country)",
                                     "administrative_rates": "demo population table demo-2025 (by sex and age)"}},
        "instrument_versions": [{"form_id": FORM_ID, "version": v} for v in versions],
        "indicators": [
            {"indicator_id": "victimization_robbery", "definition": f"{ROBBERY.en}: share of adults (18+)",
             "counting_rule": "victim_robbery_12m = 1 among respondents who answered"},
            {"indicator_id": "victimization_assault", "definition": "Assault victims, last 12 months: share of adults (18+)",
             "counting_rule": "victim_assault_12m = 1 among respondents who answered"},
            {"indicator_id": "police_robbery_rate", "definition": police.title.en,
             "counting_rule": police.counting_rule},
        ],
        "administrative_sources": [{"series": "police counts 2025 (conteos-policia-2025.csv)", "source": POLICE}],
        "comparison_note": "Survey rates are victims per 100,000 adults (18+); recorded rates are victims per "
                           "100,000 population. The dark figure is 1 minus the recording ratio.",
    }
    document = publish_demo_release(session, analyst, analysis.id, TABLES, title=TITLE, wave=SURVEY_CODE,
                                    reference_period=str(YEAR), metadata=metadata, quality_profile="inegi",
                                    comparisons=_comparisons(session, analyst, analysis.id), row_tables=[police])
    return f"release: published demo release no. {document['number']} ({len(document['tables'])} tables)"

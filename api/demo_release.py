"""The demo's published release: victimization and perception figures of the demo wave, computed
from wave analyses (weights from the sample and dispositions) and published with real metadata,
through the same services an analyst uses over HTTP. Publishing twice is a no-op."""

from sqlmodel import Session

from api.demo_survey.load import SURVEY_CODE
from api.estimates import service as estimates
from api.estimates.models import Analysis
from api.estimates.schemas import WaveAnalysisCreate
from api.fieldwork import service as fieldwork
from api.instruments import repository as instruments_repository
from api.instruments import service as instruments
from api.releases import repository as releases_repository
from api.releases.demo import DemoTable, publish_demo_release
from api.releases.schemas import Bilingual
from api.users.models import User
from sqlmodel import col, select

TITLE = Bilingual(en="Citizen security survey: demo wave 2026", es="Encuesta de seguridad ciudadana: ola demo 2026")
FORM_ID = "sinmiedo_victimization"
ANALYSIS_NAME = "demo release: victimization 2026"

# The share of victims (level "1" of each 0/1 flag) with logit intervals, one row per group.
TABLES = (
    DemoTable(indicator_id="victimization_robbery", variable="victim_robbery_12m", by=("respondent_sex",),
              title=Bilingual(en="Robbery victims, last 12 months", es="Víctimas de robo, últimos 12 meses"),
              sdmx_level="1"),
    DemoTable(indicator_id="victimization_assault", variable="victim_assault_12m", by=("respondent_sex",),
              title=Bilingual(en="Assault victims, last 12 months", es="Víctimas de agresión, últimos 12 meses"),
              sdmx_level="1"),
    DemoTable(indicator_id="victimization_robbery_by_stratum", variable="victim_robbery_12m", by=("stratum",),
              title=Bilingual(en="Robbery victims by stratum", es="Víctimas de robo por estrato"), sdmx_level="1"),
)


def _analysis(session: Session, analyst: User) -> Analysis:
    existing = session.exec(select(Analysis).where(Analysis.name == ANALYSIS_NAME).order_by(col(Analysis.id))).first()
    if existing is not None:
        return existing
    _, analysis, _ = estimates.create_wave_analysis(session, analyst, WaveAnalysisCreate(
        survey_code=SURVEY_CODE, form_id=FORM_ID, name=ANALYSIS_NAME, lonely_psu="adjust",
    ))
    return analysis


def load_demo_release(session: Session, analyst: User) -> str:
    if any(r.title_en == TITLE.en for r in releases_repository.published_page(session, offset=0, limit=500)):
        return "release: the demo release is already published"
    wave = fieldwork.get_survey(session, SURVEY_CODE)
    rates = fieldwork.response_rates(session, SURVEY_CODE, "household")
    instrument = instruments_repository.get_by_form_id(session, FORM_ID)
    versions = [v.version for v in instruments.list_versions(session, instrument, include_drafts=False)]
    analysis = _analysis(session, analyst)
    metadata = {
        "sample_design": {"description": "Stratified (3 regions x urban/rural) two-stage sample: enumeration areas "
                                         "by PPS systematic selection, 12 households per area, one adult per "
                                         "household selected at random (probability 1/k recorded)"},
        "fieldwork": {"start": str(wave.fieldwork_start or "2026-02-01"), "end": str(wave.fieldwork_end or "2026-04-30")},
        "sample": {"interviews_completed": rates.counts.get("I", 0), "response_rate": rates.rr3 or 0.0,
                   "response_rate_definition": "AAPOR RR3"},
        "weighting": {"steps": ["base weights 1/(P(area) x P(household|area)) from the sample",
                                "nonresponse adjustment within strata from AAPOR dispositions",
                                "person weight = household weight x k (1/selection probability)"],
                      "population": {"source": "the sampling frame (synthetic demo country)"}},
        "instrument_versions": [{"form_id": FORM_ID, "version": v} for v in versions],
        "indicators": [
            {"indicator_id": t.indicator_id, "definition": f"{t.title.en}: share of adults (18+)",
             "counting_rule": f"{t.variable} = 1 among respondents who answered"} for t in TABLES
        ],
    }
    document = publish_demo_release(session, analyst, analysis.id, TABLES, title=TITLE, wave=SURVEY_CODE,
                                    reference_period="2025", metadata=metadata, quality_profile="inegi")
    return f"release: published demo release no. {document['number']} ({len(TABLES)} tables)"

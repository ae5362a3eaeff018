"""Every string of the dashboard's interface, in each language it speaks.

Titles and labels of the data come from the release itself ({"en", "es"}); only the interface is here.
The pages embed the catalogue of their language so the browser script draws from the same strings.
"""

from typing import Literal

Language = Literal["es", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "en")
DEFAULT_LANGUAGE: Language = "es"
LANGUAGE_NAMES: dict[Language, str] = {"es": "Español", "en": "English"}

_STRINGS: dict[str, dict[Language, str]] = {
    "site_title": {"es": "Observatorio de seguridad: datos abiertos", "en": "Safety observatory: open data"},
    "skip_to_content": {"es": "Saltar al contenido", "en": "Skip to content"},
    "language_switch_label": {"es": "Idioma", "en": "Language"},
    "home": {"es": "Publicaciones", "en": "Releases"},
    "loading": {"es": "Cargando…", "en": "Loading…"},
    "load_failed": {"es": "No se pudieron cargar los datos", "en": "The data could not be loaded"},
    "not_found": {"es": "No existe", "en": "Not found"},
    "not_found_explained": {
        "es": "No hay ninguna publicación ni tabla publicada en esta dirección. Vea las publicaciones:",
        "en": "No published release or table lives at this address. See the releases:",
    },
    "no_releases": {"es": "Todavía no hay publicaciones.", "en": "No release has been published yet."},
    "releases_heading": {"es": "Publicaciones", "en": "Releases"},
    "latest_release": {"es": "Última publicación", "en": "Latest release"},
    "release": {"es": "Publicación", "en": "Release"},
    "published_at": {"es": "Publicada", "en": "Published"},
    "wave": {"es": "Ola", "en": "Wave"},
    "reference_period": {"es": "Periodo de referencia", "en": "Reference period"},
    "quality_profile": {"es": "Perfil de calidad", "en": "Quality profile"},
    "corrects": {"es": "Corrige la publicación", "en": "Corrects release"},
    "changes": {"es": "Cambios", "en": "Changes"},
    "indicators": {"es": "Indicadores", "en": "Indicators"},
    "methodology": {"es": "Metodología", "en": "Methodology"},
    "sample_design": {"es": "Diseño muestral", "en": "Sample design"},
    "fieldwork": {"es": "Trabajo de campo", "en": "Fieldwork"},
    "interviews_completed": {"es": "Entrevistas completas", "en": "Completed interviews"},
    "response_rate": {"es": "Tasa de respuesta", "en": "Response rate"},
    "weighting_steps": {"es": "Ponderación", "en": "Weighting"},
    "population_figures": {"es": "Cifras de población", "en": "Population figures"},
    "instrument_versions": {"es": "Versiones del cuestionario", "en": "Instrument versions"},
    "administrative_sources": {"es": "Fuentes administrativas", "en": "Administrative sources"},
    "disclosure": {"es": "Control de divulgación", "en": "Disclosure control"},
    "disclosure_summary": {
        "es": "ninguna celda con menos de {base} casos sin ponderar ({sensitive} en módulos sensibles), ni deducible "
        "restando de sus totales; las celdas suprimidas indican el motivo",
        "en": "no cell under {base} unweighted cases ({sensitive} in sensitive modules), nor recoverable by "
        "subtraction from its totals; suppressed cells state the reason",
    },
    "source": {"es": "Fuente", "en": "Source"},
    "source_survey": {"es": "encuesta", "en": "survey"},
    "source_administrative": {"es": "registro administrativo", "en": "administrative records"},
    "sensitive": {"es": "módulo sensible (umbrales estrictos)", "en": "sensitive module (strict thresholds)"},
    "unit": {"es": "Unidad", "en": "Unit"},
    "unit_proportion": {"es": "proporción", "en": "proportion"},
    "unit_rate_per_100000": {"es": "tasa por 100.000 habitantes", "en": "rate per 100,000 population"},
    "unit_percent": {"es": "porcentaje", "en": "percent"},
    "unit_count": {"es": "número", "en": "number"},
    "unit_mean": {"es": "media", "en": "mean"},
    "counting_rule": {"es": "Regla de conteo", "en": "Counting rule"},
    "sdmx_series": {"es": "Serie ODS (SDMX)", "en": "SDG series (SDMX)"},
    "breakdown": {"es": "por {dimensions}", "en": "by {dimensions}"},
    "chart_by": {"es": "{indicator}, por {dimension}", "en": "{indicator}, by {dimension}"},
    "chart_by_and": {"es": "{indicator}, por {dimension} y {group}", "en": "{indicator}, by {dimension} and {group}"},
    "chart_description": {
        "es": "Gráfico de barras: estimación por {dimension} con intervalos de confianza al 95%. "
        "La tabla equivalente está disponible con el botón «Ver tabla».",
        "en": "Bar chart: estimate by {dimension} with 95% confidence intervals. "
        "The same numbers are available as a table with the “Show table” button.",
    },
    "trend_heading": {"es": "{indicator}: evolución entre olas", "en": "{indicator}: trend across waves"},
    "trend_description": {
        "es": "Gráfico de líneas: estimación por ola con banda de intervalo de confianza al 95%.",
        "en": "Line chart: estimate by wave with a 95% confidence-interval band.",
    },
    "trend_unavailable": {
        "es": "Ninguna cifra publicada de este indicador puede dibujarse (todas están suprimidas).",
        "en": "No published figure of this indicator can be drawn (all are suppressed).",
    },
    "trend_single_wave": {
        "es": "Por ahora solo se ha publicado una ola: la serie empieza aquí.",
        "en": "Only one wave has been published so far: the series starts here.",
    },
    "comparison_heading": {
        "es": "Encuesta y registros administrativos: la cifra oculta",
        "en": "Survey and administrative records: the dark figure",
    },
    "comparison_description": {
        "es": "Gráfico de barras: tasa estimada por la encuesta (con intervalo de confianza al 95%) junto a la "
        "tasa registrada, por territorio y periodo.",
        "en": "Bar chart: survey-estimated rate (with 95% confidence interval) next to the recorded rate, "
        "by territory and period.",
    },
    "no_comparisons": {
        "es": "Esta publicación no compara la encuesta con registros administrativos.",
        "en": "This release does not compare the survey with administrative records.",
    },
    "show_table": {"es": "Ver tabla", "en": "Show table"},
    "show_chart": {"es": "Ver gráfico", "en": "Show chart"},
    "download_csv": {"es": "Descargar CSV", "en": "Download CSV"},
    "estimate": {"es": "Estimación", "en": "Estimate"},
    "ci_low": {"es": "IC 95% inferior", "en": "95% CI low"},
    "ci_high": {"es": "IC 95% superior", "en": "95% CI high"},
    "ci_label": {"es": "IC 95%", "en": "95% CI"},
    "se": {"es": "Error estándar", "en": "Standard error"},
    "cv": {"es": "CV", "en": "CV"},
    "n": {"es": "n (sin ponderar)", "en": "n (unweighted)"},
    "quality": {"es": "Calidad", "en": "Quality"},
    "level": {"es": "Categoría", "en": "Category"},
    "territory": {"es": "territorio", "en": "territory"},
    "sex": {"es": "sexo", "en": "sex"},
    "age_group": {"es": "grupo de edad", "en": "age group"},
    # Common column names of disaggregations (a table's own column_labels come first).
    "column_respondent_sex": {"es": "sexo", "en": "sex"},
    "column_respondent_age_group": {"es": "grupo de edad", "en": "age group"},
    "column_region": {"es": "región", "en": "region"},
    "column_stratum": {"es": "estrato", "en": "stratum"},
    "column_area": {"es": "área", "en": "area"},
    "column_urban_rural": {"es": "área urbana o rural", "en": "urban or rural area"},
    "column_municipality": {"es": "municipio", "en": "municipality"},
    "column_year": {"es": "año", "en": "year"},
    "period": {"es": "periodo", "en": "period"},
    "total": {"es": "total", "en": "total"},
    "female": {"es": "mujeres", "en": "women"},
    "male": {"es": "hombres", "en": "men"},
    "survey_estimate": {"es": "Tasa según la encuesta", "en": "Survey rate"},
    "recorded_rate": {"es": "Tasa registrada", "en": "Recorded rate"},
    "recorded_count": {"es": "Casos registrados", "en": "Recorded cases"},
    "dark_figure": {"es": "Cifra oculta", "en": "Dark figure"},
    "recording_ratio": {"es": "Razón de registro", "en": "Recording ratio"},
    "series": {"es": "Serie", "en": "Series"},
    "not_available": {"es": "no disponible", "en": "not available"},
    "reliable": {"es": "fiable", "en": "reliable"},
    "not_assessed": {"es": "no evaluada", "en": "not assessed"},
    "status_review": {"es": "revisar", "en": "review"},
    "status_caution": {"es": "usar con cautela", "en": "use with caution"},
    "status_unreliable": {"es": "poco fiable", "en": "unreliable"},
    "suppressed": {"es": "suprimida", "en": "suppressed"},
    "reason_min_base": {"es": "base muestral insuficiente", "en": "unweighted base too small"},
    "reason_complementary": {
        "es": "supresión complementaria (evita deducir otra celda)",
        "en": "complementary suppression (prevents deriving another cell)",
    },
    "reason_cv": {"es": "coeficiente de variación alto", "en": "high coefficient of variation"},
    "reason_min_df": {"es": "pocos grados de libertad", "en": "too few degrees of freedom"},
    "reason_low_df": {"es": "pocos grados de libertad", "en": "too few degrees of freedom"},
    "reason_se": {"es": "error estándar alto", "en": "high standard error"},
    "reason_cv_undefined": {
        "es": "coeficiente de variación indefinido (estimación nula o ausente)",
        "en": "coefficient of variation undefined (zero or missing estimate)",
    },
    "reason_no_estimate": {"es": "sin estimación que evaluar", "en": "no estimate to assess"},
    "reason_no_events": {"es": "sin casos (proporción de 0 o 1)", "en": "no events (proportion of 0 or 1)"},
    "reason_effective_n": {"es": "tamaño de muestra efectivo bajo", "en": "effective sample size too small"},
    "reason_ci_width": {"es": "intervalo de confianza demasiado ancho", "en": "confidence interval too wide"},
    "reason_relative_ci_width": {
        "es": "intervalo de confianza ancho respecto de la proporción",
        "en": "confidence interval wide relative to the proportion",
    },
    "reason_complement_ci_width": {
        "es": "intervalo de confianza ancho respecto del complemento",
        "en": "confidence interval wide relative to the complement",
    },
    "legend_quality": {"es": "Calidad de la estimación", "en": "Estimate quality"},
    "legend_flagged": {"es": "† usar con cautela", "en": "† use with caution"},
    "legend_unreliable": {"es": "‡ poco fiable", "en": "‡ unreliable"},
    "legend_reliable": {"es": "sin observaciones", "en": "no quality flag"},
    "legend_suppressed": {
        "es": "Las celdas suprimidas no se dibujan; la tabla indica el motivo.",
        "en": "Suppressed cells are not drawn; the table gives the reason.",
    },
    "flag_symbol_note": {
        "es": "† marca una estimación con advertencia de calidad (barra clara con borde discontinuo).",
        "en": "† marks an estimate with a quality warning (light bar, dashed outline).",
    },
    "unreliable_symbol_note": {
        "es": "‡ marca una estimación poco fiable: se publica, pero no debe usarse para conclusiones "
        "(barra hueca con borde continuo).",
        "en": "‡ marks an unreliable estimate: published, but not to be used for conclusions "
        "(hollow bar, solid outline).",
    },
}


def catalogue(language: Language) -> dict[str, str]:
    """The interface strings of one language."""
    return {key: texts[language] for key, texts in _STRINGS.items()}

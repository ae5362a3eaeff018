"""Perception of insecurity: SDG 16.1.4 (feeling safe walking alone after dark), perceived insecurity
by territory, trust in police and justice, and habits changed for fear of crime."""

from survey_defs.instruments.rows import (
    Workbook,
    begin_group,
    calculate,
    choice_list,
    end_group,
    metadata,
    note,
    question,
    settings,
    workbook,
)
from survey_defs.instruments.shared import (
    CLOSING,
    DONT_KNOW,
    HOUSEHOLD_CODE,
    HOUSEHOLD_CONSENT,
    REFUSED,
    RESPONDENT_STATUS,
    SEX,
    YES_NO,
    adult_respondent_selection,
    selection_variables,
)

SAFETY_SCALE = [
    ("very_safe", "Muy seguro(a)", "Very safe"),
    ("safe", "Seguro(a)", "Safe"),
    ("unsafe", "Inseguro(a)", "Unsafe"),
    ("very_unsafe", "Muy inseguro(a)", "Very unsafe"),
]
CHOICES = [
    *YES_NO,
    *SEX,
    *RESPONDENT_STATUS,
    *choice_list(
        "feel_safe",
        [
            *SAFETY_SCALE,
            (
                "never_alone_after_dark",
                "Nunca sale solo(a) después de que oscurece",
                "Never goes out alone after dark",
            ),
            DONT_KNOW,
            REFUSED,
        ],
    ),
    *choice_list("feel_safe_probe", [*SAFETY_SCALE, DONT_KNOW, REFUSED]),
    *choice_list("safe_unsafe", [("safe", "Seguro", "Safe"), ("unsafe", "Inseguro", "Unsafe"), DONT_KNOW, REFUSED]),
    *choice_list(
        "trust",
        [
            ("a_lot", "Mucha", "A lot"),
            ("some", "Algo", "Some"),
            ("little", "Poca", "Little"),
            ("none", "Nada", "None at all"),
            DONT_KNOW,
            REFUSED,
        ],
    ),
    *choice_list(
        "habits",
        [
            ("going_out_at_night", "Salir de noche", "Going out at night"),
            ("children_going_out", "Permitir que sus hijos(as) menores salgan", "Letting your children go out"),
            ("carrying_cash", "Llevar dinero en efectivo", "Carrying cash"),
            ("carrying_valuables", "Llevar joyas u objetos de valor", "Carrying jewellery or valuables"),
            ("using_public_transport", "Usar transporte público", "Using public transport"),
            ("walking_in_area", "Caminar por su zona", "Walking around your area"),
            ("visiting_relatives", "Visitar a parientes o amistades", "Visiting relatives or friends"),
            ("none", "Ninguna", "None of these"),
            REFUSED,
        ],
    ),
]

TERRITORIES = [
    ("neighbourhood", "su barrio o colonia", "your neighbourhood"),
    ("municipality", "su municipio", "your municipality"),
    ("country", "el país", "the country"),
]
INSTITUTIONS = [
    ("police", "la policía", "the police"),
    ("prosecutors", "la fiscalía (ministerio público)", "the public prosecutor's office"),
    ("judges", "los jueces", "the judges"),
]

SURVEY = [
    *metadata(),
    note(
        "introduction",
        (
            "Buenos días/tardes. Realizamos una encuesta sobre la seguridad en su zona. Sus respuestas son "
            "confidenciales y solo se usan con fines estadísticos.",
            "Hello. We are carrying out a survey about safety in your area. Your answers are confidential "
            "and are used for statistical purposes only.",
        ),
    ),
    HOUSEHOLD_CODE,
    HOUSEHOLD_CONSENT,
    begin_group("household", ("Hogar", "Household"), relevant="${household_consent} = 'yes'"),
    *adult_respondent_selection(),
    begin_group("interview", relevant="${respondent_status} = 'agrees'"),
    calculate(
        "respondent_age_group",
        "if(${respondent_age} < 30, '18_29', if(${respondent_age} < 45, '30_44', "
        "if(${respondent_age} < 60, '45_59', '60_plus')))",
    ),
    begin_group("safety", ("Percepción de seguridad", "Perception of safety")),
    question(
        "select_one feel_safe",
        "feel_safe_dark",
        (
            "¿Qué tan seguro(a) se siente caminando solo(a) en su zona después de que oscurece?",
            "How safe do you feel walking alone in your area after dark?",
        ),
        hint=(
            "Lea las cuatro primeras opciones. No lea «nunca sale solo(a)», «no sabe» ni «no responde».",
            "Read the first four options. Do not read 'never goes out alone', 'don't know' or 'refused'.",
        ),
        required=True,
    ),
    question(
        "select_one feel_safe_probe",
        "feel_safe_dark_probe",
        (
            "Si caminara solo(a) en su zona después de que oscurece, ¿qué tan seguro(a) se sentiría?",
            "How safe would you feel walking alone in your area after dark?",
        ),
        hint=("Lea las cuatro primeras opciones.", "Read the first four options."),
        required=True,
        relevant="${feel_safe_dark} = 'never_alone_after_dark'",
    ),
    *(
        question(
            "select_one safe_unsafe",
            f"insecurity_{territory}",
            (
                f"En términos de delincuencia, ¿considera que vivir en {spanish} es seguro o inseguro?",
                f"In terms of crime, do you consider living in {english} to be safe or unsafe?",
            ),
            required=True,
        )
        for territory, spanish, english in TERRITORIES
    ),
    end_group(),
    begin_group("institutions", ("Confianza en las instituciones", "Trust in institutions")),
    *(
        question(
            "select_one trust",
            f"trust_{institution}",
            (f"¿Cuánta confianza le inspira {spanish}?", f"How much do you trust {english}?"),
            required=True,
        )
        for institution, spanish, english in INSTITUTIONS
    ),
    end_group(),
    begin_group("habits", ("Cambios de hábitos", "Changes of habits")),
    question(
        "select_multiple habits",
        "habits_changed",
        (
            "Por temor a ser víctima de un delito, en los últimos 12 meses, ¿dejó de hacer alguna de estas actividades?",
            "For fear of crime, in the last 12 months, did you stop doing any of these activities?",
        ),
        hint=("Lea las opciones y marque todas las que mencione.", "Read the options and mark all that apply."),
        required=True,
        constraint="not((selected(., 'none') or selected(., 'refused')) and count-selected(.) > 1)",
        constraint_message=(
            "«Ninguna» y «No responde» no pueden combinarse con otras opciones.",
            "'None of these' and 'Refused' cannot be combined with other options.",
        ),
    ),
    end_group(),
    end_group(),
    end_group(),
    CLOSING,
]

SETTINGS = settings("Percepción de seguridad / Perception of safety", "sinmiedo_perception")

INDICATOR_VARIABLES = [
    ("feel_safe_dark", "feel_safe_dark", "SDG 16.1.4: how safe walking alone in the area after dark (categorical)"),
    (
        "feel_safe_dark_probe",
        "feel_safe_dark_probe",
        "SDG 16.1.4 variant: how safe the respondent would feel; asked only of never_alone_after_dark",
    ),
    ("insecurity_neighbourhood", "insecurity_neighbourhood", "Perceived insecurity in the neighbourhood: safe/unsafe"),
    ("insecurity_municipality", "insecurity_municipality", "Perceived insecurity in the municipality: safe/unsafe"),
    ("insecurity_country", "insecurity_country", "Perceived insecurity in the country: safe/unsafe"),
    ("trust_police", "trust_police", "Trust in the police: a_lot/some/little/none"),
    ("trust_prosecutors", "trust_prosecutors", "Trust in the public prosecutor's office: a_lot/some/little/none"),
    ("trust_judges", "trust_judges", "Trust in judges: a_lot/some/little/none"),
    ("habits_changed", "habits_changed", "Activities stopped for fear of crime, last 12 months (multiple)"),
    *selection_variables("n_eligible_adults", "members aged 18+"),
    ("respondent_age_group", "respondent_age_group", "Respondent's age group: 18_29/30_44/45_59/60_plus"),
]


def perception_workbook() -> Workbook:
    return workbook(SURVEY, CHOICES, SETTINGS, INDICATOR_VARIABLES)

"""Crime victimization: household roster with random selection of one adult, screeners for household
and personal crimes over the last 12 months, and one incident report per incident (up to five)."""

from dataclasses import dataclass

from survey_defs.instruments.rows import (
    Row,
    Text,
    Workbook,
    begin_group,
    begin_repeat,
    calculate,
    choice_list,
    end_group,
    end_repeat,
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
    YES_NO_DK_REFUSED,
    adult_respondent_selection,
    selection_variables,
)

MAX_INCIDENT_REPORTS = 5


@dataclass(frozen=True)
class Crime:
    name: str
    screener: Text
    label: Text
    contact: bool  # the victim met the offender: ask about a weapon
    bodily: bool  # the victim may have been hurt: ask about injuries


HOUSEHOLD_CRIMES = [
    Crime(
        "burglary",
        (
            "En los últimos 12 meses, ¿alguien entró a su vivienda sin permiso y robó o intentó robar algo?",
            "In the last 12 months, did anyone get into your home without permission and steal or try to steal something?",
        ),
        ("Robo en la vivienda", "Burglary"),
        contact=True,
        bodily=True,
    ),
    Crime(
        "vehicle_theft",
        (
            "En los últimos 12 meses, ¿le robaron a algún integrante del hogar un automóvil, camioneta o motocicleta?",
            "In the last 12 months, was a car, van or motorcycle belonging to a household member stolen?",
        ),
        ("Robo de vehículo", "Vehicle theft"),
        contact=False,
        bodily=False,
    ),
]
PERSONAL_CRIMES = [
    Crime(
        "robbery",
        (
            "En los últimos 12 meses, ¿alguien le robó o intentó robarle algo a usted usando la fuerza o amenazándole?",
            "In the last 12 months, did anyone steal or try to steal something from you by force or by threatening you?",
        ),
        ("Robo con violencia o amenaza", "Robbery"),
        contact=True,
        bodily=True,
    ),
    Crime(
        "assault",
        (
            "En los últimos 12 meses, sin contar robos, ¿alguien le golpeó, pateó o agredió físicamente?",
            "In the last 12 months, apart from robberies, did anyone hit, kick or physically attack you?",
        ),
        ("Agresión física", "Assault"),
        contact=True,
        bodily=True,
    ),
    Crime(
        "threats",
        (
            "En los últimos 12 meses, ¿alguien le amenazó de una forma que le asustó de verdad?",
            "In the last 12 months, did anyone threaten you in a way that really frightened you?",
        ),
        ("Amenazas", "Threats"),
        contact=True,
        bodily=False,
    ),
    Crime(
        "sexual_offence",
        (
            "En los últimos 12 meses, ¿alguien le tocó sexualmente, le manoseó o le forzó a una actividad sexual contra su voluntad?",
            "In the last 12 months, did anyone touch you sexually, grope you or force you into sexual activity against your will?",
        ),
        ("Delito sexual", "Sexual offence"),
        contact=True,
        bodily=True,
    ),
    Crime(
        "fraud",
        (
            "En los últimos 12 meses, ¿fue víctima de un fraude o estafa (en una compra, con su tarjeta bancaria, por teléfono o internet)?",
            "In the last 12 months, were you cheated or defrauded (in a purchase, with your bank card, by phone or online)?",
        ),
        ("Fraude o estafa", "Fraud"),
        contact=False,
        bodily=False,
    ),
    Crime(
        "extortion",
        (
            "En los últimos 12 meses, ¿alguien le exigió dinero, bienes o favores bajo amenaza (cobro de piso, extorsión telefónica)?",
            "In the last 12 months, did anyone demand money, goods or favours from you under threat (protection money, phone extortion)?",
        ),
        ("Extorsión", "Extortion"),
        contact=False,
        bodily=False,
    ),
]
CRIMES = HOUSEHOLD_CRIMES + PERSONAL_CRIMES
# Only these are asked when the household has a vehicle; without one, the household cannot be a victim.
NEEDS_VEHICLE = "vehicle_theft"

MONTHS = [
    ("enero", "January"), ("febrero", "February"), ("marzo", "March"), ("abril", "April"),
    ("mayo", "May"), ("junio", "June"), ("julio", "July"), ("agosto", "August"),
    ("septiembre", "September"), ("octubre", "October"), ("noviembre", "November"), ("diciembre", "December"),
]

CHOICES = [
    *YES_NO,
    *YES_NO_DK_REFUSED,
    *SEX,
    *RESPONDENT_STATUS,
    *choice_list("crime_type", [(crime.name, *crime.label) for crime in CRIMES]),
    *choice_list("month", [(str(number), spanish, english) for number, (spanish, english) in enumerate(MONTHS, 1)] + [DONT_KNOW]),
    *choice_list(
        "place",
        [
            ("home", "En su vivienda", "At home"),
            ("near_home", "Cerca de su vivienda", "Near home"),
            ("street", "En la calle, en otra zona", "In the street, elsewhere"),
            ("public_transport", "En el transporte público", "On public transport"),
            ("work_or_school", "En el trabajo o centro de estudios", "At work or school"),
            ("shop_or_market", "En un comercio o mercado", "In a shop or market"),
            ("phone_or_online", "Por teléfono o internet", "By phone or online"),
            ("other", "En otro lugar", "Somewhere else"),
            DONT_KNOW,
        ],
    ),
    *choice_list(
        "weapon",
        [
            ("none", "No había arma", "No weapon"),
            ("firearm", "Arma de fuego", "Firearm"),
            ("knife", "Cuchillo u objeto cortante", "Knife or sharp object"),
            ("other_weapon", "Otra arma u objeto", "Other weapon or object"),
            DONT_KNOW,
            REFUSED,
        ],
    ),
    *choice_list(
        "authority",
        [
            ("police", "La policía", "The police"),
            ("prosecutor", "La fiscalía (ministerio público)", "The public prosecutor's office"),
            ("other_authority", "Otra autoridad", "Another authority"),
        ],
    ),
    *choice_list(
        "not_reported_reason",
        [
            ("waste_of_time", "Es una pérdida de tiempo", "It is a waste of time"),
            ("distrust_authority", "Desconfía de la autoridad", "Distrusts the authorities"),
            ("fear_of_reprisal", "Miedo al agresor o a represalias", "Fear of the offender or of reprisals"),
            ("minor_offence", "Fue algo de poca importancia", "It was not serious"),
            ("no_evidence", "No tenía pruebas", "Had no evidence"),
            ("lengthy_procedure", "Trámites largos y difíciles", "Long and difficult procedures"),
            ("hostile_authority", "Actitud hostil de la autoridad", "Hostile attitude of the authorities"),
            ("did_not_know_how", "No sabía cómo ni dónde denunciar", "Did not know how or where to report"),
            ("solved_otherwise", "Lo resolvió de otra forma", "Solved it another way"),
            ("other", "Otro motivo", "Another reason"),
            REFUSED,
        ],
    ),
]


def _screener(crime: Crime, *, relevant: str = "") -> list[Row]:
    answered_no = f"${{{crime.name}_12m}} = 'no'"
    if crime.name == NEEDS_VEHICLE:
        answered_no = f"{answered_no} or ${{owns_vehicle}} = 'no'"
    return [
        question("select_one yes_no_dk_refused", f"{crime.name}_12m", crime.screener, required=True, relevant=relevant),
        question(
            "integer",
            f"{crime.name}_times",
            ("¿Cuántas veces ocurrió en los últimos 12 meses?", "How many times did it happen in the last 12 months?"),
            required=True,
            relevant=f"${{{crime.name}_12m}} = 'yes'",
            constraint=". >= 1 and . <= 99",
            constraint_message=("Anote entre 1 y 99 veces.", "Enter between 1 and 99 times."),
        ),
        calculate(
            f"victim_{crime.name}_12m",
            f"if(${{{crime.name}_12m}} = 'yes', 1, if({answered_no}, 0, ''))",
        ),
        calculate(
            f"incidents_{crime.name}_12m",
            f"if(${{{crime.name}_12m}} = 'yes', ${{{crime.name}_times}}, if({answered_no}, 0, ''))",
        ),
    ]


def _any_of(variables: list[str]) -> str:
    """1 if any variable is 1, 0 if all are 0, empty (unknown) otherwise."""
    some = " or ".join(f"${{{variable}}} = 1" for variable in variables)
    none = " and ".join(f"${{{variable}}} = 0" for variable in variables)
    return f"if({some}, 1, if({none}, 0, ''))"


def _crime_type_is(crimes: list[Crime]) -> str:
    return " or ".join(f"${{incident_crime_type}} = '{crime.name}'" for crime in crimes)


INCIDENT_REPORT = [
    begin_repeat(
        "incidents",
        ("Incidente", "Incident"),
        repeat_count="${n_incident_reports}",
        relevant="${n_incident_reports} > 0",
    ),
    calculate("incident_number", "position(..)"),
    question(
        "select_one crime_type",
        "incident_crime_type",
        ("Incidente ${incident_number}: ¿qué tipo de hecho fue?", "Incident ${incident_number}: what kind of crime was it?"),
        hint=(
            "Empiece por el más reciente. Solo los tipos mencionados en las preguntas anteriores.",
            "Start with the most recent. Only types mentioned in the screening questions.",
        ),
        required=True,
        constraint="selected(${crimes_experienced}, .)",
        constraint_message=(
            "Este tipo de hecho no se mencionó en las preguntas anteriores.",
            "This kind of crime was not mentioned in the screening questions.",
        ),
    ),
    question("select_one month", "incident_month", ("¿En qué mes ocurrió?", "In which month did it happen?"), required=True),
    question("select_one place", "incident_place", ("¿Dónde ocurrió?", "Where did it happen?"), required=True),
    question(
        "select_one weapon",
        "incident_weapon",
        ("¿El agresor tenía o usó algún arma?", "Did the offender have or use a weapon?"),
        required=True,
        relevant=_crime_type_is([crime for crime in CRIMES if crime.contact]),
    ),
    question(
        "select_one yes_no_dk_refused",
        "incident_injured",
        ("¿Resultó usted herido(a)?", "Were you injured?"),
        required=True,
        relevant=_crime_type_is([crime for crime in CRIMES if crime.bodily]),
    ),
    question(
        "select_one yes_no_dk_refused",
        "incident_reported",
        (
            "¿Usted u otra persona denunció este hecho ante la policía, la fiscalía u otra autoridad?",
            "Did you or anyone else report this to the police, the prosecutor's office or another authority?",
        ),
        required=True,
    ),
    question(
        "select_multiple authority",
        "incident_reported_to",
        ("¿Ante quién se denunció?", "To whom was it reported?"),
        hint=("Marque todas las que mencione.", "Mark all that apply."),
        required=True,
        relevant="${incident_reported} = 'yes'",
    ),
    question(
        "select_multiple not_reported_reason",
        "incident_not_reported_reasons",
        ("¿Por qué no se denunció?", "Why was it not reported?"),
        hint=("No lea las opciones; marque todas las que mencione.", "Do not read the options; mark all mentioned."),
        required=True,
        relevant="${incident_reported} = 'no'",
        constraint="not(selected(., 'refused') and count-selected(.) > 1)",
        constraint_message=(
            "«No responde» no puede combinarse con otras opciones.",
            "'Refused' cannot be combined with other options.",
        ),
    ),
    question(
        "select_one yes_no_dk_refused",
        "incident_investigation",
        (
            "¿La autoridad abrió una investigación (carpeta o expediente)?",
            "Did the authority open an investigation (a case file)?",
        ),
        required=True,
        relevant="${incident_reported} = 'yes'",
    ),
    question(
        "decimal",
        "incident_cost",
        (
            "¿Cuánto dinero perdió o gastó por este hecho, en total?",
            "How much money did you lose or spend because of this, in total?",
        ),
        hint=(
            "Valor aproximado en moneda local: bienes perdidos, daños y gastos médicos. Anote 0 si no hubo pérdida; deje vacío si no sabe.",
            "Approximate value in local currency: goods lost, damage and medical costs. Enter 0 if none; leave empty if unknown.",
        ),
        constraint=". >= 0",
        constraint_message=("El monto no puede ser negativo.", "The amount cannot be negative."),
    ),
    calculate(
        "reported_to_authority",
        "if(${incident_reported} = 'yes', 1, if(${incident_reported} = 'no', 0, ''))",
    ),
    calculate(
        "reported_to_police",
        "if(${incident_reported} = 'yes', if(selected(${incident_reported_to}, 'police'), 1, 0), "
        "if(${incident_reported} = 'no', 0, ''))",
    ),
    calculate(
        "investigation_opened",
        "if(${incident_investigation} = 'yes', 1, if(${incident_investigation} = 'no', 0, ''))",
    ),
    end_repeat(),
]

SURVEY = [
    *metadata(),
    note(
        "introduction",
        (
            "Buenos días/tardes. Realizamos una encuesta sobre seguridad y experiencias con la delincuencia. "
            "Sus respuestas son confidenciales y solo se usan con fines estadísticos.",
            "Hello. We are carrying out a survey about safety and experiences of crime. Your answers are "
            "confidential and are used for statistical purposes only.",
        ),
    ),
    HOUSEHOLD_CODE,
    HOUSEHOLD_CONSENT,
    begin_group("household", ("Hogar", "Household"), relevant="${household_consent} = 'yes'"),
    *adult_respondent_selection(),
    begin_group("interview", relevant="${respondent_status} = 'agrees'"),
    begin_group("household_crimes", ("Delitos contra el hogar", "Crimes against the household")),
    question(
        "select_one yes_no",
        "owns_vehicle",
        (
            "¿Algún integrante del hogar tiene automóvil, camioneta o motocicleta?",
            "Does any household member own a car, van or motorcycle?",
        ),
        required=True,
    ),
    *_screener(HOUSEHOLD_CRIMES[0]),
    *_screener(HOUSEHOLD_CRIMES[1], relevant="${owns_vehicle} = 'yes'"),
    end_group(),
    begin_group("personal_crimes", ("Delitos contra usted", "Crimes against you")),
    *(row for crime in PERSONAL_CRIMES for row in _screener(crime)),
    end_group(),
    calculate("physical_violence_12m", "${victim_assault_12m}"),
    calculate("psychological_violence_12m", "${victim_threats_12m}"),
    calculate("sexual_violence_12m", "${victim_sexual_offence_12m}"),
    calculate(
        "violence_any_12m",
        _any_of(["physical_violence_12m", "psychological_violence_12m", "sexual_violence_12m"]),
    ),
    calculate(
        "n_incidents_12m",
        " + ".join(f"coalesce(${{incidents_{crime.name}_12m}}, 0)" for crime in CRIMES),
    ),
    calculate(
        "n_incident_reports",
        f"if(${{n_incidents_12m}} > {MAX_INCIDENT_REPORTS}, {MAX_INCIDENT_REPORTS}, ${{n_incidents_12m}})",
    ),
    calculate(
        "crimes_experienced",
        "concat(" + ", ".join(f"if(${{{crime.name}_12m}} = 'yes', '{crime.name} ', '')" for crime in CRIMES) + ")",
    ),
    note(
        "incident_reports_capped",
        (
            f"Se registran solo los {MAX_INCIDENT_REPORTS} hechos más recientes.",
            f"Only the {MAX_INCIDENT_REPORTS} most recent incidents are recorded.",
        ),
        relevant=f"${{n_incidents_12m}} > {MAX_INCIDENT_REPORTS}",
    ),
    *INCIDENT_REPORT,
    end_group(),
    end_group(),
    CLOSING,
]

SETTINGS = settings("Victimización / Crime victimization", "sinmiedo_victimization")

INDICATOR_VARIABLES = [
    *selection_variables("n_eligible_adults", "members aged 18+"),
    *(
        (f"victim_{crime.name}_12m", f"victim_{crime.name}_12m", f"1/0 victim of {crime.label[1].lower()} in the last 12 months; empty if unknown")
        for crime in CRIMES
    ),
    *(
        (f"incidents_{crime.name}_12m", f"incidents_{crime.name}_12m", f"Number of {crime.label[1].lower()} incidents in the last 12 months")
        for crime in CRIMES
    ),
    ("physical_violence_12m", "physical_violence_12m", "SDG 16.1.3(a): 1/0 physically assaulted in the last 12 months"),
    ("psychological_violence_12m", "psychological_violence_12m", "SDG 16.1.3(b): 1/0 threatened in the last 12 months"),
    ("sexual_violence_12m", "sexual_violence_12m", "SDG 16.1.3(c): 1/0 sexual offence in the last 12 months"),
    ("violence_any_12m", "violence_any_12m", "SDG 16.1.3: 1/0 any of physical, psychological or sexual violence"),
    ("n_incidents_12m", "n_incidents_12m", "All incidents screened in the last 12 months (incidence)"),
    ("incident_crime_type", "incident_crime_type", "Per incident: crime type (crime_type choices)"),
    ("incident_month", "incident_month", "Per incident: month it happened (1-12)"),
    ("incident_place", "incident_place", "Per incident: where it happened"),
    ("incident_weapon", "incident_weapon", "Per incident: weapon carried or used"),
    ("incident_injured", "incident_injured", "Per incident: victim injured"),
    ("reported_to_authority", "reported_to_authority", "SDG 16.3.1, per incident: 1/0 reported to the police or another authority"),
    ("reported_to_police", "reported_to_police", "Per incident: 1/0 reported to the police"),
    ("not_reported_reasons", "incident_not_reported_reasons", "Per incident: why it was not reported (multiple)"),
    ("investigation_opened", "investigation_opened", "Per incident: 1/0 investigation opened, among reported incidents"),
    ("incident_cost", "incident_cost", "Per incident: economic loss in local currency"),
]


def victimization_workbook() -> Workbook:
    return workbook(SURVEY, CHOICES, SETTINGS, INDICATOR_VARIABLES)

"""Parts more than one bundled instrument uses: common choice lists and the household roster with the
random selection of one eligible respondent.

Random selection (why it is written this way): each roster member draws a key ``once(random())`` when
the row is created (``once`` keeps the first value, so edits never redraw). An eligible member's draw is
``int(key * 10^9) * 100 + position``, so the largest draw belongs to one eligible member chosen with
probability 1/k (ties need two equal 9-digit keys) and ``max mod 100`` is that member's roster position.
This needs no reference to a later field and survives edits of ages or sexes after the draw. Only the
device draws: the server takes the submitted keys as they arrive and checks that the draws, the selected
position and the probability follow from them and the roster (``calculation_mismatch`` otherwise).
"""

from survey_defs.instruments.rows import Row, begin_repeat, calculate, choice_list, end_repeat, note, question

DONT_KNOW = ("dont_know", "No sabe", "Don't know")
REFUSED = ("refused", "No responde", "Refused")
YES_NO = choice_list("yes_no", [("yes", "Sí", "Yes"), ("no", "No", "No")])
YES_NO_DK_REFUSED = choice_list(
    "yes_no_dk_refused",
    [
        ("yes", "Sí", "Yes"),
        ("no", "No", "No"),
        DONT_KNOW,
        REFUSED,
    ],
)
SEX = choice_list("sex", [("female", "Mujer", "Female"), ("male", "Hombre", "Male")])
RESPONDENT_STATUS = choice_list(
    "respondent_status",
    [
        ("agrees", "Está presente y acepta responder", "Present and agrees to answer"),
        ("not_available", "No está disponible: concertar otra visita", "Not available: arrange another visit"),
        ("refuses", "No acepta responder", "Refuses to answer"),
    ],
)
ROSTER_HINT = (
    "Incluya a todas las personas que duermen aquí habitualmente, también niñas y niños.",
    "Include everyone who usually sleeps here, children too.",
)

MAX_HOUSEHOLD_MEMBERS = 30
POSITION_BASE = 100  # above MAX_HOUSEHOLD_MEMBERS: the draw's last two digits are the roster position


def roster_with_selection(*, eligible: str, eligible_count: str) -> list[Row]:
    """Household members (name, sex, age) and the draw of one member satisfying ``eligible``.

    ``eligible`` is an expression over ``${member_sex}`` and ``${member_age}`` evaluated in each
    member's row; ``eligible_count`` names the calculate holding k. Yields the calculates
    ``selected_position`` (the draw), ``selected_name``, ``respondent_sex``, ``respondent_age`` and
    ``selection_probability`` (1/k); the draw and the probability carry the respondent_selection safeguard.
    """
    return [
        question(
            "integer",
            "n_members",
            (
                "¿Cuántas personas viven habitualmente en este hogar, incluyéndole a usted?",
                "How many people usually live in this household, including yourself?",
            ),
            hint=ROSTER_HINT,
            required=True,
            constraint=f". >= 1 and . <= {MAX_HOUSEHOLD_MEMBERS}",
            constraint_message=(
                f"El hogar debe tener entre 1 y {MAX_HOUSEHOLD_MEMBERS} integrantes.",
                f"The household must have between 1 and {MAX_HOUSEHOLD_MEMBERS} members.",
            ),
        ),
        begin_repeat("members", ("Integrante del hogar", "Household member"), repeat_count="${n_members}"),
        question(
            "text",
            "member_name",
            ("Nombre del integrante", "Member's first name"),
            hint=(
                "Solo el nombre de pila o unas iniciales. Es un dato personal: se guarda aparte y nunca se publica.",
                "First name or initials only. This is personal data: it is stored apart and never published.",
            ),
            required=True,
            personal=True,
        ),
        question("select_one sex", "member_sex", ("Sexo", "Sex"), required=True),
        question(
            "integer",
            "member_age",
            ("Edad en años cumplidos", "Age in completed years"),
            hint=("Si es menor de un año, anote 0.", "Write 0 for a child under one year old."),
            required=True,
            constraint=". >= 0 and . <= 120",
            constraint_message=("La edad debe estar entre 0 y 120 años.", "Age must be between 0 and 120 years."),
        ),
        calculate("member_eligible", f"if({eligible}, 1, 0)"),
        calculate("member_selection_key", "once(random())"),
        calculate(
            "member_draw",
            f"if(${{member_eligible}} = 1, int(${{member_selection_key}} * 1000000000) * {POSITION_BASE} + position(..), -1)",
        ),
        end_repeat(),
        calculate(eligible_count, "sum(${member_eligible})"),
        calculate(
            "selected_position",
            f"if(${{{eligible_count}}} > 0, max(${{member_draw}}) mod {POSITION_BASE}, '')",
            safeguard="respondent_selection",
        ),
        calculate("selected_name", "indexed-repeat(${member_name}, ${members}, ${selected_position})", personal=True),
        calculate("respondent_sex", "indexed-repeat(${member_sex}, ${members}, ${selected_position})"),
        calculate("respondent_age", "indexed-repeat(${member_age}, ${members}, ${selected_position})"),
        calculate(
            "selection_probability",
            f"if(${{{eligible_count}}} > 0, 1 div ${{{eligible_count}}}, '')",
            safeguard="respondent_selection",
        ),
    ]


# Links an interview sent from ODK Collect to the enumerator's assignment (a JSON submission names its
# assignment instead). Kept apart from the answers as a personal identifier: it points to an address.
HOUSEHOLD_CODE = question(
    "text",
    "household_code",
    ("Código del hogar en su lista de asignaciones (UPM/hogar)", "Household code from your assignment list (PSU/household)"),
    hint=("Por ejemplo EA01/003.", "For example EA01/003."),
    constraint="regex(., '^[^/]+/[^/]+$')",
    constraint_message=("Escriba la UPM y el hogar separados por /.", "Write the PSU and the household separated by /."),
    personal=True,
)
HOUSEHOLD_CONSENT = question(
    "select_one yes_no",
    "household_consent",
    ("¿Acepta el hogar participar en la encuesta?", "Does the household agree to take part in the survey?"),
    required=True,
)
CLOSING = note("closing", ("Muchas gracias por su tiempo.", "Thank you very much for your time."))


def reschedule_date(*, relevant: str = "") -> Row:
    return question(
        "date",
        "reschedule_date",
        ("Fecha de la nueva visita", "Date of the next visit"),
        relevant=relevant,
        constraint=". >= today()",
        constraint_message=("La fecha no puede ser pasada.", "The date cannot be in the past."),
    )


def selection_variables(eligible_count: str, eligible_description: str) -> list[tuple[str, str, str]]:
    """Indicator variables every instrument with a random respondent selection yields."""
    return [
        ("respondent_sex", "respondent_sex", "Selected respondent's sex, from the roster (disaggregation)"),
        ("respondent_age", "respondent_age", "Selected respondent's age in completed years, from the roster"),
        (eligible_count, eligible_count, f"k: {eligible_description} in the household, among whom the respondent was drawn"),
        ("selection_probability", "selection_probability", "1/k: within-household selection probability of the respondent"),
    ]


def adult_respondent_selection() -> list[Row]:
    """The roster, the draw of one member aged 18+, and that person's consent (or another visit).

    The interview that follows is relevant when ``${respondent_status} = 'agrees'``; needs the choice
    lists SEX and RESPONDENT_STATUS.
    """
    return [
        *roster_with_selection(eligible="${member_age} >= 18", eligible_count="n_eligible_adults"),
        note(
            "no_eligible_adult",
            ("No hay personas de 18 años o más: termine la entrevista.", "No one is 18 or older: end the interview."),
            relevant="${n_eligible_adults} = 0",
        ),
        question(
            "select_one respondent_status",
            "respondent_status",
            (
                "Persona seleccionada: ${selected_name}. Léale el consentimiento. ¿Está presente y acepta responder?",
                "Selected person: ${selected_name}. Read the consent text. Is this person present and willing to answer?",
            ),
            hint=(
                "Solo la persona seleccionada responde. Nunca la sustituya por otra.",
                "Only the selected person answers. Never replace them with someone else.",
            ),
            required=True,
            relevant="${n_eligible_adults} > 0",
        ),
        reschedule_date(relevant="${respondent_status} = 'not_available'"),
    ]

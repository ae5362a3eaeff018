"""Women's health and life experiences: prevalence of violence against women (SDG 5.2.1, 5.2.2)
following the WHO ethical and safety recommendations.

Safeguards and where they sit (the safety validator checks each):
- neutral title and form id, and no label uses the word "violence": the form may be seen by others;
- one woman 15+ drawn at random per household, her selection probability stored (respondent_selection);
- privacy check before consent: nobody over age 2 present, else the visit is rescheduled (privacy_check);
- oral consent without signature (consent);
- the sensitive block is relevant only with privacy and consent, and each part of it starts with a
  "still private?" check whose "interrupted" answer leads to innocuous health questions (safe_exit);
- the referral card note ends every interview and has no relevance at all (referral).
Act lists follow the WHO multi-country study and the DHS domestic violence module.
"""

from dataclasses import dataclass

from survey_defs.instruments.rows import (
    Row,
    Text,
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
    HOUSEHOLD_CODE,
    HOUSEHOLD_CONSENT,
    SEX,
    YES_NO,
    reschedule_date,
    roster_with_selection,
    selection_variables,
)


@dataclass(frozen=True)
class Act:
    name: str
    label: Text


PARTNER_EVER = ("¿Alguna vez su pareja actual o alguna pareja anterior {}?", "Has your current partner or any former partner ever {}?")
PSYCHOLOGICAL_ACTS = [
    Act("insulted", ("la ha insultado o la ha hecho sentir mal consigo misma", "insulted you or made you feel bad about yourself")),
    Act("humiliated", ("la ha menospreciado o humillado delante de otras personas", "belittled or humiliated you in front of other people")),
    Act(
        "intimidated",
        (
            "ha hecho cosas a propósito para asustarla o intimidarla (por la forma de mirarla, gritando o rompiendo cosas)",
            "done things to scare or intimidate you on purpose (by the way he or she looked at you, by yelling or smashing things)",
        ),
    ),
    Act("threatened", ("la ha amenazado con hacerle daño a usted o a alguien que a usted le importa", "threatened to hurt you or someone you care about")),
]
PHYSICAL_ACTS = [
    Act("slapped", ("la ha abofeteado o le ha tirado algo que pudiera herirla", "slapped you or thrown something at you that could hurt you")),
    Act("pushed", ("la ha empujado, zarandeado o jalado del pelo", "pushed you, shoved you or pulled your hair")),
    Act("hit", ("la ha golpeado con el puño o con algún objeto que pudiera herirla", "hit you with a fist or with something else that could hurt you")),
    Act("kicked", ("la ha pateado, arrastrado o dado una golpiza", "kicked you, dragged you or beaten you up")),
    Act("choked_burnt", ("ha intentado asfixiarla o la ha quemado a propósito", "choked or burnt you on purpose")),
    Act(
        "weapon",
        (
            "la ha amenazado con usar o ha usado una pistola, un cuchillo u otra arma contra usted",
            "threatened to use or actually used a gun, knife or other weapon against you",
        ),
    ),
]
SEXUAL_ACTS = [
    Act(
        "forced_intercourse",
        (
            "la ha obligado físicamente a tener relaciones sexuales cuando usted no quería",
            "physically forced you to have sexual intercourse when you did not want to",
        ),
    ),
    Act(
        "intercourse_out_of_fear",
        (
            "hecho que tuviera relaciones sexuales que usted no quería por miedo a lo que pudiera hacerle",
            "made you have sexual intercourse you did not want because you were afraid of what he or she might do",
        ),
    ),
    Act(
        "degrading_act",
        (
            "la ha obligado a realizar algún acto sexual que usted encontrara degradante o humillante",
            "forced you to do something sexual that you found degrading or humiliating",
        ),
    ),
]
NON_PARTNER_ACTS = [
    Act(
        "forced_intercourse",
        (
            "Desde que usted tenía 15 años, ¿alguna persona que no fuera su pareja la ha obligado físicamente a tener relaciones sexuales cuando usted no quería?",
            "Since the age of 15, has anyone other than a partner ever physically forced you to have sexual intercourse when you did not want to?",
        ),
    ),
    Act(
        "attempted_intercourse",
        (
            "Desde que usted tenía 15 años, ¿alguna persona que no fuera su pareja ha intentado obligarla a tener relaciones sexuales, aunque no lo lograra?",
            "Since the age of 15, has anyone other than a partner ever tried to force you to have sexual intercourse, even if it did not happen?",
        ),
    ),
    Act(
        "other_sexual_act",
        (
            "Desde que usted tenía 15 años, ¿alguna persona que no fuera su pareja la ha tocado sexualmente o la ha obligado a otro acto sexual cuando usted no quería?",
            "Since the age of 15, has anyone other than a partner ever touched you sexually or made you do any other sexual act when you did not want to?",
        ),
    ),
]
HAPPENED_12M = ("often", "sometimes")

CHOICES = [
    *YES_NO,
    *SEX,
    *choice_list("yes_no_refused", [("yes", "Sí", "Yes"), ("no", "No", "No"), ("refused", "No responde", "Refused")]),
    *choice_list(
        "privacy",
        [
            ("private", "Sí: está a solas (nadie mayor de 2 años presente)", "Yes: she is alone (nobody over age 2 present)"),
            ("not_private", "No: hay otra persona mayor de 2 años", "No: someone over age 2 is present"),
        ],
    ),
    *choice_list(
        "consent",
        [("agrees", "Acepta participar", "Agrees to take part"), ("refuses", "No acepta", "Does not agree")],
    ),
    *choice_list(
        "still_private",
        [
            ("continue", "Sigue a solas: continuar", "Still alone: continue"),
            ("interrupted", "Alguien llegó o puede escuchar: pasar a las preguntas de salud", "Someone arrived or may overhear: switch to the health questions"),
        ],
    ),
    *choice_list(
        "self_rated_health",
        [
            ("excellent", "Excelente", "Excellent"),
            ("good", "Buena", "Good"),
            ("fair", "Regular", "Fair"),
            ("poor", "Mala", "Poor"),
            ("very_poor", "Muy mala", "Very poor"),
        ],
    ),
    *choice_list(
        "partner_status",
        [
            ("married", "Casada", "Married"),
            ("cohabiting", "Vive con su pareja sin estar casada", "Living with a partner, not married"),
            ("partner_not_cohabiting", "Tiene pareja pero no viven juntos", "Has a partner, not living together"),
            ("formerly_partnered", "Tuvo pareja (separada, divorciada o viuda)", "Had a partner (separated, divorced or widowed)"),
            ("never_partnered", "Nunca ha tenido pareja", "Never had a partner"),
        ],
    ),
    *choice_list(
        "frequency_12m",
        [
            ("often", "Muchas veces", "Often"),
            ("sometimes", "Algunas veces", "Sometimes"),
            ("not_in_12m", "No en los últimos 12 meses", "Not in the last 12 months"),
            ("refused", "No responde", "Refused"),
        ],
    ),
]

PRIVATE_AND_CONSENTED = "${privacy_check} = 'private' and ${consent} = 'agrees'"


def _partner_act(kind: str, act: Act) -> list[Row]:
    ever = f"ipv_{kind}_{act.name}_ever"
    return [
        question(
            "select_one yes_no_refused",
            ever,
            (PARTNER_EVER[0].format(act.label[0]), PARTNER_EVER[1].format(act.label[1])),
            required=True,
        ),
        question(
            "select_one frequency_12m",
            f"ipv_{kind}_{act.name}_12m",
            (
                "¿Ha ocurrido esto en los últimos 12 meses? ¿Muchas veces, algunas veces o no?",
                "Has this happened in the last 12 months? Often, sometimes or not at all?",
            ),
            required=True,
            relevant=f"${{{ever}}} = 'yes'",
        ),
    ]


def _non_partner_act(act: Act) -> list[Row]:
    since_15 = f"np_{act.name}_since15"
    return [
        question("select_one yes_no_refused", since_15, act.label, required=True),
        question(
            "select_one yes_no_refused",
            f"np_{act.name}_12m",
            ("¿Le ocurrió esto en los últimos 12 meses?", "Did this happen in the last 12 months?"),
            required=True,
            relevant=f"${{{since_15}}} = 'yes'",
        ),
    ]


def _prevalence(ever_names: list[str], twelve_months: dict[str, str] | None) -> str:
    """1 if any act happened, 0 if every act was answered and none happened, empty if unknown (refusals).

    Without ``twelve_months`` it is lifetime prevalence over the ``*_ever`` answers; with it (ever name ->
    12-month answer name) an act counts when it happened ever and often/sometimes in the last 12 months.
    """
    if twelve_months is None:
        happened = [f"${{{ever}}} = 'yes'" for ever in ever_names]
        not_happened = [f"${{{ever}}} = 'no'" for ever in ever_names]
    else:
        happened = [
            "(" + " or ".join(f"${{{twelve_months[ever]}}} = '{answer}'" for answer in HAPPENED_12M) + ")"
            for ever in ever_names
        ]
        not_happened = [
            f"(${{{ever}}} = 'no' or ${{{twelve_months[ever]}}} = 'not_in_12m')" for ever in ever_names
        ]
    return f"if({' or '.join(happened)}, 1, if({' and '.join(not_happened)}, 0, ''))"


def _partner_prevalence(kind: str, acts: list[Act]) -> list[Row]:
    evers = [f"ipv_{kind}_{act.name}_ever" for act in acts]
    twelve_months = {f"ipv_{kind}_{act.name}_ever": f"ipv_{kind}_{act.name}_12m" for act in acts}
    return [
        calculate(f"ipv_{kind}_ever", _prevalence(evers, None)),
        calculate(f"ipv_{kind}_12m", _prevalence(evers, twelve_months)),
    ]


def _non_partner_prevalence() -> list[Row]:
    since_15 = [f"np_{act.name}_since15" for act in NON_PARTNER_ACTS]
    twelve_months = [f"np_{act.name}_12m" for act in NON_PARTNER_ACTS]
    happened_12m = " or ".join(f"${{{name}}} = 'yes'" for name in twelve_months)
    not_12m = " and ".join(f"(${{{ever}}} = 'no' or ${{{last}}} = 'no')" for ever, last in zip(since_15, twelve_months))
    return [
        calculate("nonpartner_sexual_since15", _prevalence(since_15, None)),
        calculate("nonpartner_sexual_12m", f"if({happened_12m}, 1, if({not_12m}, 0, ''))"),
    ]


def _any(names: list[str]) -> str:
    some = " or ".join(f"${{{name}}} = 1" for name in names)
    none = " and ".join(f"${{{name}}} = 0" for name in names)
    return f"if({some}, 1, if({none}, 0, ''))"


def _still_private(name: str, relevant: str) -> Row:
    return question(
        "select_one still_private",
        name,
        ("Antes de seguir: ¿la entrevistada sigue a solas?", "Before going on: is the respondent still alone?"),
        hint=(
            "Si alguien llega en cualquier momento, vuelva a esta pregunta y elija «pasar a las preguntas de salud».",
            "If anyone arrives at any point, come back to this question and choose 'switch to the health questions'.",
        ),
        required=True,
        relevant=relevant,
        safeguard="safe_exit",
    )


SURVEY = [
    *metadata(),
    note(
        "introduction",
        (
            "Buenos días/tardes. Realizamos una encuesta sobre la salud de las mujeres y su vida familiar. "
            "Las respuestas son confidenciales.",
            "Hello. We are carrying out a survey about women's health and family life. The answers are confidential.",
        ),
    ),
    HOUSEHOLD_CODE,
    HOUSEHOLD_CONSENT,
    begin_group("household", ("Hogar", "Household"), relevant="${household_consent} = 'yes'"),
    *roster_with_selection(
        eligible="${member_sex} = 'female' and ${member_age} >= 15",
        eligible_count="n_eligible_women",
    ),
    note(
        "no_eligible_woman",
        ("No hay mujeres de 15 años o más: termine la visita.", "No woman aged 15 or older: end the visit."),
        relevant="${n_eligible_women} = 0",
    ),
    end_group(),
    question(
        "select_one privacy",
        "privacy_check",
        (
            "Pida hablar a solas con ${selected_name}. ¿Está ella a solas, sin ninguna persona mayor de 2 años presente o que pueda escuchar?",
            "Ask to speak with ${selected_name} alone. Is she alone, with nobody over age 2 present or able to overhear?",
        ),
        hint=(
            "No explique a nadie más de qué trata la entrevista. Si no hay privacidad, no continúe.",
            "Do not tell anyone else what the interview is about. Without privacy, do not go on.",
        ),
        required=True,
        relevant="${n_eligible_women} > 0",
        safeguard="privacy_check",
    ),
    begin_group("reschedule", ("Nueva visita", "Another visit"), relevant="${privacy_check} = 'not_private'"),
    note(
        "reschedule_instruction",
        (
            "No continúe ni mencione los temas de la entrevista. Acuerde otro momento en que ella pueda estar a solas.",
            "Do not continue or mention the topics of the interview. Agree on another time when she can be alone.",
        ),
    ),
    reschedule_date(),
    end_group(),
    question(
        "select_one consent",
        "consent",
        (
            "Lea en voz alta: «Le haremos preguntas sobre su salud, su vida en pareja y experiencias que algunas mujeres "
            "han vivido. Puede negarse a responder cualquier pregunta o terminar cuando quiera. Sus respuestas son "
            "confidenciales y no se anota su nombre junto a ellas». ¿Acepta participar?",
            "Read aloud: 'We will ask about your health, your relationships and experiences some women have had. You may "
            "refuse to answer any question or stop at any time. Your answers are confidential and your name is not "
            "written next to them.' Do you agree to take part?",
        ),
        hint=(
            "Consentimiento oral: no pida firma ni huella.",
            "Oral consent: do not ask for a signature or a fingerprint.",
        ),
        required=True,
        relevant="${privacy_check} = 'private'",
        safeguard="consent",
    ),
    begin_group("health", ("Salud", "Health"), relevant=PRIVATE_AND_CONSENTED),
    question(
        "select_one self_rated_health",
        "self_rated_health",
        ("En general, ¿cómo describiría su salud?", "In general, how would you describe your health?"),
        required=True,
    ),
    question(
        "select_one yes_no",
        "health_visit_12m",
        (
            "En los últimos 12 meses, ¿consultó a un médico u otro profesional de la salud?",
            "In the last 12 months, did you see a doctor or another health professional?",
        ),
        required=True,
    ),
    end_group(),
    begin_group("relationships", ("Vida en pareja", "Relationships"), relevant=PRIVATE_AND_CONSENTED),
    question(
        "select_one partner_status",
        "partner_status",
        ("¿Cuál es su situación de pareja actual?", "What is your current partnership situation?"),
        required=True,
    ),
    calculate(
        "ever_partnered",
        "if(${partner_status} = 'never_partnered', 0, if(${partner_status} != '', 1, ''))",
    ),
    end_group(),
    begin_group("experiences", ("Experiencias", "Experiences"), relevant=PRIVATE_AND_CONSENTED, sensitive=True),
    _still_private("partner_still_private", "${ever_partnered} = 1"),
    begin_group(
        "partner_acts",
        ("Pareja actual o anterior", "Current or former partner"),
        relevant="${partner_still_private} = 'continue'",
    ),
    note(
        "partner_acts_introduction",
        (
            "En las relaciones de pareja hay momentos buenos y malos. Ahora le preguntaré por algunas situaciones con su pareja actual o con alguna anterior.",
            "Relationships have good and bad moments. I will now ask about some situations with your current or any former partner.",
        ),
    ),
    *(row for act in PSYCHOLOGICAL_ACTS for row in _partner_act("psychological", act)),
    *(row for act in PHYSICAL_ACTS for row in _partner_act("physical", act)),
    *(row for act in SEXUAL_ACTS for row in _partner_act("sexual", act)),
    *_partner_prevalence("psychological", PSYCHOLOGICAL_ACTS),
    *_partner_prevalence("physical", PHYSICAL_ACTS),
    *_partner_prevalence("sexual", SEXUAL_ACTS),
    calculate("ipv_physical_sexual_12m", _any(["ipv_physical_12m", "ipv_sexual_12m"])),
    calculate("ipv_any_12m", _any(["ipv_physical_12m", "ipv_sexual_12m", "ipv_psychological_12m"])),
    end_group(),
    _still_private("nonpartner_still_private", "not(${partner_still_private} = 'interrupted')"),
    begin_group(
        "nonpartner_acts",
        ("Otras personas", "Other people"),
        relevant="${nonpartner_still_private} = 'continue'",
    ),
    *(row for act in NON_PARTNER_ACTS for row in _non_partner_act(act)),
    *_non_partner_prevalence(),
    end_group(),
    end_group(),
    begin_group(
        "safe_exit_health",
        ("Salud y hábitos", "Health and habits"),
        relevant="${partner_still_private} = 'interrupted' or ${nonpartner_still_private} = 'interrupted'",
    ),
    question(
        "integer",
        "sleep_hours",
        ("¿Cuántas horas duerme normalmente por noche?", "How many hours do you usually sleep at night?"),
        constraint=". >= 0 and . <= 24",
        constraint_message=("Anote entre 0 y 24 horas.", "Enter between 0 and 24 hours."),
    ),
    question(
        "select_one yes_no",
        "weekly_exercise",
        ("¿Hace ejercicio al menos una vez por semana?", "Do you exercise at least once a week?"),
    ),
    end_group(),
    calculate(
        "interview_outcome",
        "if(${privacy_check} = 'not_private', 'rescheduled_no_privacy', if(${consent} = 'refuses', 'refused', "
        "if(${partner_still_private} = 'interrupted' or ${nonpartner_still_private} = 'interrupted', 'interrupted', "
        "if(${consent} = 'agrees', 'completed', 'not_interviewed'))))",
    ),
    note(
        "referral",
        (
            "Entregue con discreción a toda mujer entrevistada la tarjeta de servicios de apoyo (línea de atención gratuita y "
            "servicios locales de salud, legales y de protección), haya contado o no alguna experiencia y aunque la entrevista "
            "se haya interrumpido.",
            "Discreetly give every woman interviewed the support services card (free helpline and local health, legal and "
            "protection services), whether or not she disclosed any experience and even if the interview was interrupted.",
        ),
        hint=(
            "Si llevar la tarjeta no es seguro para ella, léale los números y ofrezca anotarlos en un papel neutro.",
            "If carrying the card is not safe for her, read her the numbers and offer to write them on a plain piece of paper.",
        ),
        safeguard="referral",
    ),
    CLOSING,
]

SETTINGS = settings("Salud y vida familiar de las mujeres / Women's health and life experiences", "sinmiedo_womens_health")

INDICATOR_VARIABLES = [
    *selection_variables("n_eligible_women", "women aged 15+"),
    ("interview_outcome", "interview_outcome", "completed/interrupted/refused/rescheduled_no_privacy/not_interviewed"),
    ("ever_partnered", "ever_partnered", "SDG 5.2.1 universe: 1/0 ever had a partner"),
    *(
        (f"ipv_{kind}_{period}", f"ipv_{kind}_{period}", f"1/0 {kind} violence by a current or former partner, {label}")
        for kind in ("physical", "sexual", "psychological")
        for period, label in (("12m", "last 12 months (SDG 5.2.1)"), ("ever", "ever"))
    ),
    ("ipv_physical_sexual_12m", "ipv_physical_sexual_12m", "SDG 5.2.1: 1/0 physical and/or sexual partner violence, last 12 months"),
    ("ipv_any_12m", "ipv_any_12m", "SDG 5.2.1: 1/0 physical, sexual or psychological partner violence, last 12 months"),
    ("nonpartner_sexual_12m", "nonpartner_sexual_12m", "SDG 5.2.2: 1/0 sexual violence by a non-partner, last 12 months"),
    ("nonpartner_sexual_since15", "nonpartner_sexual_since15", "1/0 sexual violence by a non-partner since age 15"),
]


def vawg_workbook() -> Workbook:
    return workbook(SURVEY, CHOICES, SETTINGS, INDICATOR_VARIABLES)

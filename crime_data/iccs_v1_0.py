"""ICCS version 1.0 (UNODC, March 2015): the codes this platform uses, as frozen data.

All 11 level-1 sections are here with every level-2 division of the sections that victimization and
observatory work compares (01 to 05, 07); deeper levels only where surveys and police tables meet
(assault/threat, kidnapping, extortion, rape/sexual assault, burglary, vehicle theft). A national
offence mapped to a code outside this list is refused rather than guessed.

Notes on codes that are easy to get wrong:
- 0101 intentional homicide has no level-3 subdivisions in ICCS; its disaggregations (situational
  context, relationship victim-perpetrator) are tags, which is why femicide is a rule
  (crime_data.femicide) and not a code.
- threat is 02012 (under 0201 assaults and threats), not 0202 (acts against liberty);
  trafficking in persons is 0204 and coercion 0205, with extortion at 02051.
- rape (03011) and sexual assault (03012) sit under 0301 sexual violence; 0302 is sexual
  exploitation.
- the residual "other" divisions end in 9 (0109, 0219, 0309, 0409, 0509, 0709).

Spanish names follow the terms of the Spanish edition (Clasificación Internacional de Delitos con
Fines Estadísticos); where a term was not verified against that edition it is a faithful translation.
"""

VERSION = "ICCS 1.0 (2015)"

# (code, English name, Spanish name); parents are implied by the code (see crime_data.iccs).
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("01", "Acts leading to death or intending to cause death",
     "Actos que causan la muerte o que tienen la intención de causar la muerte"),
    ("0101", "Intentional homicide", "Homicidio intencional"),
    ("0102", "Attempted intentional homicide", "Tentativa de homicidio intencional"),
    ("0103", "Non-intentional homicide", "Homicidio no intencional"),
    ("01031", "Non-negligent manslaughter", "Homicidio no intencional sin negligencia"),
    ("01032", "Negligent manslaughter", "Homicidio por negligencia"),
    ("010321", "Vehicular homicide", "Homicidio por negligencia en accidente de tránsito"),
    ("010322", "Non-vehicular homicide", "Homicidio por negligencia no vehicular"),
    ("0104", "Assisting or instigating suicide", "Ayuda o instigación al suicidio"),
    ("0105", "Euthanasia", "Eutanasia"),
    ("0106", "Illegal feticide", "Feticidio ilegal"),
    ("0107", "Unlawful killing associated with armed conflict",
     "Muerte ilícita asociada a un conflicto armado"),
    ("0109", "Other acts leading to death or intending to cause death",
     "Otros actos que causan la muerte o que tienen la intención de causar la muerte"),
    ("02", "Acts causing harm or intending to cause harm to the person",
     "Actos que causan daños o que tienen la intención de causar daños a la persona"),
    ("0201", "Assaults and threats", "Agresiones y amenazas"),
    ("02011", "Assault", "Agresión"),
    ("020111", "Serious assault", "Agresión grave"),
    ("020112", "Minor assault", "Agresión leve"),
    ("02012", "Threat", "Amenaza"),
    ("020121", "Serious threat", "Amenaza grave"),
    ("020122", "Minor threat", "Amenaza leve"),
    ("0202", "Acts against liberty", "Actos contra la libertad"),
    ("02022", "Deprivation of liberty", "Privación de la libertad"),
    ("020221", "Kidnapping", "Secuestro"),
    ("0203", "Slavery and exploitation", "Esclavitud y explotación"),
    ("0204", "Trafficking in persons", "Trata de personas"),
    ("0205", "Coercion", "Coacción"),
    ("02051", "Extortion", "Extorsión"),
    ("0206", "Negligence", "Negligencia"),
    ("0207", "Dangerous acts", "Actos peligrosos"),
    ("0208", "Acts intended to induce fear or emotional distress",
     "Actos destinados a causar miedo o angustia emocional"),
    ("02081", "Harassment", "Acoso"),
    ("02082", "Stalking", "Acecho"),
    ("0209", "Defamation or insult", "Difamación o injuria"),
    ("0210", "Discrimination", "Discriminación"),
    ("0211", "Acts that trespass against the person", "Actos que vulneran la intimidad de la persona"),
    ("0219", "Other acts causing harm or intending to cause harm to the person",
     "Otros actos que causan daños o que tienen la intención de causar daños a la persona"),
    ("03", "Injurious acts of a sexual nature", "Actos lesivos de naturaleza sexual"),
    ("0301", "Sexual violence", "Violencia sexual"),
    ("03011", "Rape", "Violación"),
    ("03012", "Sexual assault", "Agresión sexual"),
    ("03019", "Other acts of sexual violence", "Otros actos de violencia sexual"),
    ("0302", "Sexual exploitation", "Explotación sexual"),
    ("03022", "Sexual exploitation of children", "Explotación sexual de niños"),
    ("0309", "Other injurious acts of a sexual nature", "Otros actos lesivos de naturaleza sexual"),
    ("04", "Acts against property involving violence or threat against a person",
     "Actos contra la propiedad que entrañan violencia o amenaza contra las personas"),
    ("0401", "Robbery", "Robo con violencia"),
    ("0409", "Other acts against property involving violence or threat against a person",
     "Otros actos contra la propiedad que entrañan violencia o amenaza contra las personas"),
    ("05", "Acts against property only", "Actos contra la propiedad solamente"),
    ("0501", "Burglary", "Robo con allanamiento"),
    ("05012", "Burglary of private residential premises", "Robo con allanamiento de vivienda"),
    ("0502", "Theft", "Hurto"),
    ("05021", "Theft of a motorized vehicle or parts thereof",
     "Hurto de vehículos motorizados o de sus partes"),
    ("050211", "Theft of a motorized land vehicle", "Hurto de vehículo motorizado terrestre"),
    ("0503", "Intellectual property offences", "Delitos contra la propiedad intelectual"),
    ("0504", "Property damage", "Daños a la propiedad"),
    ("0509", "Other acts against property only", "Otros actos contra la propiedad solamente"),
    ("06", "Acts involving controlled psychoactive substances or other drugs",
     "Actos que entrañan sustancias psicoactivas controladas u otras drogas"),
    ("0601", "Unlawful acts involving controlled drugs or precursors",
     "Actos ilícitos que entrañan drogas controladas o precursores"),
    ("07", "Acts involving fraud, deception or corruption",
     "Actos que entrañan fraude, engaño o corrupción"),
    ("0701", "Fraud", "Fraude"),
    ("0702", "Forgery/counterfeiting", "Falsificación"),
    ("0703", "Corruption", "Corrupción"),
    ("0704", "Acts involving proceeds of crime", "Actos que entrañan el producto del delito"),
    ("0709", "Other acts involving fraud, deception or corruption",
     "Otros actos que entrañan fraude, engaño o corrupción"),
    ("08", "Acts against public order, authority and provisions of the State",
     "Actos contra el orden público, la autoridad y las disposiciones del Estado"),
    ("09", "Acts against public safety and state security",
     "Actos contra la seguridad pública y la seguridad del Estado"),
    ("10", "Acts against the natural environment", "Actos contra el medio ambiente natural"),
    ("11", "Other criminal acts not elsewhere classified",
     "Otros actos delictivos no clasificados en otra parte"),
)

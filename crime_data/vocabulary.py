"""Closed vocabularies shared by the readers, the femicide rule and the rates.

Files say "F", "Mujer" or "female"; the aliases below turn what observatories publish into one code,
and anything else is reported as a row problem rather than guessed.
"""

from __future__ import annotations

from enum import StrEnum
from collections.abc import Mapping
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class Source(StrEnum):
    """The institution that recorded a figure; counts from different sources are never added together."""

    POLICE = "police"
    PROSECUTION = "prosecution"
    FORENSIC = "forensic"  # forensic / medical-legal institute


class Unit(StrEnum):
    """What a number counts; quantities of different units are never divided by one another."""

    VICTIMS = "victims"
    INCIDENTS = "incidents"
    RECORDED_OFFENCES = "recorded_offences"
    PERSONS = "persons"


class Relationship(StrEnum):
    """Relationship of the perpetrator to the victim (UNODC-UN Women framework, 2022)."""

    INTIMATE_PARTNER = "intimate_partner"  # current or former
    FAMILY_MEMBER = "family_member"
    OTHER_KNOWN = "other_known"
    STRANGER = "stranger"
    UNKNOWN = "unknown"


class GenderRelatedContext(StrEnum):
    """The eight characteristics that make a killing by a non-partner, non-family perpetrator
    gender-related (UNODC-UN Women, Statistical framework for measuring the gender-related killing
    of women and girls, 2022)."""

    PRIOR_VIOLENCE_BY_PERPETRATOR = "prior_violence_by_perpetrator"
    UNLAWFUL_EXPLOITATION = "unlawful_exploitation"
    ABDUCTION_OR_DEPRIVATION_OF_LIBERTY = "abduction_or_deprivation_of_liberty"
    SEX_WORK = "sex_work"
    SEXUAL_VIOLENCE = "sexual_violence"
    MUTILATION = "mutilation"
    BODY_DISPOSED_IN_PUBLIC_SPACE = "body_disposed_in_public_space"
    GENDER_BASED_HATE_CRIME = "gender_based_hate_crime"


# "M" is left out on purpose: it is "male" in English files and "mujer" in Spanish ones. Files coded
# H/M (or any other way) pass their codes explicitly, e.g. sex_codes={"H": Sex.MALE, "M": Sex.FEMALE}.
SEX_ALIASES: dict[str, Sex] = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "woman": Sex.FEMALE, "mujer": Sex.FEMALE, "femenino": Sex.FEMALE,
    "male": Sex.MALE, "man": Sex.MALE, "hombre": Sex.MALE, "masculino": Sex.MALE,
    "unknown": Sex.UNKNOWN, "no identificado": Sex.UNKNOWN, "sin dato": Sex.UNKNOWN,
}


def sex_code_table(sex_codes: Mapping[str, Sex] | None = None) -> dict[str, Sex]:
    """The default aliases plus a file's own codes (which win), keyed case-insensitively."""
    table = dict(SEX_ALIASES)
    table.update({code.strip().lower(): sex for code, sex in (sex_codes or {}).items()})
    return table

def vocabulary_member(vocabulary: type[E], text: str) -> E | None:
    """The member of a vocabulary spelled `text` (case and surrounding spaces ignored), or None."""
    try:
        return vocabulary(text.strip().lower())
    except ValueError:
        return None

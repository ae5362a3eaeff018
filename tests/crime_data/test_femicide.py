from dataclasses import dataclass, field

from crime_data.femicide import FemicideRule, is_femicide
from crime_data.vocabulary import GenderRelatedContext, Relationship, Sex


@dataclass(frozen=True)
class Victim:
    iccs_code: str = "0101"
    victim_sex: Sex = Sex.FEMALE
    relationship: Relationship | None = None
    gender_related_context: frozenset[GenderRelatedContext] = field(default_factory=frozenset)


def test_woman_killed_by_intimate_partner_is_femicide():
    assert is_femicide(Victim(relationship=Relationship.INTIMATE_PARTNER))


def test_woman_killed_by_family_member_is_femicide():
    assert is_femicide(Victim(relationship=Relationship.FAMILY_MEMBER))


def test_man_killed_by_intimate_partner_is_not_femicide():
    assert not is_femicide(Victim(victim_sex=Sex.MALE, relationship=Relationship.INTIMATE_PARTNER))


def test_attempted_homicide_of_a_woman_is_not_femicide():
    assert not is_femicide(Victim(iccs_code="0102", relationship=Relationship.INTIMATE_PARTNER))


def test_woman_killed_by_stranger_without_gender_related_context_is_not_femicide():
    assert not is_femicide(Victim(relationship=Relationship.STRANGER))


def test_woman_killed_by_stranger_with_sexual_violence_is_femicide():
    victim = Victim(
        relationship=Relationship.STRANGER,
        gender_related_context=frozenset({GenderRelatedContext.SEXUAL_VIOLENCE}),
    )
    assert is_femicide(victim)


def test_unknown_perpetrator_with_body_in_public_space_is_femicide():
    victim = Victim(gender_related_context=frozenset({GenderRelatedContext.BODY_DISPOSED_IN_PUBLIC_SPACE}))
    assert is_femicide(victim)


def test_rule_without_family_members_excludes_them():
    rule = FemicideRule(include_family_member=False)
    assert not is_femicide(Victim(relationship=Relationship.FAMILY_MEMBER), rule)


def test_rule_restricted_to_some_contexts_ignores_the_others():
    rule = FemicideRule(other_perpetrator_contexts=frozenset({GenderRelatedContext.GENDER_BASED_HATE_CRIME}))
    victim = Victim(
        relationship=Relationship.OTHER_KNOWN,
        gender_related_context=frozenset({GenderRelatedContext.MUTILATION}),
    )
    assert not is_femicide(victim, rule)


def test_rule_description_names_every_included_category():
    text = FemicideRule(include_family_member=False).describe()
    assert "intimate partner" in text and "family member" not in text and "sexual_violence" in text

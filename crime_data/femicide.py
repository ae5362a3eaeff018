"""Femicide (gender-related killing of women and girls) as an explicit, configurable rule.

ICCS has no femicide code. The UNODC-UN Women Statistical framework for measuring the gender-related
killing of women and girls (2022) counts an intentional homicide (ICCS 0101) of a woman or girl (any
age) as gender-related when it was committed:
  1. by an intimate partner (current or former), or
  2. by another family member, or
  3. by any other perpetrator (known, stranger or unidentified) when the killing shows at least one
     of eight characteristics (GenderRelatedContext: prior violence by the perpetrator, unlawful
     exploitation, abduction, sex work, sexual violence, mutilation, body disposed of in a public
     space, gender-based hate crime).
`FemicideRule()` is that framework. A national legal definition that is narrower or wider is a
different rule: switch categories off or restrict the characteristics, and publish the rule with the
figure.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from crime_data.iccs import ICCS
from crime_data.vocabulary import GenderRelatedContext, Relationship, Sex


class HomicideVictimRecord(Protocol):
    iccs_code: str
    victim_sex: Sex
    relationship: Relationship | None
    gender_related_context: Collection[GenderRelatedContext]


@dataclass(frozen=True)
class FemicideRule:
    include_intimate_partner: bool = True
    include_family_member: bool = True
    # A killing by any other perpetrator counts when it shows at least one of these characteristics;
    # an empty set leaves category 3 out entirely.
    other_perpetrator_contexts: frozenset[GenderRelatedContext] = field(
        default_factory=lambda: frozenset(GenderRelatedContext)
    )

    def describe(self) -> str:
        """One line to publish next to a figure computed with this rule."""
        parts = []
        if self.include_intimate_partner:
            parts.append("killed by an intimate partner")
        if self.include_family_member:
            parts.append("killed by a family member")
        if self.other_perpetrator_contexts:
            contexts = ", ".join(sorted(self.other_perpetrator_contexts))
            parts.append(f"killed by another perpetrator with at least one of: {contexts}")
        return "intentional homicide (ICCS 0101) of a woman or girl " + "; or ".join(parts)


def is_femicide(record: HomicideVictimRecord, rule: FemicideRule = FemicideRule()) -> bool:
    """Whether this victim record counts as femicide under `rule`."""
    if record.victim_sex is not Sex.FEMALE or not ICCS.is_within(record.iccs_code, "0101"):
        return False
    if record.relationship is Relationship.INTIMATE_PARTNER:
        return rule.include_intimate_partner
    if record.relationship is Relationship.FAMILY_MEMBER:
        return rule.include_family_member
    return bool(rule.other_perpetrator_contexts.intersection(record.gender_related_context))

"""Household rosters and the device's random selection of one eligible member.

The instruments draw the respondent on the device: each member gets a key ``once(random())`` and the
eligible member with the largest key answers (probability 1/k). Here the keys come from the seeded
generator, sent with the roster as a device would; the instruments' own calculates then pick the
respondent, and ``selected_member`` is the same rule written out so the answer models can condition
on who was drawn (a test holds the two together).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from survey_defs.instruments.shared import MAX_HOUSEHOLD_MEMBERS

FEMALE_NAMES = ("María", "Ana", "Rosa", "Carmen", "Lucía", "Sofía", "Gabriela", "Patricia", "Daniela", "Elena",
                "Marta", "Valeria", "Isabel", "Teresa", "Camila", "Juana", "Paola", "Andrea", "Gloria", "Julia")
MALE_NAMES = ("José", "Luis", "Carlos", "Juan", "Jorge", "Miguel", "Pedro", "Mario", "Óscar", "Manuel",
              "Francisco", "Diego", "Andrés", "Ricardo", "Fernando", "Raúl", "Pablo", "Hugo", "Víctor", "Santiago")
MEAN_HOUSEHOLD_SIZE = {"urban": 3.4, "rural": 4.1}
KEY_RESOLUTION = 10**9  # the instruments read int(key * 10^9): keys sit mid-step so that reads back exactly


@dataclass(frozen=True)
class Member:
    name: str
    sex: str  # female | male
    age: int


def draw_roster(area: str, rng: np.random.Generator) -> tuple[Member, ...]:
    """A household: a reference person 18+, often a partner, then children and other relatives."""
    size = min(1 + int(rng.poisson(MEAN_HOUSEHOLD_SIZE[area] - 1)), MAX_HOUSEHOLD_MEMBERS)
    head_age = int(np.clip(rng.normal(46, 15), 18, 92))
    head_sex = "female" if rng.random() < 0.36 else "male"
    members = [_member(head_sex, head_age, rng)]
    if size > 1 and rng.random() < 0.72:
        partner_sex = "male" if head_sex == "female" else "female"
        members.append(_member(partner_sex, int(np.clip(head_age + rng.normal(-2, 5), 18, 95)), rng))
    while len(members) < size:
        sex = "female" if rng.random() < 0.5 else "male"
        if head_age < 62 and rng.random() < 0.75:
            age = int(rng.integers(0, max(1, min(30, head_age - 16))))  # a son or daughter
        else:
            age = int(rng.integers(0, 90))  # a grandchild, parent, sibling or lodger
        members.append(_member(sex, age, rng))
    return tuple(members)


def draw_keys(count: int, rng: np.random.Generator) -> list[float]:
    """Distinct selection keys in (0, 1), each mid-way between two 9-digit steps."""
    steps = rng.choice(KEY_RESOLUTION, size=count, replace=False)
    return [(int(step) + 0.5) / KEY_RESOLUTION for step in steps]


def is_adult(member: Member) -> bool:
    return member.age >= 18


def is_woman_15_plus(member: Member) -> bool:
    return member.sex == "female" and member.age >= 15


def selected_member(
    members: tuple[Member, ...], keys: list[float], eligible: Callable[[Member], bool]
) -> tuple[int, int] | None:
    """(0-based position of the eligible member with the largest key, k), or None without anyone eligible."""
    positions = [position for position, member in enumerate(members) if eligible(member)]
    if not positions:
        return None
    return max(positions, key=lambda position: keys[position]), len(positions)


def roster_answers(members: tuple[Member, ...], keys: list[float]) -> dict[str, Any]:
    return {
        "household_consent": "yes",
        "n_members": len(members),
        "members": [
            {"member_name": member.name, "member_sex": member.sex, "member_age": member.age, "member_selection_key": key}
            for member, key in zip(members, keys, strict=True)
        ],
    }


def _member(sex: str, age: int, rng: np.random.Generator) -> Member:
    names = FEMALE_NAMES if sex == "female" else MALE_NAMES
    return Member(str(names[int(rng.integers(len(names)))]), sex, age)

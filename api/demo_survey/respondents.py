"""Who answers: the drawn member's sex and age and the stratum, which the answer models condition on."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from api.demo_survey.frame import Stratum


@dataclass(frozen=True)
class Respondent:
    stratum: Stratum
    sex: str
    age: int

    @property
    def urban(self) -> bool:
        return self.stratum.area == "urban"

    @property
    def youth(self) -> float:
        """Risk multiplier by age: victimization falls steadily with age in every LAC survey."""
        if self.age < 30:
            return 1.35
        if self.age < 45:
            return 1.1
        if self.age < 60:
            return 0.85
        return 0.6


def chance(rng: np.random.Generator, probability: float) -> bool:
    return bool(rng.random() < min(max(probability, 0.0), 1.0))


def pick(rng: np.random.Generator, shares: Mapping[str, float]) -> str:
    """One option, drawn with the given (unnormalised) shares."""
    names = list(shares)
    weights = np.array([shares[name] for name in names], dtype=float)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


def pick_some(rng: np.random.Generator, shares: Mapping[str, float], *, at_least_one: str | None = None) -> list[str]:
    """Each option independently with its probability; ``at_least_one`` is the answer when none is chosen."""
    chosen = [name for name, probability in shares.items() if rng.random() < probability]
    if not chosen and at_least_one is not None:
        return [at_least_one]
    return chosen

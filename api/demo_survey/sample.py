"""The two-stage sample: PSUs by PPS systematic selection within each stratum, a fixed take of
households per PSU by systematic selection from its listing, the half of the PSUs that carry the
VAWG module, and what happened at each household's door (its disposition)."""

from dataclasses import dataclass

import numpy as np

from api.demo_survey.frame import StratumFrame
from api.demo_survey.selection import pps_systematic, systematic

HOUSEHOLDS_PER_PSU = 12

COMPLETED, REFUSED, NON_CONTACT, VACANT = "completed", "refused", "non_contact", "vacant"
# Share of selected dwellings found vacant, and among occupied ones, of refusals and non-contacts:
# cities answer less (gated buildings, nobody home by day), as every Latin American survey reports.
DISPOSITION_RATES = {
    "urban": {VACANT: 0.07, REFUSED: 0.14, NON_CONTACT: 0.12},
    "rural": {VACANT: 0.09, REFUSED: 0.07, NON_CONTACT: 0.07},
}


@dataclass(frozen=True)
class SampledPSU:
    code: str
    stratum: str
    area_households: int  # M_hi
    stratum_households: int  # M_h
    stratum_psus: int  # n_h
    probability: float  # n_h * M_hi / M_h
    vawg: bool  # carries the VAWG module
    vawg_probability: float  # conditional on the PSU: the share of its stratum's PSUs that carry it
    latitude: float
    longitude: float
    territory: str  # the municipality code (api.crime.demo's territory table)


@dataclass(frozen=True)
class SampledHousehold:
    code: str
    psu: str
    listing_number: int  # 1-based position in the PSU's listing
    probability: float  # conditional on the PSU: households taken / households listed
    disposition: str


def draw_psus(frames: dict[str, StratumFrame], rng: np.random.Generator) -> list[SampledPSU]:
    psus = []
    for code, frame in frames.items():
        stratum = frame.stratum
        selected, probabilities = pps_systematic(frame.area_households, stratum.sampled_psus, rng)
        vawg_count = stratum.sampled_psus // 2
        vawg = np.zeros(len(selected), dtype=bool)
        vawg[rng.choice(len(selected), size=vawg_count, replace=False)] = True
        offsets = rng.normal(0, 0.08, size=(len(selected), 2))
        for index, probability, carries_vawg, offset in zip(selected, probabilities, vawg, offsets, strict=True):
            psus.append(
                SampledPSU(
                    code=frame.area_code(int(index)),
                    stratum=code,
                    area_households=int(frame.area_households[index]),
                    stratum_households=frame.households,
                    stratum_psus=stratum.sampled_psus,
                    probability=float(probability),
                    vawg=bool(carries_vawg),
                    vawg_probability=vawg_count / stratum.sampled_psus,
                    latitude=round(stratum.centre[0] + float(offset[0]), 5),
                    longitude=round(stratum.centre[1] + float(offset[1]), 5),
                    territory=frame.area_territory(int(index)),
                )
            )
    return psus


def draw_households(psu: SampledPSU, area: str, rng: np.random.Generator) -> list[SampledHousehold]:
    positions, probability = systematic(psu.area_households, HOUSEHOLDS_PER_PSU, rng)
    rates = DISPOSITION_RATES[area]
    outcomes = [VACANT, REFUSED, NON_CONTACT, COMPLETED]
    vacant = rates[VACANT]
    occupied = 1 - vacant
    weights = [vacant, occupied * rates[REFUSED], occupied * rates[NON_CONTACT]]
    weights.append(1 - sum(weights))
    dispositions = rng.choice(outcomes, size=len(positions), p=weights)
    return [
        SampledHousehold(
            code=f"{psu.code}-{position + 1:04d}",
            psu=psu.code,
            listing_number=int(position) + 1,
            probability=probability,
            disposition=str(disposition),
        )
        for position, disposition in zip(positions, dispositions, strict=True)
    ]


"""The synthetic country's sampling frame: three regions by urban/rural area, six strata, each a
list of census enumeration areas whose measure of size is their count of households.

Figures are plausible for a mid-sized Latin American country (about 2.2 million households, larger
enumeration areas in cities than in the countryside); nothing in them describes a real place.

Every enumeration area lies in one municipality of the demo's police data (api.crime.demo: regions
01 Norte, 02 Centro, the metropolitan one, and 03 Sur), so that survey estimates by territory sit
beside police figures for the same codes. A stratum's areas, in listing order, are split into
equal runs, one per municipality of the stratum.
"""

from dataclasses import dataclass

import numpy as np

MIN_AREA_HOUSEHOLDS = 40  # census cartography keeps enumeration areas walkable for one enumerator


@dataclass(frozen=True)
class Stratum:
    code: str
    region: str
    area: str  # urban | rural
    frame_households: int  # households the census counted in the stratum (before cutting into areas)
    mean_area_households: int
    sampled_psus: int  # n_h, even so that exactly half of them can carry the VAWG module
    crime_level: float  # relative victimization risk, used by the answer models
    centre: tuple[float, float]  # latitude, longitude around which its areas lie
    territories: tuple[str, ...]  # municipality codes of the demo's territory table, in listing order


STRATA: tuple[Stratum, ...] = (
    Stratum("metro_urban", "metropolitana", "urban", 760_000, 190, 50, 1.35, (14.08, -87.20), ("02001", "02002")),
    Stratum("metro_rural", "metropolitana", "rural", 130_000, 120, 16, 0.80, (14.25, -87.05), ("02003", "02004")),
    Stratum("north_urban", "norte", "urban", 470_000, 180, 40, 1.15, (15.50, -88.02), ("01001", "01002")),
    Stratum("north_rural", "norte", "rural", 310_000, 110, 34, 0.70, (15.30, -87.60), ("01003", "01004")),
    Stratum("south_urban", "sur", "urban", 240_000, 170, 28, 0.95, (13.30, -87.19), ("03001", "03002")),
    Stratum("south_rural", "sur", "rural", 290_000, 100, 32, 0.60, (13.55, -86.80), ("03003", "03004")),
)
STRATA_BY_CODE = {stratum.code: stratum for stratum in STRATA}


@dataclass(frozen=True)
class StratumFrame:
    stratum: Stratum
    area_households: np.ndarray  # M_hi, one per enumeration area, in geographic (listing) order

    @property
    def households(self) -> int:
        """M_h: the stratum's households, the sum of its areas' measures of size."""
        return int(self.area_households.sum())

    def area_code(self, index: int) -> str:
        return f"{self.stratum.code}-{index + 1:05d}"

    def area_territory(self, index: int) -> str:
        """The municipality an area lies in: the stratum's areas split into equal runs in listing order."""
        territories = self.stratum.territories
        return territories[index * len(territories) // len(self.area_households)]


def build_frame(rng: np.random.Generator, strata: tuple[Stratum, ...] = STRATA) -> dict[str, StratumFrame]:
    """Enumeration areas of each stratum, sizes drawn from a gamma around the stratum's mean size."""
    frames = {}
    for stratum in strata:
        count = round(stratum.frame_households / stratum.mean_area_households)
        shape = 6.0  # coefficient of variation about 0.4, as census areas within one stratum
        sizes = rng.gamma(shape, stratum.mean_area_households / shape, size=count)
        frames[stratum.code] = StratumFrame(stratum, np.maximum(np.rint(sizes), MIN_AREA_HOUSEHOLDS).astype(np.int64))
    return frames

"""Cell checks that need the reference data (territories, population) shared by the admin-data readers."""

from __future__ import annotations

from collections.abc import Mapping

from crime_data.population import PopulationTable
from crime_data.tables import CellError, parse_choice, parse_text
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import Sex


def parse_territory(value: object, hierarchy: TerritoryHierarchy) -> str:
    code = parse_text(value)
    if code not in hierarchy:
        raise CellError("unknown_territory", f"territory code {code!r} is not defined")
    return code


class PopulationCoverage:
    """Refuses rows whose territory has no population for their year (no rate could use them).

    Without a population table every row passes; answers are remembered, since a file repeats the
    same territories and years many times.
    """

    def __init__(self, population: PopulationTable | None, hierarchy: TerritoryHierarchy) -> None:
        self._population = population
        self._hierarchy = hierarchy
        self._covered: dict[tuple[str, int], bool] = {}

    def require(self, territory_code: str, year: int) -> None:
        if self._population is None:
            return
        key = (territory_code, year)
        if key not in self._covered:
            self._covered[key] = self._population.covers(territory_code, year, self._hierarchy)
        if not self._covered[key]:
            raise CellError(
                "territory_not_in_population",
                f"territory {territory_code!r} has no population for {year} "
                f"in population table {self._population.version!r}",
            )


def parse_sex_code(value: object, sex_codes: Mapping[str, Sex]) -> Sex:
    """A sex code looked up in `sex_codes` (see vocabulary.sex_code_table)."""
    return parse_choice(value, lambda text: sex_codes.get(text.strip().lower()), "sex code", "unknown_sex_code")

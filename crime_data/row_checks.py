"""Cell checks that need the reference data (territories, population) shared by the admin-data readers."""

from __future__ import annotations

from crime_data.population import PopulationTable
from crime_data.tables import CellError, parse_choice, parse_text
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import Sex, parse_sex


def parse_territory(value: object, hierarchy: TerritoryHierarchy) -> str:
    code = parse_text(value)
    if code not in hierarchy:
        raise CellError("unknown_territory", f"territory code {code!r} is not defined")
    return code


def require_population(
    population: PopulationTable | None, hierarchy: TerritoryHierarchy, territory_code: str, year: int
) -> None:
    """Refuse a row whose territory has no population for its year (no rate could be computed from it)."""
    if population is not None and not population.covers(territory_code, year, hierarchy):
        raise CellError(
            "territory_not_in_population",
            f"territory {territory_code!r} has no population for {year} in population table {population.version!r}",
        )


def parse_sex_code(value: object) -> Sex:
    return parse_choice(value, parse_sex, "sex code", "unknown_sex_code")

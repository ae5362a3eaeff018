"""Versioned population tables (territory x year x sex x age group) and the denominators drawn from them.

A territory's population is its own rows when the table has them; otherwise the sum of its child
territories (recursively), so a table of municipalities also serves regions and the country. Every
figure drawn from a table is tied to the table's `version`, which rates carry to publication.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crime_data.errors import CrimeDataError
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import Sex

_AGE_GROUP = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|\+)\s*$")


@dataclass(frozen=True)
class AgeGroup:
    """An age band in completed years: "15-29" is 15 to 29 inclusive, "65+" is 65 and older."""

    label: str
    lower: int
    upper: int | None

    @classmethod
    def parse(cls, label: str) -> AgeGroup:
        match = _AGE_GROUP.match(label)
        if match is None:
            raise CrimeDataError("bad_age_group", f"age group {label!r} is not of the form '15-29' or '65+'")
        lower = int(match.group(1))
        upper = int(match.group(2)) if match.group(2) is not None else None
        if upper is not None and upper < lower:
            raise CrimeDataError("bad_age_group", f"age group {label!r} ends before it starts")
        return cls(label.strip(), lower, upper)

    def contains(self, age: int) -> bool:
        return age >= self.lower and (self.upper is None or age <= self.upper)


@dataclass(frozen=True, slots=True)
class PopulationRow:
    territory_code: str
    year: int
    sex: Sex
    age_group: str
    population: int


class PopulationTable:
    """One version of a population table; rows are validated once, at construction."""

    def __init__(self, version: str, rows: Iterable[PopulationRow]) -> None:
        if not version.strip():
            raise CrimeDataError("missing_population_version", "a population table needs a version label")
        self.version = version
        cells: dict[tuple[str, int, Sex, str], int] = {}
        groups: dict[str, AgeGroup] = {}
        for row in rows:
            self._check_row(row)
            groups.setdefault(row.age_group, AgeGroup.parse(row.age_group))
            key = (row.territory_code, row.year, row.sex, row.age_group)
            if key in cells:
                raise CrimeDataError(
                    "duplicate_population_cell",
                    f"population table {version!r} has two rows for territory {row.territory_code!r}, "
                    f"year {row.year}, sex {row.sex}, age group {row.age_group!r}",
                )
            cells[key] = row.population
        self._cells = cells
        self.age_groups: tuple[AgeGroup, ...] = tuple(sorted(groups.values(), key=lambda group: group.lower))
        self._check_age_groups_do_not_overlap()
        self._territory_years = {(territory, year) for territory, year, _, _ in cells}

    @staticmethod
    def _check_row(row: PopulationRow) -> None:
        if row.sex is Sex.UNKNOWN:
            raise CrimeDataError(
                "bad_population_sex", f"population rows are by female/male; got {row.sex!r} for {row.territory_code!r}"
            )
        if isinstance(row.population, bool) or not isinstance(row.population, int) or row.population < 0:
            raise CrimeDataError(
                "bad_population",
                f"population of {row.territory_code!r} {row.year} must be a non-negative integer, "
                f"got {row.population!r}",
            )

    def _check_age_groups_do_not_overlap(self) -> None:
        for lower_group, upper_group in zip(self.age_groups, self.age_groups[1:]):
            if lower_group.upper is None or lower_group.upper >= upper_group.lower:
                raise CrimeDataError(
                    "overlapping_age_groups",
                    f"age groups {lower_group.label!r} and {upper_group.label!r} overlap in table {self.version!r}",
                )

    def rows(self) -> list[PopulationRow]:
        """The table's cells as rows, to store or export the table."""
        return [
            PopulationRow(territory, year, sex, age_group, population)
            for (territory, year, sex, age_group), population in self._cells.items()
        ]

    def age_group_of(self, age: int) -> AgeGroup:
        """The table's age group that holds `age` (completed years)."""
        for group in self.age_groups:
            if group.contains(age):
                return group
        raise CrimeDataError("age_outside_groups", f"age {age} falls in no age group of table {self.version!r}")

    def population(
        self,
        territory_code: str,
        year: int,
        *,
        sex: Sex | None = None,
        age_group: str | None = None,
        hierarchy: TerritoryHierarchy | None = None,
    ) -> int:
        """Population of a territory in a year; `sex=None` is both sexes, `age_group=None` all ages.

        Without a hierarchy only the territory's own rows count; with one, a territory without rows is
        the sum of its children. A missing cell raises `population_missing` naming the cell.
        """
        if age_group is not None and age_group not in {group.label for group in self.age_groups}:
            raise CrimeDataError(
                "unknown_age_group", f"age group {age_group!r} is not in population table {self.version!r}"
            )
        sexes = [Sex.FEMALE, Sex.MALE] if sex is None else [sex]
        groups = [group.label for group in self.age_groups] if age_group is None else [age_group]
        return sum(
            self._cell(territory_code, year, one_sex, group, hierarchy) for one_sex in sexes for group in groups
        )

    def covers(self, territory_code: str, year: int, hierarchy: TerritoryHierarchy | None = None) -> bool:
        """Whether the table can give this territory's total population for this year."""
        try:
            self.population(territory_code, year, hierarchy=hierarchy)
        except CrimeDataError as error:
            if error.code == "population_missing":
                return False
            raise
        return True

    def _cell(
        self, territory_code: str, year: int, sex: Sex, age_group: str, hierarchy: TerritoryHierarchy | None
    ) -> int:
        # A territory with any row for the year must be complete itself: mixing its own rows with
        # children's rows would hide a gap behind a plausible-looking sum.
        if (territory_code, year) in self._territory_years:
            value = self._cells.get((territory_code, year, sex, age_group))
            if value is None:
                raise self._missing(territory_code, year, sex, age_group)
            return value
        children = hierarchy.children(territory_code) if hierarchy is not None else []
        if not children:
            raise self._missing(territory_code, year, sex, age_group)
        return sum(self._cell(child.code, year, sex, age_group, hierarchy) for child in children)

    def _missing(self, territory_code: str, year: int, sex: Sex, age_group: str) -> CrimeDataError:
        return CrimeDataError(
            "population_missing",
            f"population table {self.version!r} has no population for territory {territory_code!r}, "
            f"year {year}, sex {sex}, age group {age_group!r}",
        )

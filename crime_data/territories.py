"""Territories: country > region (department, state, province) > municipality, as a validated tree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from crime_data.errors import CrimeDataError


class TerritoryLevel(StrEnum):
    COUNTRY = "country"
    REGION = "region"
    MUNICIPALITY = "municipality"

    @property
    def depth(self) -> int:
        return list(TerritoryLevel).index(self)


@dataclass(frozen=True)
class Territory:
    code: str
    name: str
    level: TerritoryLevel
    parent_code: str | None = None


def parent_problem(territory: Territory, by_code: Mapping[str, Territory]) -> tuple[str, str] | None:
    """(code, message) when the territory's parent is missing, undefined or not exactly one level up."""
    if territory.level is TerritoryLevel.COUNTRY:
        if territory.parent_code is not None:
            return "bad_parent_territory", f"country {territory.code!r} cannot have a parent"
        return None
    if territory.parent_code is None:
        return "missing_parent_territory", f"{territory.level} {territory.code!r} needs a parent territory"
    parent = by_code.get(territory.parent_code)
    if parent is None:
        return (
            "unknown_parent_territory",
            f"{territory.level} {territory.code!r} names parent {territory.parent_code!r}, which is not defined",
        )
    if parent.level.depth != territory.level.depth - 1:
        return (
            "bad_parent_territory",
            f"{territory.level} {territory.code!r} has parent {parent.code!r} of level {parent.level}; "
            f"a {territory.level}'s parent must be one level up",
        )
    return None


class TerritoryHierarchy:
    """Territories whose parents exist and sit exactly one level up; built once, then read-only."""

    def __init__(self, territories: Iterable[Territory]) -> None:
        by_code: dict[str, Territory] = {}
        for territory in territories:
            if territory.code in by_code:
                raise CrimeDataError("duplicate_territory", f"territory code {territory.code!r} appears twice")
            by_code[territory.code] = territory
        for territory in by_code.values():
            problem = parent_problem(territory, by_code)
            if problem is not None:
                raise CrimeDataError(*problem)
        self._by_code = by_code
        self._children: dict[str, list[Territory]] = {}
        for territory in by_code.values():
            if territory.parent_code is not None:
                self._children.setdefault(territory.parent_code, []).append(territory)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Territory]:
        """Every territory, parents before their children (the order a database needs to store them)."""
        return iter(sorted(self._by_code.values(), key=lambda territory: territory.level.depth))

    def get(self, code: str) -> Territory:
        try:
            return self._by_code[code]
        except KeyError:
            raise CrimeDataError("unknown_territory", f"territory code {code!r} is not defined") from None

    def children(self, code: str) -> list[Territory]:
        self.get(code)
        return list(self._children.get(code, []))

    def ancestors(self, code: str) -> list[Territory]:
        """From the parent up to the country."""
        found = []
        parent_code = self.get(code).parent_code
        while parent_code is not None:
            parent = self._by_code[parent_code]
            found.append(parent)
            parent_code = parent.parent_code
        return found

    def at_level(self, code: str, level: TerritoryLevel) -> Territory:
        """The territory itself when it is of `level`, else its ancestor of that level."""
        for territory in (self.get(code), *self.ancestors(code)):
            if territory.level is level:
                return territory
        raise CrimeDataError("no_territory_at_level", f"territory {code!r} lies in no {level} (it is a "
                             f"{self.get(code).level})")

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when `code` is `ancestor` itself or lies inside it (both must be defined)."""
        self.get(ancestor)
        return code == ancestor or any(territory.code == ancestor for territory in self.ancestors(code))

"""Navigation of the ICCS hierarchy: categories, parents, children, and "is this code within that one".

ICCS codes encode their place: level 1 has 2 digits, level 2 has 4, level 3 has 5 and level 4 has 6,
so the parent of a code is found by cutting digits (020111 -> 02011 -> 0201 -> 02).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crime_data import iccs_v1_0
from crime_data.errors import CrimeDataError

_LEVEL_BY_LENGTH = {2: 1, 4: 2, 5: 3, 6: 4}


@dataclass(frozen=True)
class IccsCategory:
    code: str
    name_en: str
    name_es: str

    @property
    def level(self) -> int:
        return _LEVEL_BY_LENGTH[len(self.code)]

    @property
    def parent_code(self) -> str | None:
        if self.level == 1:
            return None
        return self.code[:2] if self.level == 2 else self.code[:-1]


class IccsCatalogue:
    """A frozen, validated set of ICCS categories with parent/child navigation."""

    def __init__(self, version: str, categories: Iterable[tuple[str, str, str]]) -> None:
        self.version = version
        by_code: dict[str, IccsCategory] = {}
        for code, name_en, name_es in categories:
            if not code.isdigit() or len(code) not in _LEVEL_BY_LENGTH:
                raise CrimeDataError("bad_iccs_code", f"ICCS code {code!r} is not 2, 4, 5 or 6 digits")
            if code in by_code:
                raise CrimeDataError("duplicate_iccs_code", f"ICCS code {code} appears twice")
            by_code[code] = IccsCategory(code, name_en, name_es)
        for category in by_code.values():
            if category.parent_code is not None and category.parent_code not in by_code:
                raise CrimeDataError(
                    "orphan_iccs_code", f"ICCS code {category.code} has no parent {category.parent_code}"
                )
        self._by_code = by_code

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self):
        return iter(self._by_code.values())

    def get(self, code: str) -> IccsCategory:
        try:
            return self._by_code[code]
        except KeyError:
            raise CrimeDataError(
                "unknown_iccs_code", f"{code!r} is not a code of the {self.version} catalogue"
            ) from None

    def sections(self) -> list[IccsCategory]:
        """The level-1 sections, in code order."""
        return [category for category in self._by_code.values() if category.level == 1]

    def parent(self, code: str) -> IccsCategory | None:
        parent_code = self.get(code).parent_code
        return None if parent_code is None else self._by_code[parent_code]

    def children(self, code: str) -> list[IccsCategory]:
        self.get(code)
        return [category for category in self._by_code.values() if category.parent_code == code]

    def ancestors(self, code: str) -> list[IccsCategory]:
        """From the parent up to the level-1 section."""
        found = []
        parent = self.parent(code)
        while parent is not None:
            found.append(parent)
            parent = self.parent(parent.code)
        return found

    def is_within(self, code: str, ancestor: str) -> bool:
        """True when `code` is `ancestor` itself or one of its descendants (both must be known)."""
        self.get(ancestor)
        return code == ancestor or any(category.code == ancestor for category in self.ancestors(code))


ICCS = IccsCatalogue(iccs_v1_0.VERSION, iccs_v1_0.CATEGORIES)

"""Write the bundled instruments' .xlsx files from their Python definitions.

Run ``python -m survey_defs.instruments.build`` after changing a definition; a test checks that the
committed workbooks hold exactly what the definitions say, so designers can open and edit either.
"""

from collections.abc import Callable
from pathlib import Path

import openpyxl

from survey_defs.instruments import INSTRUMENTS_DIRECTORY
from survey_defs.instruments.perception import perception_workbook
from survey_defs.instruments.rows import Workbook
from survey_defs.instruments.vawg import vawg_workbook
from survey_defs.instruments.victimization import victimization_workbook

DEFINITIONS: dict[str, Callable[[], Workbook]] = {
    "perception": perception_workbook,
    "victimization": victimization_workbook,
    "vawg": vawg_workbook,
}


def write_workbook(sheets: Workbook, path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, lines in sheets.items():
        sheet = book.create_sheet(title)
        for line in lines:
            sheet.append(line)
    book.save(path)


def build_all(directory: Path = INSTRUMENTS_DIRECTORY) -> dict[str, Path]:
    paths = {}
    for name, definition in DEFINITIONS.items():
        paths[name] = directory / f"{name}.xlsx"
        write_workbook(definition(), paths[name])
    return paths


def main() -> None:
    for name, path in build_all().items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()

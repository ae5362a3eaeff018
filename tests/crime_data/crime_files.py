"""Writers of the small CSV/XLSX files the crime_data tests read, and the offence mapping they share."""

from pathlib import Path

import openpyxl

MAPPING_CSV = """national_code,iccs_code,description
HOM,0101,Homicidio doloso
HOMT,0102,Tentativa de homicidio
LES,020111,Lesiones personales graves
EXT,02051,Extorsión
HURV,050211,Hurto de vehículos
VIOL,03011,Acceso carnal violento
"""


def write_text(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(folder: Path, name: str, rows: list[list[object]], sheet: str = "datos") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    path = folder / name
    workbook.save(path)
    return path

"""Files at the service's edge: the names users give their uploads, workbooks that unpack too far,
and the CSV cells the service writes.

A user's file name never reaches a path or a header raw: only its base name, in a plain ASCII
alphabet (HTTP headers are Latin-1; paths must not climb), bounded in length. An .xlsx is a zip
archive, checked before any parser opens it. CSV cells that a spreadsheet would run as a formula
(CSV injection) get a leading apostrophe.
"""

import io
import re
import zipfile
from typing import Any

from api.errors import PayloadTooLarge

MAX_FILENAME_LENGTH = 200
# Real XLSForms and crime workbooks unpack to a few MB; past this a workbook is a zip bomb or a
# sheet too large to load in a request.
MAX_WORKBOOK_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_WORKBOOK_MEMBERS = 1000
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._ -]")
# Spreadsheet programs run cells starting with these as formulas; tab and carriage return are in
# OWASP's list too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_filename(name: str | None, default: str = "") -> str:
    """The base name of `name` in a plain alphabet, or `default` when nothing usable is left."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    safe = _UNSAFE_FILENAME_CHARACTERS.sub("_", base)[:MAX_FILENAME_LENGTH].strip(". ")
    return safe or default


def escape_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def check_workbook_size(data: bytes, name: str) -> None:
    """Refuse an .xlsx whose archive declares more than MAX_WORKBOOK_UNPACKED_BYTES unpacked.

    The declared sizes are a real bound: Python's zipfile, which openpyxl reads through, never
    inflates a member past its declared size (it fails the checksum instead). A file that is not a
    zip at all is left for the reader to report as unreadable.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_WORKBOOK_MEMBERS or unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise PayloadTooLarge(
            f"{name} unpacks to {unpacked} bytes in {len(members)} parts; a workbook may unpack to at most "
            f"{MAX_WORKBOOK_UNPACKED_BYTES} bytes in {MAX_WORKBOOK_MEMBERS} parts",
            code="workbook_too_large",
        )

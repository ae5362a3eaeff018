"""Names of uploaded files and cells of written CSVs (api/files.py)."""

import pytest

from api.files import FORMULA_STARTS, MAX_FILENAME_LENGTH, escape_cell, safe_filename


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_escaped(start):
    assert escape_cell(f"{start}1+1") == f"'{start}1+1"


def test_numbers_and_plain_text_are_left_alone():
    assert [escape_cell(value) for value in (-3.5, 0, "Norte", None)] == [-3.5, 0, "Norte", None]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("/abs/path/form.xlsx", "form.xlsx"),
        ("enquête\u202e.xlsx", "enqu_te_.xlsx"),
        ('a"; filename="evil.sh', "a__ filename__evil.sh"),
        ("line\r\nbreak.csv", "line__break.csv"),
        ("..", "fallback"),
        ("", "fallback"),
        (None, "fallback"),
    ],
)
def test_file_names_keep_only_a_plain_base_name(given, expected):
    assert safe_filename(given, "fallback") == expected


def test_file_names_are_bounded():
    assert len(safe_filename("a" * 10_000 + ".csv")) == MAX_FILENAME_LENGTH

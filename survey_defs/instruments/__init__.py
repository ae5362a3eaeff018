"""The bundled standard instruments (XLSForm workbooks written by ``build.py``) and where to find them."""

from pathlib import Path

from survey_defs.errors import SurveyDefsError

INSTRUMENTS_DIRECTORY = Path(__file__).resolve().parent
BUNDLED_INSTRUMENTS = ("perception", "victimization", "vawg")


def bundled_instrument_path(name: str) -> Path:
    """Path of the bundled ``name.xlsx``; raises ``unknown_instrument`` for a name not bundled."""
    if name not in BUNDLED_INSTRUMENTS:
        raise SurveyDefsError(
            "unknown_instrument",
            f"no bundled instrument named {name!r}; the bundled ones are {', '.join(BUNDLED_INSTRUMENTS)}",
        )
    return INSTRUMENTS_DIRECTORY / f"{name}.xlsx"


def bundled_instrument_paths() -> dict[str, Path]:
    """Every bundled instrument by name."""
    return {name: bundled_instrument_path(name) for name in BUNDLED_INSTRUMENTS}

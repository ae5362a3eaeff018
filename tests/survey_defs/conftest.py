"""Forms are written inline as pyxform-style markdown tables; a settings sheet is added when absent."""

from collections.abc import Callable

import pytest

from survey_defs import InstrumentInvalid, Problem, load_instrument
from survey_defs.model import Instrument

SETTINGS = """
| settings |
|          | form_id | title | version |
|          | test    | Test  | 1       |
"""


def _markdown(text: str) -> bytes:
    return (text if "| settings" in text else text + SETTINGS).encode("utf-8")


@pytest.fixture
def load_form() -> Callable[[str], Instrument]:
    def load(text: str) -> Instrument:
        return load_instrument(_markdown(text), "form.md")

    return load


@pytest.fixture
def form_problems() -> Callable[[str], list[Problem]]:
    def problems(text: str) -> list[Problem]:
        with pytest.raises(InstrumentInvalid) as caught:
            load_instrument(_markdown(text), "form.md")
        return list(caught.value.problems)

    return problems

"""Questionnaire model, XLSForm reader, expression language, answer validation and XForm export (pure).

    from survey_defs import load_instrument, compile_validator
    instrument = load_instrument("victimization.xlsx")        # raises InstrumentInvalid(problems)
    errors = compile_validator(instrument).validate(answers)   # [AnswerError(path, code, message)]

XForm export and instance reading: survey_defs.xform; version diff: survey_defs.diff; a readable
rendering: survey_defs.preview; the bundled instruments: survey_defs.instruments.
"""

from survey_defs.answers import AnswerError, Checked, Validator, compile_validator
from survey_defs.errors import InstrumentInvalid, Problem, SurveyDefsError
from survey_defs.model import Instrument
from survey_defs.xlsform.load import load_instrument

__all__ = [
    "AnswerError",
    "Checked",
    "Instrument",
    "InstrumentInvalid",
    "Problem",
    "SurveyDefsError",
    "Validator",
    "compile_validator",
    "load_instrument",
]

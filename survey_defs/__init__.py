"""Questionnaire model, XLSForm reader, expression language, answer validation and XForm export (pure)."""

from survey_defs.errors import InstrumentInvalid, Problem, SurveyDefsError
from survey_defs.model import Instrument
from survey_defs.xlsform.load import load_instrument

__all__ = ["Instrument", "InstrumentInvalid", "Problem", "SurveyDefsError", "load_instrument"]

"""Export an instrument to an XForm (the XML ODK Collect and Enketo render) through pyxform.

The XLSForm sheets are regenerated from the model (not copied from the uploaded file), so what is
exported is exactly what was validated. sinmiedo's own columns (``sensitive``, ``safeguard``) and the
``indicator_variables`` sheet are not part of XLSForm and are left out. ODK Validate (Java) is not run.
"""

from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from survey_defs.errors import SurveyDefsError
from survey_defs.model import Group, Instrument, Question, Repeat
from survey_defs.xlsform.normalise import DEFAULT_LANGUAGE

Row = dict[str, str]


def to_xform(instrument: Instrument) -> str:
    """The XForm XML of ``instrument``; raises SurveyDefsError(code="xform_conversion_failed")."""
    try:
        result = convert(xlsform=to_xlsform_sheets(instrument), validate=False, pretty_print=True)
    except PyXFormError as error:
        raise SurveyDefsError("xform_conversion_failed", f"pyxform could not convert the instrument: {error}") from error
    return result.xform


def to_xlsform_sheets(instrument: Instrument) -> dict[str, Any]:
    """The instrument as pyxform's workbook dict: each sheet a list of rows plus its header."""
    survey: list[Row] = []
    _survey_rows(instrument.survey, survey)
    choices = [
        {
            "list_name": choice_list.name,
            "name": choice.name,
            **_translated("label", choice.label),
            **choice.extra,
        }
        for choice_list in instrument.choice_lists.values()
        for choice in choice_list.choices
    ]
    settings = instrument.settings
    settings_row = _present(
        {
            "form_id": settings.form_id,
            "form_title": settings.title,
            "version": settings.version,
            "default_language": settings.default_language,
            "instance_name": settings.instance_name.text if settings.instance_name is not None else None,
            "style": settings.style,
        }
    )
    sheets: dict[str, Any] = {"sheet_names": ["survey", "choices", "settings"]}
    for name, rows in (("survey", survey), ("choices", choices), ("settings", [settings_row])):
        sheets[name] = rows
        sheets[f"{name}_header"] = [dict.fromkeys(_columns(rows))]
    return sheets


def _survey_rows(elements: tuple[Question | Group | Repeat, ...], rows: list[Row]) -> None:
    for element in elements:
        if isinstance(element, Question):
            rows.append(_question_row(element))
            continue
        kind = "repeat" if isinstance(element, Repeat) else "group"
        begin = {
            "type": f"begin_{kind}",
            "name": element.name,
            **_translated("label", element.label),
            **_translated("hint", element.hint),
            "relevant": element.relevant.text if element.relevant is not None else None,
            "appearance": element.appearance,
        }
        if isinstance(element, Repeat) and element.repeat_count is not None:
            begin["repeat_count"] = element.repeat_count.text
        rows.append(_present(begin))
        _survey_rows(element.children, rows)
        rows.append({"type": f"end_{kind}"})


def _question_row(question: Question) -> Row:
    row = {
        "type": f"{question.type} {question.list_name}" if question.list_name else question.type,
        "name": question.name,
        **_translated("label", question.label),
        **_translated("hint", question.hint),
        **{column: expression.text for column, expression in question.expressions.items()},
        **_translated("constraint_message", question.constraint_message),
        **_translated("required_message", question.required_message),
        "default": question.default,
        "read_only": "yes" if question.read_only else None,
        "appearance": question.appearance,
    }
    if question.range is not None:
        bounds = question.range
        row["parameters"] = f"start={bounds.start:g} end={bounds.end:g} step={bounds.step:g}"
    return _present(row)


def _translated(column: str, texts: dict[str, str]) -> Row:
    return {column if language == DEFAULT_LANGUAGE else f"{column}::{language}": text for language, text in texts.items()}


def _present(row: dict[str, str | None]) -> Row:
    return {column: value for column, value in row.items() if value is not None}


def _columns(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(column for row in rows for column in row))

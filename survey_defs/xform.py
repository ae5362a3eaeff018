"""XForms: export an instrument (the XML ODK Collect and Enketo render) through pyxform, and read the
instances they submit back into the JSON answer shape.

The XLSForm sheets are regenerated from the model (not copied from the uploaded file), so what is
exported is exactly what was validated. sinmiedo's own columns (``sensitive``, ``safeguard``) and the
``indicator_variables`` sheet are not part of XLSForm and are left out. ODK Validate (Java) is not run.
"""

import re
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as ElementTree
from defusedxml import DefusedXmlException
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from survey_defs.errors import SurveyDefsError
from survey_defs.model import Group, Instrument, Question, Repeat
from survey_defs.xlsform.normalise import DEFAULT_LANGUAGE

Row = dict[str, str]
_JAVAROSA = "http://openrosa.org/javarosa"
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


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


@dataclass(frozen=True)
class Instance:
    """A submitted XForm instance (ODK Collect, Enketo) as the JSON answer shape of survey_defs.answers."""

    form_id: str | None
    version: str | None
    answers: dict[str, Any]


def instance_form(xml: bytes) -> tuple[str | None, str | None]:
    """The (form id, version) an instance XML claims, read from its root element's attributes."""
    root = _parse_instance(xml)
    return root.get("id"), root.get("version")


def _parse_instance(xml: bytes) -> Any:
    try:
        # An instance from Collect never has a DTD: refusing any closes entity expansion and external fetches.
        return ElementTree.fromstring(xml, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise SurveyDefsError("invalid_instance_xml", f"the instance is not well-formed XML: {error}") from error


def instance_answers(instrument: Instrument, xml: bytes) -> Instance:
    """Read an instance XML into answers: groups flattened, repeats as lists, values typed by question.

    A value that does not parse as its type is kept as text so that validation reports it with its
    path; an element the instrument does not know is kept so that validation reports it as unknown.
    Raises SurveyDefsError(code="invalid_instance_xml") for XML that cannot be read.
    """
    root = _parse_instance(xml)
    answers = _container_answers(root, instrument.survey)
    return Instance(form_id=root.get("id"), version=root.get("version"), answers=answers)


def _container_answers(node: Any, elements: tuple[Question | Group | Repeat, ...]) -> dict[str, Any]:
    by_name = _by_name(elements)
    answers: dict[str, Any] = {}
    for child in node:
        name = _local(child.tag)
        element = by_name.get(name)
        if isinstance(element, Group):
            answers.update(_container_answers(child, element.children))
        elif isinstance(element, Repeat):
            if child.get(f"{{{_JAVAROSA}}}template") is None:
                answers.setdefault(name, []).append(_container_answers(child, element.children))
        elif name == "meta" and element is None:
            answers["meta"] = {_local(item.tag): (item.text or "").strip() for item in child if (item.text or "").strip()}
        elif element is None and len(child):
            answers[name] = {_local(item.tag): (item.text or "").strip() for item in child}  # reported as unknown
        else:
            text = (child.text or "").strip()
            if text:
                answers[name] = _typed(element, text) if element is not None else text
    return answers


def _by_name(elements: tuple[Question | Group | Repeat, ...]) -> dict[str, Question | Group | Repeat]:
    return {element.name: element for element in elements}


def _typed(question: Question | Group | Repeat, text: str) -> Any:
    kind = question.type if isinstance(question, Question) else None
    if kind == "select_multiple":
        return text.split()
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind in ("decimal", "range") and _NUMBER.fullmatch(text):
        return int(text) if _INTEGER.fullmatch(text) else float(text)
    return text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]

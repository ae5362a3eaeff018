"""Stage 2: map a workbook's columns to canonical names, split ``column::Language`` headers, refuse by name.

Decisions:
- Column names are case-insensitive and spaces count as underscores; the usual pyxform aliases are
  accepted (``relevance``, ``calculate``, ``readonly``, ``jr:count``, ``jr:constraintMsg`` ...).
- A header starting with ``_``, ``$`` or ``#`` is a designer's annotation and is ignored; any other
  unknown column is a problem (``unknown_column``) because a misspelt ``relevant`` would silently
  drop skip logic.
- ``label``, ``hint``, ``constraint_message`` and ``required_message`` may be translated with
  ``::Language`` (e.g. ``label::Español (es)``); a column without a language belongs to ``default``.
  The declared languages are those of the ``label`` columns of the survey and choices sheets.
- Extra columns of the ``choices`` sheet are kept (``choice_filter`` reads them).
- XLSForm features sinmiedo does not support are refused by name (``unsupported_feature``): see
  ``UNSUPPORTED_SHEETS`` and ``UNSUPPORTED_COLUMNS``. Other sheets (a designer's notes) are ignored.
"""

from dataclasses import dataclass, field

from survey_defs.errors import Problem
from survey_defs.xlsform.reader import Row, Sheet, Workbook

DEFAULT_LANGUAGE = "default"
SURVEY, CHOICES, SETTINGS, INDICATOR_VARIABLES = "survey", "choices", "settings", "indicator_variables"

UNSUPPORTED_SHEETS = {
    "external_choices": "external selects (select_one_external) are not supported",
    "entities": "entities (the entities sheet) are not supported",
    "osm": "OpenStreetMap questions are not supported",
}
UNSUPPORTED_COLUMNS = {
    "image": "media in labels (image) is not supported",
    "big-image": "media in labels (big-image) is not supported",
    "audio": "media in labels (audio) is not supported",
    "video": "media in labels (video) is not supported",
    "media": "media in labels is not supported",
    "guidance_hint": "guidance hints are not supported",
    "trigger": "triggers (the trigger column) are not supported",
    "save_to": "entities (save_to) are not supported",
    "body": "body:: attributes are not supported",
    "bind": "bind:: attributes are not supported",
    "instance": "instance:: attributes are not supported",
    "public_key": "encrypted forms (public_key) are not supported",
    "submission_url": "a custom submission_url is not supported",
    "allow_choice_duplicates": "duplicate choice names (allow_choice_duplicates) are not supported",
    "autoplay": "media autoplay is not supported",
    "intent": "external app intents are not supported",
}
TRANSLATABLE = {
    SURVEY: ("label", "hint", "constraint_message", "required_message"),
    CHOICES: ("label",),
    SETTINGS: (),
    INDICATOR_VARIABLES: (),
}
KNOWN_COLUMNS = {
    SURVEY: (
        "type", "name", "label", "hint", "relevant", "constraint", "constraint_message", "required",
        "required_message", "calculation", "default", "read_only", "appearance", "repeat_count",
        "choice_filter", "parameters", "sensitive", "safeguard", "personal",
    ),
    CHOICES: ("list_name", "name", "label"),
    SETTINGS: ("form_id", "title", "version", "default_language", "instance_name", "style"),
    INDICATOR_VARIABLES: ("variable", "question", "description"),
}
ALIASES = {
    SURVEY: {
        "relevance": "relevant",
        "calculate": "calculation",
        "readonly": "read_only",
        "jr:count": "repeat_count",
        "count": "repeat_count",
        "jr:constraintmsg": "constraint_message",
        "jr:requiredmsg": "required_message",
        "caption": "label",
    },
    CHOICES: {"value": "name", "caption": "label"},
    SETTINGS: {"form_title": "title", "set_form_title": "title", "set_form_id": "form_id"},
    INDICATOR_VARIABLES: {},
}
_ANNOTATION_PREFIXES = ("_", "$", "#")


@dataclass(frozen=True)
class NormalRow:
    """One row with canonical column names; translatable columns are keyed by language."""

    sheet: str
    number: int
    values: dict[str, str]
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class NormalisedForm:
    survey: tuple[NormalRow, ...]
    choices: tuple[NormalRow, ...]
    settings: tuple[NormalRow, ...]
    indicator_variables: tuple[NormalRow, ...]
    languages: tuple[str, ...]
    sheet_names: dict[str, str]
    """Canonical sheet name -> the name as written in the file, for messages."""


def normalise(workbook: Workbook) -> tuple[NormalisedForm, list[Problem]]:
    problems: list[Problem] = []
    for key, sheet in workbook.items():
        if key in UNSUPPORTED_SHEETS:
            problems.append(
                Problem(code="unsupported_feature", message=UNSUPPORTED_SHEETS[key], sheet=sheet.name)
            )
    languages: list[str] = []
    normalised: dict[str, tuple[NormalRow, ...]] = {}
    for kind in (SURVEY, CHOICES, SETTINGS, INDICATOR_VARIABLES):
        sheet = workbook.get(kind)
        if sheet is None:
            normalised[kind] = ()
            continue
        columns = _map_columns(kind, sheet, problems)
        for canonical, language in columns.values():
            if canonical == "label" and language is not None and language not in languages:
                languages.append(language)
        normalised[kind] = tuple(_normalise_row(sheet, row, columns) for row in sheet.rows)
    if SURVEY not in workbook:
        problems.append(Problem(code="missing_sheet", message="the workbook has no 'survey' sheet"))
    if SETTINGS not in workbook:
        problems.append(
            Problem(code="missing_settings", message="the workbook has no 'settings' sheet (form_id, title, version)")
        )
    form = NormalisedForm(
        survey=normalised[SURVEY],
        choices=normalised[CHOICES],
        settings=normalised[SETTINGS],
        indicator_variables=normalised[INDICATOR_VARIABLES],
        languages=tuple(languages),
        sheet_names={kind: workbook[kind].name for kind in KNOWN_COLUMNS if kind in workbook},
    )
    return form, problems


def _map_columns(kind: str, sheet: Sheet, problems: list[Problem]) -> dict[str, tuple[str, str | None]]:
    """Header as written -> (canonical column, language or None for untranslatable columns)."""
    mapped: dict[str, tuple[str, str | None]] = {}
    for header in sheet.headers:
        if header.startswith(_ANNOTATION_PREFIXES):
            continue
        base, separator, language = header.partition("::")
        canonical = "_".join(base.strip().lower().split())
        canonical = ALIASES[kind].get(canonical, canonical)
        if canonical in UNSUPPORTED_COLUMNS:
            problems.append(
                Problem(
                    code="unsupported_feature",
                    message=UNSUPPORTED_COLUMNS[canonical],
                    sheet=sheet.name,
                    row=1,
                    column=header,
                )
            )
            continue
        if kind == CHOICES and canonical not in KNOWN_COLUMNS[CHOICES]:
            mapped[header] = (header, None)  # an extra choice column, read by choice_filter
            continue
        if canonical not in KNOWN_COLUMNS[kind]:
            problems.append(
                Problem(
                    code="unknown_column",
                    message=f"{header!r} is not a column of the {kind} sheet "
                    f"(known: {', '.join(KNOWN_COLUMNS[kind])}; start a notes column with '_')",
                    sheet=sheet.name,
                    row=1,
                    column=header,
                )
            )
            continue
        if canonical in TRANSLATABLE[kind]:
            mapped[header] = (canonical, language.strip() if separator else DEFAULT_LANGUAGE)
        elif separator:
            problems.append(
                Problem(
                    code="unknown_column",
                    message=f"{canonical!r} cannot be translated (only {', '.join(TRANSLATABLE[kind]) or 'nothing'})",
                    sheet=sheet.name,
                    row=1,
                    column=header,
                )
            )
        else:
            mapped[header] = (canonical, None)
    return mapped


def _normalise_row(sheet: Sheet, row: Row, columns: dict[str, tuple[str, str | None]]) -> NormalRow:
    values: dict[str, str] = {}
    translations: dict[str, dict[str, str]] = {}
    for header, text in row.cells.items():
        if header not in columns:
            continue
        canonical, language = columns[header]
        if language is None:
            values[canonical] = text
        else:
            translations.setdefault(canonical, {})[language] = text
    return NormalRow(sheet=sheet.name, number=row.number, values=values, translations=translations)

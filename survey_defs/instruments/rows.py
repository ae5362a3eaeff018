"""XLSForm rows as Python data: the vocabulary the bundled instruments are written in.

Every text a respondent or enumerator reads is a ``(Spanish, English)`` pair, written to the
``label::Español (es)`` / ``label::English (en)`` columns (likewise hints and constraint messages).
"""

from collections.abc import Iterable

SPANISH, ENGLISH = "Español (es)", "English (en)"
LANGUAGES = (SPANISH, ENGLISH)
BUNDLED_VERSION = "2026.1"

Text = tuple[str, str]
Row = dict[str, str]
Sheet = list[list[str]]
Workbook = dict[str, Sheet]

TRANSLATED_COLUMNS = ("label", "hint", "constraint_message", "required_message")
SURVEY_COLUMNS = (
    "type", "name", "label", "hint", "required", "required_message", "relevant", "constraint",
    "constraint_message", "calculation", "repeat_count", "appearance", "sensitive", "personal", "safeguard",
)
CHOICES_COLUMNS = ("list_name", "name", "label")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language")
INDICATOR_COLUMNS = ("variable", "question", "description")


def question(
    type_: str,
    name: str,
    label: Text | None = None,
    *,
    hint: Text | None = None,
    required: bool = False,
    relevant: str = "",
    constraint: str = "",
    constraint_message: Text | None = None,
    calculation: str = "",
    repeat_count: str = "",
    appearance: str = "",
    sensitive: bool = False,
    personal: bool = False,
    safeguard: str = "",
) -> Row:
    """One survey row; empty cells are left out so the sheet only grows the columns it uses."""
    if constraint and constraint_message is None:
        raise ValueError(f"{name}: a constraint needs its message in both languages")
    cells: Row = {
        "type": type_,
        "name": name,
        "required": "yes" if required else "",
        "relevant": relevant,
        "constraint": constraint,
        "calculation": calculation,
        "repeat_count": repeat_count,
        "appearance": appearance,
        "sensitive": "yes" if sensitive else "",
        "personal": "yes" if personal else "",
        "safeguard": safeguard,
    }
    for column, text in (("label", label), ("hint", hint), ("constraint_message", constraint_message)):
        if text is not None:
            cells[f"{column}::{SPANISH}"], cells[f"{column}::{ENGLISH}"] = text
    return {column: value for column, value in cells.items() if value}


def calculate(name: str, calculation: str, *, relevant: str = "", safeguard: str = "", personal: bool = False) -> Row:
    return question("calculate", name, calculation=calculation, relevant=relevant, safeguard=safeguard, personal=personal)


def note(name: str, label: Text, *, hint: Text | None = None, relevant: str = "", safeguard: str = "") -> Row:
    return question("note", name, label, hint=hint, relevant=relevant, safeguard=safeguard)


def begin_group(name: str, label: Text | None = None, *, relevant: str = "", sensitive: bool = False) -> Row:
    return question("begin_group", name, label, relevant=relevant, sensitive=sensitive)


def end_group() -> Row:
    return {"type": "end_group"}


def begin_repeat(name: str, label: Text, *, repeat_count: str, relevant: str = "") -> Row:
    return question("begin_repeat", name, label, repeat_count=repeat_count, relevant=relevant)


def end_repeat() -> Row:
    return {"type": "end_repeat"}


def metadata() -> list[Row]:
    """Interview start/end times and date, recorded by the device for paradata."""
    return [{"type": kind, "name": kind} for kind in ("start", "end", "today")]


def settings(title: str, form_id: str) -> dict[str, str]:
    """Settings of a bundled instrument; Spanish is the default language of every one."""
    return {"form_title": title, "form_id": form_id, "version": BUNDLED_VERSION, "default_language": SPANISH}


def choice_list(list_name: str, choices: Iterable[tuple[str, str, str]]) -> list[Row]:
    """Rows of one choice list from ``(name, Spanish label, English label)`` triples."""
    return [
        {"list_name": list_name, "name": name, f"label::{SPANISH}": spanish, f"label::{ENGLISH}": english}
        for name, spanish, english in choices
    ]


def _expand(columns: Iterable[str]) -> list[str]:
    expanded: list[str] = []
    for column in columns:
        if column in TRANSLATED_COLUMNS:
            expanded.extend(f"{column}::{language}" for language in LANGUAGES)
        else:
            expanded.append(column)
    return expanded


def _table(rows: list[Row], columns: Iterable[str]) -> Sheet:
    """Header of the columns some row uses (in canonical order), then one line per row."""
    used = {column for row in rows for column in row}
    unknown = used - set(_expand(columns))
    if unknown:
        raise ValueError(f"columns outside the canonical order: {sorted(unknown)}")
    header = [column for column in _expand(columns) if column in used]
    return [header] + [[row.get(column, "") for column in header] for row in rows]


def workbook(
    survey: list[Row],
    choices: list[Row],
    settings: dict[str, str],
    indicator_variables: list[tuple[str, str, str]],
) -> Workbook:
    """The four sheets of a bundled instrument, each as a header line followed by data lines."""
    return {
        "survey": _table(survey, SURVEY_COLUMNS),
        "choices": _table(choices, CHOICES_COLUMNS),
        "settings": _table([settings], SETTINGS_COLUMNS),
        "indicator_variables": [list(INDICATOR_COLUMNS)] + [list(line) for line in indicator_variables],
    }

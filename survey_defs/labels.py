"""What an instrument says about the columns of an analysis frame, in one language: each column's
label, its choices' labels (with the number a Stata or SPSS file stores for each), the module it
belongs to, whether it is sensitive, personal or free text, and the question it comes from.

Frame columns are question names, plus ``name__choice`` 0/1 columns for each chosen choice of a
select_multiple (the analysis-frame loader writes them).

Decisions:
- A language is asked for by its code (``es``, ``en``) or its full name (``Español (es)``); an
  untranslated form answers every language with its one set of labels. A label missing in the
  language falls back to the form's default language, then to any language, then to the
  question's name (calculates have no label), so every column has a label.
- Choice codes: when every choice name of a list is a whole number, that number; otherwise the
  choice's position in its list, from 1. The codebook records name, code and label together.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from survey_defs.errors import SurveyDefsError
from survey_defs.model import ChoiceList, Instrument, Located, Question

MULTIPLE_SEPARATOR = "__"
FREE_TEXT_TYPES = ("text",)
_WHOLE_NUMBER = re.compile(r"-?\d{1,9}")


@dataclass(frozen=True)
class ValueLabel:
    value: str  # the choice name, as answers store it
    code: int  # the number Stata and SPSS files store for it
    label: str


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    question: str
    question_type: str
    module: str  # the groups and repeats around the question, outermost first, joined by "/"
    sensitive: bool
    personal: bool
    free_text: bool
    value_labels: tuple[ValueLabel, ...] = ()


def language_key(instrument: Instrument, language: str) -> str:
    """The instrument's name for ``language`` ("es" -> "Español (es)")."""
    if set(instrument.languages) <= {"default"}:
        return "default"  # an untranslated form: its labels are the only ones there are
    for key in instrument.languages:
        if key == language or key.endswith(f"({language})"):
            return key
    raise SurveyDefsError(
        "unknown_language",
        f"the instrument has no language {language!r}; it has {', '.join(instrument.languages) or 'default'}",
    )


def text_in(translations: dict[str, str], language: str, instrument: Instrument) -> str | None:
    for key in (language, instrument.settings.default_language, "default"):
        if key and translations.get(key):
            return translations[key]
    return next((text for text in translations.values() if text), None)


def value_labels(choices: ChoiceList, language: str, instrument: Instrument) -> tuple[ValueLabel, ...]:
    numbered = all(_WHOLE_NUMBER.fullmatch(choice.name) for choice in choices.choices)
    return tuple(
        ValueLabel(choice.name, int(choice.name) if numbered else position,
                   text_in(choice.label, language, instrument) or choice.name)
        for position, choice in enumerate(choices.choices, start=1)
    )


def _variable(located: Located, language: str, instrument: Instrument) -> Variable:
    question = located.element
    assert isinstance(question, Question)
    choices = instrument.choice_lists.get(question.list_name or "")
    return Variable(
        name=question.name,
        label=text_in(question.label, language, instrument) or question.name,
        question=question.name,
        question_type=question.type,
        module="/".join(section.name for section in located.ancestors),
        sensitive=question.sensitive,
        personal=question.personal or question.type == "geopoint",
        free_text=question.type in FREE_TEXT_TYPES,
        value_labels=value_labels(choices, language, instrument)
        if choices is not None and question.type in ("select_one", "select_multiple") else (),
    )


def describe(instrument: Instrument, columns: Iterable[str], language: str) -> dict[str, Variable]:
    """The columns that come from the instrument's questions, described in ``language`` (a key of
    ``instrument.languages``, see ``language_key``); other columns are left out."""
    questions = {located.element.name: located for located in instrument.questions()}
    described: dict[str, Variable] = {}
    for column in columns:
        if column in questions:
            described[column] = _variable(questions[column], language, instrument)
            continue
        name, _, choice = column.partition(MULTIPLE_SEPARATOR)
        located = questions.get(name)
        if located is None or not choice or getattr(located.element, "type", None) != "select_multiple":
            continue
        parent = _variable(located, language, instrument)
        choice_label = next((v.label for v in parent.value_labels if v.value == choice), choice)
        described[column] = Variable(
            name=column, label=f"{parent.label}: {choice_label}", question=parent.question,
            question_type="select_multiple_choice", module=parent.module, sensitive=parent.sensitive,
            personal=parent.personal, free_text=False,
        )
    return described


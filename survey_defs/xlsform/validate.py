"""Stage 4: check the built tree as a whole and report every problem with its sheet and row.

Codes: empty_survey, invalid_name, duplicate_name, unknown_reference, forward_reference, calculation_cycle,
missing_choice_list, empty_choice_list, duplicate_choice, missing_label.

Forward references (decision): ODK recomputes a ``calculation`` whenever what it reads changes, so a
calculation may read a field defined later (cycles are reported as ``calculation_cycle``). Every other
expression (``relevant``, ``required``, ``constraint``, ``repeat_count``, ``choice_filter``) is
evaluated when its own field is reached, so it may read only fields defined before it; reading a later
field, itself (``.`` is the way for a constraint), or a field inside its own group is a
``forward_reference``. Labels and hints may show (``${name}``) any field of the form.

Names (decision): ASCII letters, digits, ``_``, ``-`` and ``.``, starting with a letter or ``_``, unique
in the whole form; they become column names of analysis frames, where R, Stata and SPSS need ASCII.

Labels (decision): every question except ``calculate`` and metadata needs a label, and every choice a
label, in each declared language (the languages of the ``label`` columns). Groups and repeats need none.
"""

import re
from collections.abc import Iterator

from survey_defs.errors import Problem
from survey_defs.model import METADATA_TYPES, Group, Question, Repeat
from survey_defs.xlsform.build import Draft

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
RESERVED_NAMES = frozenset({"meta", "instanceID", "instanceName"})
_LABEL_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_ORDERED_COLUMNS = ("relevant", "required", "constraint", "repeat_count", "choice_filter")

Element = Question | Group | Repeat


def validate(draft: Draft) -> list[Problem]:
    return _Validator(draft).run()


class _Validator:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.survey_sheet = draft.sheet_names.get("survey", "survey")
        self.choices_sheet = draft.sheet_names.get("choices", "choices")
        self.problems: list[Problem] = []
        self.order: list[tuple[Element, tuple[Group | Repeat, ...]]] = list(_walk(draft.survey, ()))
        self.position: dict[str, int] = {}
        for index, (element, _) in enumerate(self.order):
            self.position.setdefault(element.name, index)

    def problem(self, code: str, message: str, row: int | None, column: str | None, sheet: str | None = None) -> None:
        self.problems.append(
            Problem(code=code, message=message, sheet=sheet or self.survey_sheet, row=row, column=column)
        )

    def run(self) -> list[Problem]:
        if not any(isinstance(element, Question) for element, _ in self.order):
            self.problem("empty_survey", "the survey sheet has no questions", None, None)
        self.names()
        self.references()
        self.cycles()
        self.selects()
        self.choice_lists()
        self.labels()
        self.indicator_variables()
        return self.problems

    def names(self) -> None:
        seen: dict[str, int | None] = {}
        for element, _ in self.order:
            name = element.name
            if not name:
                continue  # build reported the missing name
            if not NAME_PATTERN.fullmatch(name) or name in RESERVED_NAMES:
                self.problem(
                    "invalid_name",
                    f"{name!r} is not a valid name: start with a letter or '_', then letters, digits, '_', '-', '.'"
                    + (" (reserved)" if name in RESERVED_NAMES else ""),
                    element.source_row,
                    "name",
                )
            if name in seen:
                self.problem(
                    "duplicate_name",
                    f"{name!r} is already the name of row {seen[name]}; names are unique in the whole form",
                    element.source_row,
                    "name",
                )
            else:
                seen[name] = element.source_row

    def references(self) -> None:
        for index, (element, ancestors) in enumerate(self.order):
            for column, expression in element.expressions.items():
                for reference in sorted(expression.references):
                    if reference not in self.position:
                        self.unknown(reference, element, column)
                    elif column in _ORDERED_COLUMNS and not self.earlier(reference, index, element, column):
                        self.problem(
                            "forward_reference",
                            f"{column} reads ${{{reference}}}, which is not answered before {element.name!r}",
                            element.source_row,
                            column,
                        )
            for column, translations in (("label", element.label), ("hint", element.hint)):
                for language, text in translations.items():
                    for reference in _LABEL_REFERENCE.findall(text):
                        if reference not in self.position:
                            self.unknown(reference, element, column if language == "default" else f"{column}::{language}")
        settings = self.draft.settings
        if settings is not None and settings.instance_name is not None:
            for reference in sorted(settings.instance_name.references - self.position.keys()):
                self.problem(
                    "unknown_reference",
                    f"instance_name reads ${{{reference}}}, which is not a field of the form",
                    None,
                    "instance_name",
                    sheet=self.draft.sheet_names.get("settings", "settings"),
                )

    def earlier(self, reference: str, index: int, element: Element, column: str) -> bool:
        referenced = self.position[reference]
        if referenced < index:
            return True
        return referenced == index and column == "constraint" and isinstance(element, Question)

    def unknown(self, reference: str, element: Element, column: str) -> None:
        self.problem(
            "unknown_reference",
            f"${{{reference}}} is not a field of the form",
            element.source_row,
            column,
        )

    def cycles(self) -> None:
        calculations = {
            element.name: element
            for element, _ in self.order
            if isinstance(element, Question) and element.calculation is not None
        }
        reads = {
            name: sorted(question.calculation.references & calculations.keys())  # type: ignore[union-attr]
            for name, question in calculations.items()
        }
        reported: set[frozenset[str]] = set()
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        for start in calculations:
            if state.get(start):
                continue
            path: list[str] = []
            stack: list[tuple[str, Iterator[str]]] = [(start, iter(reads[start]))]
            state[start] = 1
            path.append(start)
            while stack:
                name, pending = stack[-1]
                following = next(pending, None)
                if following is None:
                    stack.pop()
                    path.pop()
                    state[name] = 2
                elif state.get(following) == 1:
                    cycle = path[path.index(following):]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        first = calculations[cycle[0]]
                        self.problem(
                            "calculation_cycle",
                            "calculations read each other in a cycle: " + " -> ".join([*cycle, cycle[0]]),
                            first.source_row,
                            "calculation",
                        )
                elif not state.get(following):
                    state[following] = 1
                    path.append(following)
                    stack.append((following, iter(reads[following])))

    def selects(self) -> None:
        for element, _ in self.order:
            if not isinstance(element, Question) or element.list_name is None:
                continue
            choice_list = self.draft.choice_lists.get(element.list_name)
            if choice_list is None:
                self.problem(
                    "missing_choice_list",
                    f"choice list {element.list_name!r} is not in the choices sheet",
                    element.source_row,
                    "type",
                )
            elif element.type == "select_multiple":
                for choice in choice_list.choices:
                    if " " in choice.name:
                        self.problem(
                            "invalid_name",
                            f"choice {choice.name!r} of {choice_list.name!r} has a space, which select_multiple "
                            "uses to separate choices",
                            choice.source_row,
                            "name",
                            sheet=self.choices_sheet,
                        )
            if element.choice_filter is not None and choice_list is not None:
                columns = {column for choice in choice_list.choices for column in choice.extra}
                for column in sorted(element.choice_filter.choice_columns - columns - {"name"}):
                    self.problem(
                        "unknown_reference",
                        f"choice_filter reads {column!r}, which is not a column of list {element.list_name!r}",
                        element.source_row,
                        "choice_filter",
                    )

    def choice_lists(self) -> None:
        for choice_list in self.draft.choice_lists.values():
            if not choice_list.choices:
                self.problem(
                    "empty_choice_list",
                    f"choice list {choice_list.name!r} has no choices with a name",
                    None,
                    "list_name",
                    sheet=self.choices_sheet,
                )
            seen: dict[str, int | None] = {}
            for choice in choice_list.choices:
                if choice.name in seen:
                    self.problem(
                        "duplicate_choice",
                        f"choice {choice.name!r} is already in list {choice_list.name!r} (row {seen[choice.name]})",
                        choice.source_row,
                        "name",
                        sheet=self.choices_sheet,
                    )
                else:
                    seen[choice.name] = choice.source_row

    def labels(self) -> None:
        languages = self.draft.languages or ("default",)
        for element, _ in self.order:
            if not isinstance(element, Question) or element.type == "calculate" or element.type in METADATA_TYPES:
                continue
            for language in languages:
                if not element.label.get(language):
                    self.problem(
                        "missing_label",
                        f"{element.name!r} has no label in {language!r}",
                        element.source_row,
                        _label_column(language),
                    )
        used = {element.list_name for element, _ in self.order if isinstance(element, Question)}
        for choice_list in self.draft.choice_lists.values():
            if choice_list.name not in used:
                continue
            for choice in choice_list.choices:
                for language in languages:
                    if not choice.label.get(language):
                        self.problem(
                            "missing_label",
                            f"choice {choice.name!r} of {choice_list.name!r} has no label in {language!r}",
                            choice.source_row,
                            _label_column(language),
                            sheet=self.choices_sheet,
                        )

    def indicator_variables(self) -> None:
        sheet = self.draft.sheet_names.get("indicator_variables", "indicator_variables")
        seen: set[str] = set()
        for variable, row in self.draft.indicator_variables:
            if variable.question not in self.position:
                self.problem(
                    "unknown_reference",
                    f"indicator variable {variable.variable!r} names question {variable.question!r}, "
                    "which is not in the form",
                    row,
                    "question",
                    sheet=sheet,
                )
            if variable.variable in seen:
                self.problem("duplicate_name", f"indicator variable {variable.variable!r} is declared twice", row,
                             "variable", sheet=sheet)
            seen.add(variable.variable)


def _label_column(language: str) -> str:
    return "label" if language == "default" else f"label::{language}"


def _walk(
    elements: tuple[Element, ...], ancestors: tuple[Group | Repeat, ...]
) -> Iterator[tuple[Element, tuple[Group | Repeat, ...]]]:
    for element in elements:
        yield element, ancestors
        if isinstance(element, Group | Repeat):
            yield from _walk(element.children, (*ancestors, element))

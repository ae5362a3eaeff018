"""The answer validator as it was before it was compiled into a plan (survey_defs/answers.py at dffd8f9).

Kept only as the reference of the differential test (test_validator_differential.py) and of
bench/bench_validation.py: the compiled validator must give exactly these errors and answers.
"""

import graphlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from survey_defs.expressions import (
    VOLATILE_FUNCTIONS,
    EvaluationContext,
    Expression,
    ExpressionError,
    NodeSet,
    to_boolean,
    to_number,
    to_string,
)
from survey_defs.answers import AnswerError, Checked
from survey_defs.model import Group, Instrument, Located, Question, Repeat

RepeatPath = tuple[tuple[str, int], ...]
META_FIELDS = ("instanceID", "instanceName", "deprecatedID")
MAX_INTEGER = 2**31 - 1  # JavaRosa stores integer answers as Java ints
# What the server cannot recompute from the answers alone: a device's value for these stands.
UNREPRODUCIBLE_FUNCTIONS = VOLATILE_FUNCTIONS | {"today"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


class ReferenceValidator:
    """The walk as it was before the compiled plan: the generic evaluator on every expression."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.default_language = instrument.settings.default_language or next(iter(instrument.languages), "default")
        located = list(instrument.walk())
        self.parent_repeat = {
            item.element.name: item.repeat.name for item in located if item.repeat is not None
        }
        self.choices = {
            name: {choice.name: choice for choice in choice_list.choices}
            for name, choice_list in instrument.choice_lists.items()
        }
        self.choice_labels = {
            item.element.name: {
                choice.name: _translate(choice.label, self.default_language)
                for choice in instrument.choice_lists[item.element.list_name].choices
            }
            for item in located
            if isinstance(item.element, Question) and item.element.list_name in instrument.choice_lists
        }
        self.calculations = tuple(_Calculation.of(located) for located in _calculation_order(instrument))
        self.groups = frozenset(item.element.name for item in located if isinstance(item.element, Group))
        self.repeats = frozenset(item.element.name for item in located if isinstance(item.element, Repeat))
        self.fields: dict[str | None, frozenset[str]] = {None: frozenset({*_field_names(instrument.survey), "meta"})}
        for item in located:
            if isinstance(item.element, Repeat):
                self.fields[item.element.name] = frozenset(_field_names(item.element.children))

    def validate(
        self, answers: Mapping[str, Any], *, language: str | None = None, now: datetime | None = None
    ) -> list[AnswerError]:
        """Every error in ``answers``, in form order; messages use ``language`` (else the form's default)."""
        return self.check(answers, language=language, now=now).errors

    def check(
        self, answers: Mapping[str, Any], *, language: str | None = None, now: datetime | None = None
    ) -> "Checked":
        """The errors and the answers completed with the calculations computed here (to store)."""
        if not isinstance(answers, Mapping):
            return Checked([AnswerError("", "wrong_type", "answers are a JSON object of fields by name")], {})
        run = _Run(self, language or self.default_language, now)
        working = run.fill_calculations(answers)
        run.check_meta(working.get("meta"))
        run.check_container(self.instrument.survey, working, "", ())
        return Checked(run.errors, working)


@dataclass(frozen=True)
class _Calculation:
    question: Question
    repeats: tuple[str, ...]
    """The enclosing repeats, outermost first."""
    sections: tuple[tuple[Group | Repeat, int], ...]
    """The enclosing groups and repeats, each with how many repeats enclose it."""

    @classmethod
    def of(cls, located: Located) -> "_Calculation":
        assert isinstance(located.element, Question)
        depths = [sum(isinstance(outer, Repeat) for outer in located.ancestors[:index]) for index in range(len(located.ancestors))]
        return cls(
            question=located.element,
            repeats=tuple(section.name for section in located.ancestors if isinstance(section, Repeat)),
            sections=tuple(zip(located.ancestors, depths, strict=True)),
        )


class _Run:
    """One validation: the working answers, and what was evaluated (each relevance once per instance)."""

    def __init__(self, validator: ReferenceValidator, language: str, now: datetime | None) -> None:
        self.validator = validator
        self.language = language
        self.now = now
        self.errors: list[AnswerError] = []
        self.malformed: set[str] = set()
        self.context = EvaluationContext()
        self.contexts: dict[RepeatPath, EvaluationContext] = {}
        self.relevance: dict[tuple[Expression, RepeatPath], bool] = {}

    def error(self, path: str, code: str, message: str) -> None:
        self.errors.append(AnswerError(path, code, message))

    def context_at(self, repeat_path: RepeatPath) -> EvaluationContext:
        context = self.contexts.get(repeat_path)
        if context is None:
            context = self.contexts[repeat_path] = self.context.at(repeat_path)
        return context

    def evaluate(self, expression: Expression, repeat_path: RepeatPath, path: str, current: Any = None) -> Any:
        """The expression's value, or None after recording ``expression_failed``."""
        context = self.context_at(repeat_path) if current is None else self.context.at(repeat_path, current)
        return self.evaluate_in(expression, context, path)

    def evaluate_in(self, expression: Expression, context: EvaluationContext, path: str) -> Any:
        try:
            return expression.evaluate(context)
        except ExpressionError as error:
            self.error(path, "expression_failed", f"{error.message} in {expression.text!r}")
        except OverflowError:  # an integer answer too large for a float, read by this expression
            self.error(path, "expression_failed", f"a number read by {expression.text!r} is too large")
        return None

    def holds(self, expression: Expression | None, repeat_path: RepeatPath, path: str, current: Any = None) -> bool:
        if expression is None:
            return True
        value = self.evaluate(expression, repeat_path, path, current)
        return value is not None and to_boolean(value)

    def relevant(self, element: Question | Group | Repeat, repeat_path: RepeatPath) -> bool:
        """The element's own relevant in the given repeat instances, evaluated once per run and text.

        Calculations are filled in an order where everything a relevant reads is computed first, so a
        relevance computed while filling them still holds for the walk that follows.
        """
        if element.relevant is None:
            return True
        key = (element.relevant, repeat_path)  # elements sharing a relevant share its value
        known = self.relevance.get(key)
        if known is None:
            known = self.relevance[key] = self.holds(element.relevant, repeat_path, _prefix(repeat_path) + element.name)
        return known

    # --- calculations -------------------------------------------------------------------------------

    def fill_calculations(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        working = _copy_containers(answers, self.validator.repeats, "", self.malformed)
        self.context = EvaluationContext(
            answers=working,
            parent_repeat=self.validator.parent_repeat,
            choice_labels=self.validator.choice_labels,
            **({"now": self.now} if self.now is not None else {}),
        )
        for calculation in self.validator.calculations:
            question = calculation.question
            assert question.calculation is not None
            for container, repeat_path, path in _instances(working, calculation.repeats):
                sent = container.get(question.name)
                if not _is_empty(sent):
                    self.check_sent_calculation(calculation, sent, repeat_path, f"{path}{question.name}")
                    continue
                relevant = all(
                    self.relevant(section, repeat_path[:depth]) for section, depth in calculation.sections
                ) and self.relevant(question, repeat_path)
                if not relevant:
                    continue
                field_path = f"{path}{question.name}"
                volatile = question.calculation.functions & VOLATILE_FUNCTIONS
                if volatile:
                    self.error(
                        field_path,
                        "calculation_missing",
                        f"the calculation uses {', '.join(sorted(volatile))}(), which the server cannot reproduce: "
                        "send its value",
                    )
                    continue
                value = self.evaluate(question.calculation, repeat_path, field_path)
                if value is not None:
                    container[question.name] = _as_answer(value)
        return working

    def check_sent_calculation(self, calculation: "_Calculation", sent: Any, repeat_path: RepeatPath,
                               field_path: str) -> None:
        """A value the device computed must be what the form's calculation gives on the same answers.

        Only calculations the server can reproduce are checked: none reading random(), uuid(), now()
        or today() (an interview may be uploaded days after it was taken). A selection probability
        that does not follow from the roster would otherwise weight the respondent wrongly.
        """
        question = calculation.question
        assert question.calculation is not None
        if question.calculation.functions & UNREPRODUCIBLE_FUNCTIONS:
            return
        relevant = all(self.relevant(section, repeat_path[:depth]) for section, depth in calculation.sections)
        if not relevant or not self.relevant(question, repeat_path):
            return  # answered where not relevant: the walk reports it
        errors = len(self.errors)
        value = self.evaluate(question.calculation, repeat_path, field_path)
        del self.errors[errors:]  # an expression failing here is the device's value standing, not a new error
        if value is not None and not _same_calculated(sent, _as_answer(value)):
            self.error(field_path, "calculation_mismatch",
                       f"the device sent {sent!r}, but the form's calculation gives {_as_answer(value)!r} "
                       f"for these answers ({question.calculation.text!r})")

    # --- the walk -----------------------------------------------------------------------------------

    def check_meta(self, meta: Any) -> None:
        if meta is None:
            return
        if not isinstance(meta, Mapping):
            self.error("meta", "wrong_type", "meta is an object with " + ", ".join(META_FIELDS))
            return
        for key, value in meta.items():
            if key not in META_FIELDS:
                self.error(f"meta.{key}", "unknown_field", f"meta holds only {', '.join(META_FIELDS)}")
            elif not isinstance(value, str):
                self.error(f"meta.{key}", "wrong_type", f"meta.{key} is text")

    def check_container(
        self, elements: tuple[Question | Group | Repeat, ...], container: Mapping[str, Any], prefix: str,
        repeat_path: RepeatPath,
    ) -> None:
        """The top level or one repeat instance: its unknown keys, then its fields."""
        known = self.validator.fields[repeat_path[-1][0] if repeat_path else None]
        for key in container:
            if key not in known:
                flattened = " (groups are flattened: send its fields at this level)" if key in self.validator.groups else ""
                self.error(f"{prefix}{key}", "unknown_field", f"{key!r} is not a field here{flattened}")
        self._check_elements(elements, container, prefix, repeat_path, True)

    def _check_elements(
        self,
        elements: tuple[Question | Group | Repeat, ...],
        container: Mapping[str, Any],
        prefix: str,
        repeat_path: RepeatPath,
        relevant: bool,
    ) -> None:
        for element in elements:
            path = f"{prefix}{element.name}"
            element_relevant = relevant and self.relevant(element, repeat_path)
            if isinstance(element, Group):
                self._check_elements(element.children, container, prefix, repeat_path, element_relevant)
            elif isinstance(element, Repeat):
                self.check_repeat(element, container.get(element.name), path, repeat_path, element_relevant)
            else:
                self.check_question(element, container.get(element.name), path, repeat_path, element_relevant)

    def check_repeat(self, repeat: Repeat, value: Any, path: str, repeat_path: RepeatPath, relevant: bool) -> None:
        if path in self.malformed:
            self.error(path, "wrong_type", "a repeat is a list of objects, one per instance")
            return
        if not relevant:
            if not _is_empty(value):
                self.error(path, "not_relevant_but_answered", f"{repeat.name!r} is not relevant but has instances")
            return
        instances = [] if value is None else value
        if repeat.repeat_count is not None:
            expected = self.evaluate(repeat.repeat_count, repeat_path, path)
            if expected is not None:
                count = to_number(expected)
                if math.isfinite(count) and int(count) != len(instances):
                    self.error(
                        path,
                        "repeat_count_mismatch",
                        f"{len(instances)} instance(s) where repeat_count ({repeat.repeat_count.text}) gives {int(count)}",
                    )
        for index, instance in enumerate(instances):
            self.check_container(repeat.children, instance, f"{path}[{index}].", (*repeat_path, (repeat.name, index + 1)))

    def check_question(self, question: Question, value: Any, path: str, repeat_path: RepeatPath, relevant: bool) -> None:
        if question.type == "calculate":
            if not _is_empty(value) and not isinstance(value, str | int | float | bool):
                self.error(path, "wrong_type", "a calculated value is text, a number or a boolean")
            return
        if question.type == "note":
            if not _is_empty(value):
                self.error(path, "wrong_type", "a note takes no answer")
            return
        if not relevant:
            if not _is_empty(value):
                self.error(path, "not_relevant_but_answered", f"{question.name!r} is not relevant here but is answered")
            return
        if _is_empty(value):
            if question.required is not None and self.holds(question.required, repeat_path, path):
                message = _translate(question.required_message, self.language) or "this question is required"
                self.error(path, "required_missing", message)
            return
        problem = _TYPE_CHECKS[question.type](value)
        if problem is not None:
            self.error(path, "wrong_type", problem)
            return
        if question.list_name is not None and not self.check_choices(question, value, path, repeat_path):
            return
        if question.range is not None and not _in_range(question, value):
            bounds = question.range
            self.error(path, "out_of_range", f"{value} is not in {bounds.start:g}..{bounds.end:g} by steps of {bounds.step:g}")
            return
        if question.constraint is not None and not self.holds(question.constraint, repeat_path, path, current=value):
            message = _translate(question.constraint_message, self.language) or (
                f"{value!r} does not satisfy {question.constraint.text}"
            )
            self.error(path, "constraint_violated", message)

    def check_choices(self, question: Question, value: Any, path: str, repeat_path: RepeatPath) -> bool:
        offered = self.validator.choices.get(question.list_name or "", {})
        chosen = value if isinstance(value, list) else [value]
        fine = True
        for name in chosen:
            choice = offered.get(name)
            if choice is None:
                self.error(path, "not_in_choices", f"{name!r} is not a choice of {question.list_name!r}")
                fine = False
            elif question.choice_filter is not None:
                context = _with_choice(self.context.at(repeat_path), choice.name, choice.extra)
                shown = self.evaluate_in(question.choice_filter, context, path)
                if shown is None:
                    return False
                if not to_boolean(shown):
                    self.error(
                        path, "not_in_choices", f"{name!r} is not offered here (choice_filter {question.choice_filter.text})"
                    )
                    fine = False
        return fine


# --- helpers ----------------------------------------------------------------------------------------


def _with_choice(context: EvaluationContext, name: str, extra: Mapping[str, str]) -> EvaluationContext:
    return replace(context, choice={**extra, "name": name})


def _calculation_order(instrument: Instrument) -> list[Located]:
    """Calculations in an order where each comes after the calculations it reads (document order otherwise)."""
    located = {
        item.element.name: item
        for item in instrument.walk()
        if isinstance(item.element, Question) and item.element.calculation is not None
    }
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name, item in located.items():
        reads = set(item.element.calculation.references)  # type: ignore[union-attr]
        if item.element.relevant is not None:
            reads |= item.element.relevant.references
        for section in item.ancestors:
            if section.relevant is not None:
                reads |= section.relevant.references
        sorter.add(name, *sorted((reads - {name}) & located.keys()))
    try:
        return [located[name] for name in sorter.static_order()]
    except graphlib.CycleError:  # reported at upload; keep document order for stored versions
        return list(located.values())


def _prefix(repeat_path: RepeatPath) -> str:
    """The answer path of the repeat instances (1-based in expressions, 0-based in paths)."""
    return "".join(f"{name}[{index - 1}]." for name, index in repeat_path)


def _instances(answers: dict[str, Any], chain: tuple[str, ...]) -> list[tuple[dict[str, Any], RepeatPath, str]]:
    """Every container (the top level or a repeat instance) at the depth of ``chain``."""
    found: list[tuple[dict[str, Any], RepeatPath, str]] = [(answers, (), "")]
    for repeat in chain:
        deeper: list[tuple[dict[str, Any], RepeatPath, str]] = []
        for container, repeat_path, path in found:
            instances = container.get(repeat)
            if isinstance(instances, list):
                for index, instance in enumerate(instances):
                    if isinstance(instance, dict):
                        deeper.append((instance, (*repeat_path, (repeat, index + 1)), f"{path}{repeat}[{index}]."))
        found = deeper
    return found


def _copy_containers(
    answers: Mapping[str, Any], repeats: frozenset[str], prefix: str, malformed: set[str]
) -> dict[str, Any]:
    """A copy deep enough to add calculated values without touching the caller's answers.

    A repeat that is not a list of objects becomes empty in the copy (its path goes to ``malformed``),
    so expressions never meet a half-formed repeat.
    """
    working: dict[str, Any] = {}
    for key, value in answers.items():
        if key not in repeats or value is None:
            working[key] = value
        elif isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
            working[key] = [
                _copy_containers(item, repeats, f"{prefix}{key}[{index}].", malformed)
                for index, item in enumerate(value)
            ]
        else:
            malformed.add(f"{prefix}{key}")
            working[key] = []
    return working


def _field_names(elements: tuple[Question | Group | Repeat, ...]) -> set[str]:
    names: set[str] = set()
    for element in elements:
        if isinstance(element, Group):
            names |= _field_names(element.children)
        else:
            names.add(element.name)
    return names


def _as_answer(value: Any) -> Any:
    if isinstance(value, NodeSet):
        return to_string(value) if len(value.values) <= 1 else [to_string(item) for item in value.values]
    if isinstance(value, datetime | date):
        return to_string(value)
    return value


def _same_calculated(sent: Any, computed: Any) -> bool:
    """Equal as the device would have written it: numbers within rounding, anything else as text."""
    try:
        a, b = float(sent), float(computed)
    except (TypeError, ValueError, OverflowError):
        return _text_of(sent) == _text_of(computed)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(_text_of(item) for item in value)
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _translate(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("default") or next(iter(texts.values()), "")


def _in_range(question: Question, value: float) -> bool:
    bounds = question.range
    assert bounds is not None
    low, high = sorted((bounds.start, bounds.end))
    steps = (value - bounds.start) / bounds.step
    return low <= value <= high and math.isclose(steps, round(steps), abs_tol=1e-9)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_integer(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return f"{value!r} is not an integer"
    if not -MAX_INTEGER <= value <= MAX_INTEGER:
        return f"{value} is beyond the integers ODK stores (32-bit, at most {MAX_INTEGER} in size)"
    return None


def _check_number(value: Any) -> str | None:
    return None if _is_number(value) else f"{value!r} is not a number"


def _check_text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"{value!r} is not text"


def _check_select_multiple(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"{value!r} is not a list of choice names"
    if len(set(value)) != len(value):
        return "a choice is chosen twice"
    return None


def _check_date(value: Any) -> str | None:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not a date (YYYY-MM-DD)"


def _check_datetime(value: Any) -> str | None:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            datetime.fromisoformat(re.sub(r"\.(\d{1,6})\d*", r".\1", value).replace("Z", "+00:00"))
            return None
        except ValueError:
            pass
    return f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM:SS with an offset)"


def _check_time(value: Any) -> str | None:
    return None if isinstance(value, str) and _TIME.fullmatch(value) else f"{value!r} is not a time (HH:MM:SS)"


def _check_geopoint(value: Any) -> str | None:
    parts = value.split() if isinstance(value, str) else []
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if 2 <= len(numbers) <= 4 and all(map(math.isfinite, numbers)):
        if -90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180:
            return None
    return f"{value!r} is not a geopoint ('latitude longitude [altitude [accuracy]]')"


def _check_acknowledge(value: Any) -> str | None:
    return None if value == "OK" else "an acknowledge is answered \"OK\""


_TYPE_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "integer": _check_integer,
    "decimal": _check_number,
    "range": _check_number,
    "text": _check_text,
    "select_one": _check_text,
    "select_multiple": _check_select_multiple,
    "date": _check_date,
    "today": _check_date,
    "datetime": _check_datetime,
    "start": _check_datetime,
    "end": _check_datetime,
    "time": _check_time,
    "geopoint": _check_geopoint,
    "acknowledge": _check_acknowledge,
    "deviceid": _check_text,
    "username": _check_text,
}

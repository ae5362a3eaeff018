"""The plan a Validator compiles from an instrument, and one run of it over an interview.

The plan: every expression bound to the place it is evaluated at (survey_defs.expressions.bound),
the calculations in dependency order, and per container (the top level, each repeat) a check object
per element in form order. Each check decides and reports exactly (the walk), and writes out its own
fast path for survey_defs.fast_path: the way of an interview with nothing to report.
The run: the working copy of the answers, the instances of the repeats (each remembering the
relevance evaluated in it) and the errors found, as (path, code, message) in the order found.
"""

from __future__ import annotations

import graphlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from survey_defs.answer_types import CALCULATED_TYPES, PLAIN_TYPES, TYPE_CHECKS, as_answer, in_range, is_empty
from survey_defs.expressions import VOLATILE_FUNCTIONS, EvaluationContext, Expression, ExpressionError, to_boolean, to_number
from survey_defs.expressions.bound import Bound, Frame, bind
from survey_defs.expressions.nodes import Call
from survey_defs.fast_path import Writer
from survey_defs.model import Group, Instrument, Located, Question, RangeParameters, Repeat

if TYPE_CHECKING:
    from survey_defs.answers import Validator

META_FIELDS = ("instanceID", "instanceName", "deprecatedID")
# What the server cannot recompute from the answers alone: a device's value for these stands.
UNREPRODUCIBLE_FUNCTIONS = VOLATILE_FUNCTIONS | {"today"}
# Indentation the groups' blocks may take (Python's tokenizer stops at 100 levels; an element's own
# code nests a few more).
_MAX_NESTED_INDENT = 40
_MAX_WRITTEN_SECTIONS = 8  # relevants of a calculation written out inline, each nesting one level deeper


# --- the plan -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Logic:
    """An expression bound to where it is evaluated."""

    expression: Expression
    evaluate: Bound
    slot: int
    """The same for every relevant of the same text: elements sharing a relevant share its value."""
    place: tuple[str, ...]
    """The repeats enclosing where it is evaluated, outermost first."""


@dataclass(frozen=True, slots=True)
class _CalculationPlan:
    question: Question
    name: str
    logic: _Logic
    repeats: tuple[str, ...]
    """The enclosing repeats, outermost first."""
    relevance: tuple[tuple[int, int, tuple[tuple[str, _Logic], ...]], ...]
    """The relevants the calculation is under, outermost first, its own last, by the instance they are
    evaluated in: (its depth, where the conjunction up to there is remembered in it, each relevant with
    the name its errors are reported at). The instances of a repeat share what their parent remembers."""
    volatile: tuple[str, ...]
    reproducible: bool

    def write(self, writer: Writer, indent: int, guard: str | None) -> None:
        """Compute the value where it is unsent and relevant; anything else is the run's ``fill``."""
        me, name = writer.constant(self), writer.constant(self.name)
        if not self.repeats:
            relevant = None
            if self.relevance and self.reproducible:
                # Evaluated first thing, sent value or not: once written out, it serves every later
                # calculation under the same relevants in this function.
                conjunction = self.relevance[-1][1]
                relevant = writer.known_relevance.get(conjunction)
                if relevant is None:
                    relevant = writer.known_relevance[conjunction] = writer.temporary()
                    self.write_relevance(writer, indent, me, relevant, here=True)
            self.write_one(writer, indent, me, name, relevant)
            return
        instances, relevant = writer.temporary(), None
        if len(self.repeats) == 1:
            writer.line(indent, f"{instances} = top.instances({writer.constant(self.repeats[0])})")
        else:
            writer.line(indent, f"{instances} = top.instances_at({writer.constant(self.repeats)})")
        if [depth for depth, _, _ in self.relevance] == [0] and self.reproducible:
            # Relevant or not in every instance alike: evaluated at the top level, before the first
            # instance (which would have evaluated it first thing, sent value or not).
            relevant = writer.temporary()
            writer.line(indent, f"if {instances}:")
            self.write_relevance(writer, indent + 1, me, relevant, here=True)
        writer.line(indent, f"for instance in {instances}:")
        if relevant is None and self.relevance:  # evaluated in the instance: its memo is read
            writer.line(indent + 1, "values, memo = instance.values, instance.relevance")
        else:
            writer.line(indent + 1, "values = instance.values")
        self.write_one(writer, indent + 1, me, name, relevant)
        writer.line(indent, "instance, values, memo = top, top_values, top.relevance")

    def write_one(self, writer: Writer, indent: int, me: str, name: str, known: str | None) -> None:
        """The calculation in one instance; ``known``: where its relevance was set already, if it was."""
        relevant, value, sent = known or writer.temporary(), writer.temporary(), writer.temporary()
        # A value sent stands where only the device computes it (run.fill would return at once); the
        # walk looks at its class unless it is one a calculated value may have.
        stands = f"elif {sent}.__class__ not in _CALCULATED_TYPES:"
        if self.volatile:
            writer.line(indent, f"if ({sent} := values.get({name})) is None or {sent} == '' or {sent} == []:")
            writer.line(indent + 1, f"run.fill({me}, instance)")
            writer.line(indent, stands)
            writer.line(indent + 1, "run.calculations_to_check = True")
            return
        if self.reproducible:  # checked by run.fill if sent (as unsent if None, '' or [])
            writer.line(indent, f"if {name} in values:")
            writer.line(indent + 1, f"run.fill({me}, instance)")
        else:  # the device's value stands unless unanswered
            writer.line(indent, f"if ({sent} := values.get({name})) is not None:")
            writer.line(indent + 1, f"if {sent} == '' or {sent} == []:")
            writer.line(indent + 2, f"run.fill({me}, instance)")
            writer.line(indent + 1, stands)
            writer.line(indent + 2, "run.calculations_to_check = True")
        writer.line(indent, "else:")
        indent += 1
        if self.relevance:
            if known is None:
                self.write_relevance(writer, indent, me, relevant, here=len(self.relevance) == 1
                                     and self.relevance[0][0] == len(self.repeats))
            writer.line(indent, f"if {relevant}:")
            indent += 1
        source, plain = writer.value(self.logic)
        writer.line(indent, "try:")
        writer.line(indent + 1, f"{value} = {source}")
        writer.line(indent, "except Exception:  # the run evaluates it again, and reports why it fails")
        writer.line(indent + 1, f"run.fill({me}, instance)")
        writer.line(indent, "else:")
        if plain:  # stored as it is (as_answer would return it)
            writer.line(indent + 1, f"values[{name}] = {value}")
            return
        writer.line(indent + 1, f"if {value}.__class__ in _PLAIN_ANSWERS:")
        writer.line(indent + 2, f"values[{name}] = {value}")
        writer.line(indent + 1, "else:")
        writer.line(indent + 2, f"values[{name}] = _as_answer({value})")
        writer.line(indent + 2, "run.calculations_to_check = True")

    def write_relevance(self, writer: Writer, indent: int, me: str, relevant: str, here: bool) -> None:
        """Set ``relevant`` to the conjunction of the relevants, as Run.calculation_relevant would;
        ``here``: all of them are evaluated in ``instance`` (one level), which the source may do itself."""
        depth, conjunction, sections = self.relevance[-1]  # all of it, remembered where its innermost part is
        holder = "memo" if here or depth == len(self.repeats) else "top.relevance" if depth == 0 else None
        if holder is None:
            writer.line(indent, f"{relevant} = run.calculation_relevant({me}, instance)")
            return
        writer.line(indent, f"{relevant} = {holder}.get({int(conjunction)})")
        writer.line(indent, f"if {relevant} is None:")
        if not here or len(sections) > _MAX_WRITTEN_SECTIONS:
            writer.line(indent + 1, f"{relevant} = run.calculation_relevant({me}, instance)")
            return
        # One level, evaluated in this instance: each relevant in turn until one is false.
        writer.line(indent + 1, f"{relevant} = False")
        inner = indent + 1
        for name, logic in sections:
            part = writer.temporary()
            writer.relevance(inner, logic, part, name)
            writer.line(inner, f"if {part}:")
            inner += 1
        writer.line(inner, f"{relevant} = True")
        writer.line(indent + 1, f"memo[{int(conjunction)}] = {relevant}")


class Planner:
    """Builds the plan of one instrument: expressions bound to their places, checks per element."""

    def __init__(self, instrument: Instrument, parent_repeat: Mapping[str, str]) -> None:
        self.instrument = instrument
        self.parent_repeat = parent_repeat
        self.choices = {
            name: {choice.name: choice for choice in choice_list.choices}
            for name, choice_list in instrument.choice_lists.items()
        }
        self.groups = frozenset(item.element.name for item in instrument.walk() if isinstance(item.element, Group))
        self.slots: dict[str | tuple[tuple[int, int], ...], int] = {}
        self.relevance_readers: dict[int, int] = {}
        """How many parts of the plan read each relevant's slot (an element, or a calculation)."""

    def logic(self, expression: Expression | None, place: tuple[str, ...]) -> _Logic | None:
        if expression is None:
            return None
        slot = self.slots.setdefault(expression.text, len(self.slots))
        return _Logic(expression, bind(expression.root, place, self.parent_repeat), slot, place)

    def relevant(self, expression: Expression | None, place: tuple[str, ...], readers: int) -> _Logic | None:
        logic = self.logic(expression, place)
        if logic is not None:
            self.relevance_readers[logic.slot] = self.relevance_readers.get(logic.slot, 0) + readers
        return logic

    def read_once(self) -> frozenset[int]:
        """The relevants' slots only one element reads, each where it is evaluated once per instance."""
        return frozenset(slot for slot, readers in self.relevance_readers.items() if readers == 1)

    def calculation(self, located: Located) -> _CalculationPlan:
        question = located.element
        assert isinstance(question, Question) and question.calculation is not None
        relevance = []
        places: list[str] = []
        for section in located.ancestors:
            logic = self.relevant(section.relevant, tuple(places), 2)  # also read by Run.calculation_relevant
            if logic is not None:
                relevance.append((len(places), section.name, logic))
            if isinstance(section, Repeat):
                places.append(section.name)
        place = tuple(places)
        own = self.relevant(question.relevant, place, 2)
        if own is not None:
            relevance.append((len(place), question.name, own))
        logic = self.logic(question.calculation, place)
        assert logic is not None
        # A conjunction of remembered relevants is itself the same each time it is evaluated in an
        # instance (it stops at the same false one), so it is remembered too.
        levels = []
        for depth in sorted({depth for depth, _, _ in relevance}):
            conjunction = tuple((outer, logic.slot) for outer, _, logic in relevance if outer <= depth)
            sections = tuple((name, logic) for outer, name, logic in relevance if outer == depth)
            levels.append((depth, self.slots.setdefault(conjunction, len(self.slots)), sections))
        return _CalculationPlan(
            question=question,
            name=question.name,
            logic=logic,
            repeats=place,
            relevance=tuple(levels),
            volatile=tuple(sorted(question.calculation.functions & VOLATILE_FUNCTIONS)),
            reproducible=not question.calculation.functions & UNREPRODUCIBLE_FUNCTIONS,
        )

    def container(
        self, elements: tuple[Question | Group | Repeat, ...], place: tuple[str, ...], extra: tuple[str, ...] = ()
    ) -> "_ContainerCheck":
        return _ContainerCheck(
            known=frozenset({*_field_names(elements), *extra}),
            groups=self.groups,
            elements=tuple(self.element(element, place) for element in elements),
            place=place,
        )

    def element(self, element: Question | Group | Repeat, place: tuple[str, ...]) -> "_Check":
        relevance = self.relevant(element.relevant, place, 1)
        if isinstance(element, Group):
            children = tuple(self.element(child, place) for child in element.children)
            return _GroupCheck(element.name, relevance, children, frozenset(_field_names(element.children)))
        if isinstance(element, Repeat):
            return _RepeatCheck(
                element.name, relevance, self.logic(element.repeat_count, place),
                self.container(element.children, (*place, element.name)),
            )
        if element.type == "calculate":
            return _ShapeCheck(element.name, relevance, tuple(CALCULATED_TYPES),
                               "a calculated value is text, a number or a boolean", element.calculation is not None)
        if element.type == "note":
            return _ShapeCheck(element.name, relevance, (), "a note takes no answer", False)
        plain = PLAIN_TYPES.get(element.type)
        required = None if _always(element.required) else self.logic(element.required, place)
        return _AnswerCheck(
            name=element.name,
            relevance=relevance,
            question=element,
            required=required,
            always_required=_always(element.required),
            type_check=TYPE_CHECKS[element.type],
            plain=plain,
            offered=None if element.list_name is None else self.choices.get(element.list_name, {}),
            choice_filter=self.logic(element.choice_filter, place),
            range=element.range,
            constraint=self.logic(element.constraint, place),
        )


def _always(expression: Expression | None) -> bool:
    """`true()` (what required=yes becomes): nothing to evaluate."""
    root = None if expression is None else expression.root
    return isinstance(root, Call) and root.name == "true" and not root.arguments


# --- the run ------------------------------------------------------------------------------------------


class _Instance(Frame):
    """A container being checked, with each relevance evaluated in it and its repeats' instances."""

    __slots__ = ("relevance", "children", "_prefix")

    def __init__(self, values: Mapping[str, Any], levels: tuple[Mapping[str, Any], ...], parent: Frame | None,
                 repeat_name: str | None, position: int, base: Callable[[], EvaluationContext]) -> None:
        Frame.__init__(self, values, levels, parent, repeat_name, position, base)
        self.relevance: dict[int, bool] = {}
        self.children: dict[str, list[_Instance]] = {}
        self._prefix: str | None = "" if self.parent is None else None

    def instances(self, repeat: str) -> "list[_Instance]":
        """The instances of ``repeat`` held here (none where it is unanswered)."""
        found = self.children.get(repeat)
        if found is None:
            found = self.children[repeat] = []
            levels, base, new = self.levels, self._base, _Instance.__new__
            for position, values in enumerate(self.values.get(repeat) or (), 1):
                # as Frame.child, slot by slot: a few instances per interview, made before anything else is
                inner = new(_Instance)
                inner.values, inner.levels, inner.parent = values, (*levels, values), self
                inner.repeat_name, inner.position, inner.current, inner.choice = repeat, position, None, None
                inner._base, inner._context, inner._repeat_path = base, None, None
                inner.relevance, inner.children, inner._prefix = {}, {}, None
                found.append(inner)
        return found

    def instances_at(self, repeats: tuple[str, ...]) -> "Sequence[_Instance]":
        """The instances of the nested ``repeats`` below this one (itself for none)."""
        found: Sequence[_Instance] = (self,)
        for repeat in repeats:
            found = [inner for outer in found for inner in outer.instances(repeat)]
        return found

    def path(self, name: str) -> str:
        """The answer path of ``name`` here (0-based indexes, as in errors)."""
        prefix = self._prefix
        if prefix is None:
            assert isinstance(self.parent, _Instance)
            prefix = self._prefix = f"{self.parent.path(self.repeat_name or '')}[{self.position - 1}]."
        return prefix + name

    def enclosing(self, depth: int) -> "_Instance":
        """The instance at ``depth`` repeats down that holds this one (itself at its own depth)."""
        instance = self
        for _ in range(len(self.levels) - 1 - depth):
            assert isinstance(instance.parent, _Instance)
            instance = instance.parent
        return instance


class _BaseContext:
    """The answers as the generic evaluator sees them, made when an expression first needs them (today())."""

    def __init__(self, validator: Validator, working: dict[str, Any], now: datetime | None) -> None:
        self.validator, self.working, self.now = validator, working, now
        self.context: EvaluationContext | None = None

    def get(self) -> EvaluationContext:
        if self.context is None:
            self.context = EvaluationContext(
                answers=self.working,
                parent_repeat=self.validator.parent_repeat,
                choice_labels=self.validator.choice_labels,
                **({"now": self.now} if self.now is not None else {}),
            )
        return self.context


class Run:
    """One validation: the errors found so far, and the containers with what was evaluated in them."""

    def __init__(self, validator: Validator, answers: Mapping[str, Any], language: str, now: datetime | None) -> None:
        self.validator = validator
        self.language = language
        self.now = now
        self.errors: list[tuple[str, str, str]] = []
        """(path, code, message) of each error, in the order found."""
        self.malformed: set[str] = set()
        self.calculations_to_check = False
        """Whether a calculation may hold a value that is not str, float or bool: one the device sent,
        or one the fill did not store itself. Until then the walk need not look at their classes."""
        self.working = _copy_containers(answers, validator.repeats, "", self.malformed)
        self.unknown_at_top = not validator.checks.known.issuperset(self.working)
        """Whether the top level holds a key that is no field (its calculations, added later, are fields)."""
        self.top = _Instance.top(self.working, _BaseContext(validator, self.working, now).get)

    def error(self, path: str, code: str, message: str) -> None:
        self.errors.append((path, code, message))

    def release(self) -> None:
        """Unlink the instances (a parent lists its children, a child names its parent), so that they are
        freed when the check returns; left to the cyclic garbage collector, they cost more than the check."""
        pending = list(self.top.children.values())
        self.top.children.clear()
        while pending:
            for instance in pending.pop():
                if instance.children:
                    pending.extend(instance.children.values())
                    instance.children.clear()

    def evaluate(self, logic: _Logic, instance: _Instance, name: str) -> Any:
        """The expression's value, or None after recording ``expression_failed`` at ``name``."""
        try:
            return logic.evaluate(instance)
        except (ExpressionError, OverflowError) as error:
            self.failed(logic, instance, name, error)
        return None

    def failed(self, logic: _Logic, instance: _Instance, name: str, error: ExpressionError | OverflowError) -> None:
        if isinstance(error, ExpressionError):
            self.error(instance.path(name), "expression_failed", f"{error.message} in {logic.expression.text!r}")
        else:  # an integer answer too large for a float, read by this expression
            self.error(instance.path(name), "expression_failed",
                       f"a number read by {logic.expression.text!r} is too large")

    def holds(self, logic: _Logic, instance: _Instance, name: str) -> bool:
        """Whether the expression is true, false after recording ``expression_failed`` at ``name``."""
        try:
            value = logic.evaluate(instance)
        except (ExpressionError, OverflowError) as error:
            self.failed(logic, instance, name, error)
            return False
        return value is True or (value is not False and to_boolean(value))

    def relevant(self, logic: _Logic, instance: _Instance, name: str) -> bool:
        """A relevant in the given instance, evaluated once per run and text.

        Calculations are filled in an order where everything a relevant reads is computed first, so a
        relevance computed while filling them still holds for the walk that follows.
        """
        known = instance.relevance.get(logic.slot)
        if known is None:
            known = instance.relevance[logic.slot] = self.holds(logic, instance, name)
        return known

    def calculation_relevant(self, calculation: _CalculationPlan, instance: _Instance) -> bool:
        """Whether the calculation's sections and itself are relevant in ``instance``."""
        for depth, conjunction, sections in calculation.relevance:
            holder = instance.enclosing(depth)
            known = holder.relevance.get(conjunction)
            if known is None:
                known = True
                for name, logic in sections:
                    relevant = holder.relevance.get(logic.slot)
                    if relevant is None:
                        relevant = holder.relevance[logic.slot] = self.holds(logic, holder, name)
                    if not relevant:
                        known = False
                        break
                holder.relevance[conjunction] = known
            if not known:
                return False
        return True

    # --- calculations -------------------------------------------------------------------------------

    def fill(self, calculation: _CalculationPlan, instance: _Instance) -> None:
        """Check a calculated value the device sent, or compute it where it is relevant."""
        self.calculations_to_check = True
        name = calculation.name
        sent = instance.values.get(name)
        if not (sent is None or sent == "" or sent == []):
            if calculation.reproducible:
                self.check_sent_calculation(calculation, sent, instance)
            return
        if not self.calculation_relevant(calculation, instance):
            return
        if calculation.volatile:
            self.error(
                instance.path(name),
                "calculation_missing",
                f"the calculation uses {', '.join(calculation.volatile)}(), which the server cannot reproduce: "
                "send its value",
            )
            return
        value = self.evaluate(calculation.logic, instance, name)
        if value is not None:
            instance.values[name] = as_answer(value)  # type: ignore[index]

    def check_sent_calculation(self, calculation: _CalculationPlan, sent: Any, instance: _Instance) -> None:
        """A value the device computed must be what the form's calculation gives on the same answers.

        Only calculations the server can reproduce are checked: none reading random(), uuid(), now()
        or today() (an interview may be uploaded days after it was taken). A selection probability
        that does not follow from the roster would otherwise weight the respondent wrongly.
        """
        if not self.calculation_relevant(calculation, instance):
            return  # answered where not relevant: the walk reports it
        name = calculation.name
        errors = len(self.errors)
        value = self.evaluate(calculation.logic, instance, name)
        del self.errors[errors:]  # an expression failing here is the device's value standing, not a new error
        if value is not None and not _same_calculated(sent, as_answer(value)):
            self.error(instance.path(name), "calculation_mismatch",
                       f"the device sent {sent!r}, but the form's calculation gives {as_answer(value)!r} "
                       f"for these answers ({calculation.logic.expression.text!r})")

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


# --- the checks of the walk ---------------------------------------------------------------------------
# Each element's check runs where its section is relevant; `clear` where it is not (ODK clears the
# answers of non-relevant questions, so any answer there is an error).


@dataclass(frozen=True, slots=True)
class _ContainerCheck:
    """The top level or one repeat instance: its unknown keys, then its fields."""

    known: frozenset[str]
    groups: frozenset[str]
    elements: tuple["_Check", ...]
    place: tuple[str, ...]
    """The repeats enclosing it, outermost first (none for the top level)."""

    def check(self, run: Run, instance: _Instance) -> None:
        if not self.known.issuperset(instance.values):
            self.report_unknown(run, instance)
        for element in self.elements:
            element.check(run, instance)

    def report_unknown(self, run: Run, instance: _Instance) -> None:
        for key in instance.values:
            if key not in self.known:
                flattened = " (groups are flattened: send its fields at this level)" if key in self.groups else ""
                run.error(f"{instance.path('')}{key}", "unknown_field", f"{key!r} is not a field here{flattened}")


@dataclass(frozen=True, slots=True)
class _GroupCheck:
    name: str
    relevance: _Logic | None
    children: tuple["_Check", ...]
    answerable: frozenset[str]
    """The names an answer in a non-relevant group would be an error for (repeats' insides are theirs)."""

    def check(self, run: Run, instance: _Instance) -> None:
        relevance = self.relevance
        if relevance is not None:
            known = instance.relevance.get(relevance.slot)
            if known is None:
                known = instance.relevance[relevance.slot] = run.holds(relevance, instance, self.name)
            if not known:
                self.clear(run, instance)
                return
        for child in self.children:
            child.check(run, instance)

    def clear(self, run: Run, instance: _Instance) -> None:
        if not self.answerable.isdisjoint(instance.values):
            for child in self.children:
                child.clear(run, instance)

    def write(self, writer: Writer, indent: int, guard: str | None) -> None:
        relevant = writer.temporary()
        if self.relevance is None:
            writer.line(indent, f"{relevant} = {guard or 'True'}")
        else:
            writer.line(indent, f"{relevant} = False")
            if guard is not None:
                writer.line(indent, f"if {guard}:")
                indent += 1
            writer.relevance(indent, self.relevance, relevant, self.name)  # clear() does not read it
            writer.line(indent, f"if not {relevant}:")
            writer.line(indent + 1, f"{writer.constant(self)}.clear(run, instance)")
            indent -= guard is not None
        if indent < _MAX_NESTED_INDENT and (guard is not None or self.relevance is not None):
            # The children under one test of the group's relevance (rather than one test each), as
            # deep as the source's indentation may go; deeper groups test it per child.
            writer.line(indent, f"if {relevant}:")
            for child in self.children:
                child.write(writer, indent + 1, None)
            writer.line(indent + 1, "pass")
            return
        for child in self.children:
            child.write(writer, indent, relevant)


@dataclass(frozen=True, slots=True)
class _RepeatCheck:
    name: str
    relevance: _Logic | None
    repeat_count: _Logic | None
    container: _ContainerCheck

    def check(self, run: Run, instance: _Instance) -> None:
        relevant = self.relevance is None or run.relevant(self.relevance, instance, self.name)
        if not relevant or (run.malformed and instance.path(self.name) in run.malformed):
            self.clear(run, instance)
            return
        instances = instance.instances(self.name)
        self.check_count(run, instance, instances)
        for inner in instances:
            self.container.check(run, inner)

    def write(self, writer: Writer, indent: int, guard: str | None) -> None:
        if guard is not None:
            writer.line(indent, f"if {guard}:")
            indent += 1
        me, relevant, instances = writer.constant(self), writer.temporary(), writer.temporary()
        remember = None
        if self.relevance is None:
            writer.line(indent, f"{relevant} = True")
        else:
            remember = writer.relevance(indent, self.relevance, relevant, self.name)
        writer.line(indent, f"if not {relevant} or run.malformed:")
        writer.line(indent + 1, _then(remember, f"{me}.check(run, instance)"))
        writer.line(indent, "else:")
        writer.line(indent + 1, f"{instances} = instance.instances({writer.constant(self.name)})")
        if self.repeat_count is not None:  # the check where it may report: a count that fails, or differs
            count = writer.temporary()
            writer.line(indent + 1, "try:")
            writer.line(indent + 2, f"{count} = {writer.number(self.repeat_count)}")
            writer.line(indent + 1, "except Exception:")
            writer.line(indent + 2, f"{count} = None")
            writer.line(indent + 1, f"if {count} is None or ({count} - {count} == 0 and _int({count}) != _len({instances})):")
            writer.line(indent + 2, f"{me}.check_count(run, instance, {instances})")
        writer.line(indent + 1, f"for inner in {instances}:")
        writer.line(indent + 2, f"{writer.container(self.container)}(run, inner)")

    def check_count(self, run: Run, instance: _Instance, instances: list[_Instance]) -> None:
        if self.repeat_count is None:
            return
        expected = run.evaluate(self.repeat_count, instance, self.name)
        if expected is not None:
            count = to_number(expected)
            if math.isfinite(count) and int(count) != len(instances):
                run.error(
                    instance.path(self.name),
                    "repeat_count_mismatch",
                    f"{len(instances)} instance(s) where repeat_count "
                    f"({self.repeat_count.expression.text}) gives {int(count)}",
                )

    def clear(self, run: Run, instance: _Instance) -> None:
        if run.malformed and instance.path(self.name) in run.malformed:
            run.error(instance.path(self.name), "wrong_type", "a repeat is a list of objects, one per instance")
        elif not is_empty(instance.values.get(self.name)):
            run.error(instance.path(self.name), "not_relevant_but_answered",
                      f"{self.name!r} is not relevant but has instances")


@dataclass(frozen=True, slots=True)
class _ShapeCheck:
    """A calculate or a note: nothing the respondent answers, so relevance does not matter, the shape does."""

    name: str
    relevance: _Logic | None
    accepted: tuple[type, ...]
    """The classes a value may have (a device's calculated value is text, a number or a boolean)."""
    message: str
    computed: bool
    """A calculation the fill computes where no value is sent: its value has a plain class unless
    ``run.calculations_to_check`` (see _CalculationPlan.write_one)."""

    def check(self, run: Run, instance: _Instance) -> None:
        if self.relevance is not None:
            run.relevant(self.relevance, instance, self.name)  # evaluated as for every element: it may fail
        value = instance.values.get(self.name)
        if value is not None and value.__class__ not in self.accepted:
            self.clear(run, instance)

    def write(self, writer: Writer, indent: int, guard: str | None) -> None:
        if guard is not None:
            writer.line(indent, f"if {guard}:")
            indent += 1
        me, value, remember = writer.constant(self), writer.temporary(), None
        if self.relevance is not None:  # evaluated as the check does (it may fail), whatever it gives
            remember = writer.relevance(indent, self.relevance, writer.temporary(), self.name)
        if self.computed:
            writer.line(indent, "if calculations_to_check:")
            indent += 1
        writer.line(indent, f"{value} = values.get({writer.constant(self.name)})")
        writer.line(indent, f"if {value} is not None and {value}.__class__ not in {writer.constant(self.accepted)}:")
        writer.line(indent + 1, _then(remember, f"{me}.check(run, instance)"))

    def clear(self, run: Run, instance: _Instance) -> None:
        value = instance.values.get(self.name)
        if not is_empty(value) and not isinstance(value, self.accepted):
            run.error(instance.path(self.name), "wrong_type", self.message)


@dataclass(frozen=True, slots=True)
class _AnswerCheck:
    """A question the respondent answers: relevance, required, type, choices, range, constraint."""

    name: str
    relevance: _Logic | None
    question: Question
    required: _Logic | None
    always_required: bool
    type_check: Callable[[Any], str | None]
    plain: type | None
    """A class whose values always pass ``type_check`` (str for text and select_one), to skip the call."""
    offered: dict[str, Any] | None
    choice_filter: _Logic | None
    range: RangeParameters | None
    constraint: _Logic | None

    def check(self, run: Run, instance: _Instance) -> None:
        relevance = self.relevance
        if relevance is not None:
            known = instance.relevance.get(relevance.slot)
            if known is None:
                known = instance.relevance[relevance.slot] = run.holds(relevance, instance, self.name)
            if not known:
                if instance.values.get(self.name) is not None:
                    self.clear(run, instance)
                return
        value = instance.values.get(self.name)
        if value is None or value == "" or value == []:
            if self.always_required or (self.required is not None and run.holds(self.required, instance, self.name)):
                message = translate(self.question.required_message, run.language) or "this question is required"
                run.error(instance.path(self.name), "required_missing", message)
            return
        if value.__class__ is not self.plain:
            problem = self.type_check(value)
            if problem is not None:
                run.error(instance.path(self.name), "wrong_type", problem)
                return
        offered = self.offered
        if offered is not None and not (self.choice_filter is None and value.__class__ is str and value in offered):
            if not self.check_choices(run, instance, value, offered):
                return
        if self.range is not None and not in_range(self.range, value):
            bounds = self.range
            run.error(instance.path(self.name), "out_of_range",
                      f"{value} is not in {bounds.start:g}..{bounds.end:g} by steps of {bounds.step:g}")
            return
        if self.constraint is not None:
            instance.current = value
            try:
                fine = run.holds(self.constraint, instance, self.name)
            finally:
                instance.current = None
            if not fine:
                message = translate(self.question.constraint_message, run.language) or (
                    f"{value!r} does not satisfy {self.constraint.expression.text}"
                )
                run.error(instance.path(self.name), "constraint_violated", message)

    def clear(self, run: Run, instance: _Instance) -> None:
        if not is_empty(instance.values.get(self.name)):
            run.error(instance.path(self.name), "not_relevant_but_answered",
                      f"{self.name!r} is not relevant here but is answered")

    def write(self, writer: Writer, indent: int, guard: str | None) -> None:
        """Nothing to do where the value is absent and not required, or of its type, offered, in range
        and satisfying the constraint; the check itself otherwise."""
        if guard is not None:
            writer.line(indent, f"if {guard}:")
            indent += 1
        me, value, relevant = writer.constant(self), writer.temporary(), writer.temporary()
        check = f"{me}.check(run, instance)"
        if self.relevance is not None:
            check = _then(writer.relevance(indent, self.relevance, relevant, self.name), check)
        writer.line(indent, f"{value} = values.get({writer.constant(self.name)})")
        absent = check if self.always_required or self.required is not None else "pass"
        fine, class_first = self.fine(writer, value)
        branch = "if"
        if self.relevance is not None:
            writer.line(indent, f"if not {relevant}:")
            writer.line(indent + 1, f"if {value} is not None:")
            writer.line(indent + 2, check)
            branch = "elif"
        if not class_first:
            writer.line(indent, f"{branch} {value} is None:")
            writer.line(indent + 1, absent)
            branch = "elif"
        # Where ``fine`` opens with a class test (None never passes it), the usual answer is tested
        # before its absence: one test fewer per answered question.
        writer.line(indent, f"{branch} {fine}:")
        if self.constraint is None:
            writer.line(indent + 1, "pass")
        else:
            holds = writer.temporary()
            test, reads_frame = writer.constraint(self.constraint, value, self.shape())
            if reads_frame:
                writer.line(indent + 1, f"instance.current = {value}")
            writer.line(indent + 1, "try:")
            writer.line(indent + 2, f"{holds} = {test}")
            writer.line(indent + 1, "except Exception:  # the check evaluates it again, and reports why it fails")
            writer.line(indent + 2, f"{holds} = False")
            if reads_frame:
                writer.line(indent + 1, "instance.current = None")
            writer.line(indent + 1, f"if not {holds}:")
            writer.line(indent + 2, check)
        if class_first:
            writer.line(indent, f"elif {value} is None:")
            writer.line(indent + 1, absent)
        writer.line(indent, "else:")
        writer.line(indent + 1, check)

    def shape(self) -> str | None:
        """What a value passing ``fine`` is, for the constraint's `.` (see Writer.constraint)."""
        if self.plain is str:
            return "text"
        if self.question.type in ("integer", "decimal", "range"):
            return "number"
        if self.question.type == "select_multiple" and self.offered is not None:
            return "choices"
        return None

    def fine(self, writer: Writer, value: str) -> tuple[str, bool]:
        """Source testing that a present value is of the question's type, offered and in range, and
        whether it opens with a class test (so that None fails it at once)."""
        if self.offered is not None and self.choice_filter is not None:
            return "False", False  # each choice is filtered by an expression: the check does it
        class_first = True
        if self.plain is str and self.offered is not None and "" not in self.offered:
            tests = [f"{value}.__class__ is _str"]  # '' (unanswered) is no choice: the offered test refuses it
        elif self.plain is str:
            tests = [f"{value}.__class__ is _str and {value} != ''"]
        elif self.question.type == "integer":
            tests = [f"{value}.__class__ is _int and -_MAX_INTEGER <= {value} <= _MAX_INTEGER"]
        elif self.question.type in ("decimal", "range"):  # a finite float, or an int ODK stores, needs no call
            class_first = False  # the call would be made for None
            tests = [f"(({value}.__class__ is _float and {value} - {value} == 0) or ({value}.__class__ is _int and "
                     f"-_MAX_INTEGER <= {value} <= _MAX_INTEGER) or {writer.constant(self.type_check)}({value}) is None)"]
        elif self.question.type == "select_multiple" and self.offered is not None:  # its type and choices at once
            offered, first = writer.constant(frozenset(self.offered)), writer.temporary()
            one = f"_len({value}) == 1 and ({first} := {value}[0]).__class__ is _str and {first} in {offered}"
            return f"({value}.__class__ is _list and (({one}) or ({value} and _offered_once({value}, {offered}))))", True
        elif self.question.type == "select_multiple":  # [] is unanswered: the check decides
            tests = [f"{value}.__class__ is _list and {value} and {writer.constant(self.type_check)}({value}) is None"]
        else:
            class_first = False
            tests = [f"{writer.constant(self.type_check)}({value}) is None"]
        if self.offered is not None:
            if self.question.type != "select_one":
                return "False", False
            tests.append(f"{value} in {writer.constant(self.offered)}")
        if self.range is not None:
            tests.append(f"_in_range({writer.constant(self.range)}, {value})")
        return "(" + " and ".join(tests) + ")", class_first

    def check_choices(self, run: Run, instance: _Instance, value: Any, offered: dict[str, Any]) -> bool:
        chosen = value if isinstance(value, list) else [value]
        fine = True
        for name in chosen:
            choice = offered.get(name)
            if choice is None:
                run.error(instance.path(self.name), "not_in_choices",
                          f"{name!r} is not a choice of {self.question.list_name!r}")
                fine = False
            elif self.choice_filter is not None:
                instance.choice = {**choice.extra, "name": choice.name}
                try:
                    shown = run.evaluate(self.choice_filter, instance, self.name)
                finally:
                    instance.choice = None
                if shown is None:
                    return False
                if not to_boolean(shown):
                    run.error(
                        instance.path(self.name), "not_in_choices",
                        f"{name!r} is not offered here (choice_filter {self.choice_filter.expression.text})",
                    )
                    fine = False
        return fine


_Check = _GroupCheck | _RepeatCheck | _ShapeCheck | _AnswerCheck


# --- helpers ----------------------------------------------------------------------------------------


def calculation_order(instrument: Instrument) -> list[Located]:
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


def _copy_containers(
    answers: Mapping[str, Any], repeats: frozenset[str], prefix: str, malformed: set[str]
) -> dict[str, Any]:
    """A copy deep enough to add calculated values without touching the caller's answers.

    A repeat that is not a list of objects becomes empty in the copy (its path goes to ``malformed``),
    so expressions never meet a half-formed repeat.
    """
    working = dict(answers) if answers.__class__ is dict else dict(answers.items())
    for key in repeats:  # fewer than the keys of a container, usually
        value = working.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            for item in value:
                if item.__class__ is not dict and not isinstance(item, Mapping):
                    break
            else:  # a list of objects: each copied (its own repeats too)
                copies = []
                for index, item in enumerate(value):
                    if item.__class__ is dict and repeats.isdisjoint(item):
                        copies.append(dict(item))
                    else:
                        copies.append(_copy_containers(item, repeats, f"{prefix}{key}[{index}].", malformed))
                working[key] = copies
                continue
        malformed.add(f"{prefix}{key}")
        working[key] = []
    return working


def _then(first: str | None, statement: str) -> str:
    """One line of source: ``first`` (if any), then ``statement``."""
    return statement if first is None else f"{first}; {statement}"


def _field_names(elements: tuple[Question | Group | Repeat, ...]) -> set[str]:
    names: set[str] = set()
    for element in elements:
        if isinstance(element, Group):
            names |= _field_names(element.children)
        else:
            names.add(element.name)
    return names


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


def translate(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("default") or next(iter(texts.values()), "")



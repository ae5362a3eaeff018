"""Expressions bound to one place of a form and evaluated on a Frame: what answer validation runs.

The generic evaluator resolves every ${name} when it is evaluated, against the repeat instances its
EvaluationContext names. A validator evaluates the same expressions for every interview, each from
the same place: the repeats enclosing the field it belongs to are known when the form is compiled,
and so is what ${name} means there (the value in this instance, in an enclosing one, or the
node-set across instances). ``bind`` compiles a tree for one such place: a reference reads the
right dict directly, and the commonest shapes (``${x} = 'text'``, ``${n} > 0``, ``. <= 99``,
and/or, if(), selected(.., 'a'), position(..)) are single closures. Everything else is the
generic evaluator's own code (operators, conversions, function implementations), so values and
error codes and messages are those of ``Expression.evaluate`` (an error may lack its position).
As in the generic evaluator, nothing is passed to eval or exec.

    parent_repeat = {"age": "members"}
    answers = {"members": [{"age": 34}, {"age": 9}]}
    top = Frame.top(answers, lambda: EvaluationContext(answers=answers, parent_repeat=parent_repeat))
    adult = bind(parse("${age} >= 18").root, ("members",), parent_repeat)
    adult(top.child("members", 0, answers["members"][0]))   # True: the first member is an adult
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from survey_defs.expressions.context import EvaluationContext, RepeatPath, choice_column, node_value, resolve
from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.evaluator import NUMERIC_OPERATORS, Compiled, TreeCompiler, text_comparison
from survey_defs.expressions.functions import FUNCTIONS, Function
from survey_defs.expressions.nodes import Call, Chain, Current, Literal, Node, Reference
from survey_defs.expressions.values import NodeSet, Value, equals, single, to_boolean, to_number, to_string

Bound = Callable[["Frame"], Value]

_COMPARISONS = frozenset({"<", "<=", ">", ">="})
_COALESCE = FUNCTIONS["coalesce"].implementation
_CONCAT = FUNCTIONS["concat"].implementation


class Frame:
    """The answers of one container (the top level or one repeat instance) being evaluated.

    ``current`` (a constraint's `.`) and ``choice`` (the choice a choice_filter tests) are set by the
    caller around one evaluation and reset after it.
    """

    __slots__ = ("values", "levels", "parent", "repeat_name", "position", "current", "choice", "_base",
                 "_context", "_repeat_path")

    def __init__(self, values: Mapping[str, Any], levels: tuple[Mapping[str, Any], ...], parent: Frame | None,
                 repeat_name: str | None, position: int, base: Callable[[], EvaluationContext]) -> None:
        self.values = values
        self.levels = levels
        """The containers from the top level down to this one: the instances enclosing it, outermost first."""
        self.parent = parent
        self.repeat_name = repeat_name
        self.position = position
        """1-based index of this instance in its repeat (0 at the top level)."""
        self.current: Any = None
        self.choice: Mapping[str, str] | None = None
        self._base = base
        self._context: EvaluationContext | None = None
        self._repeat_path: RepeatPath | None = () if parent is None else None

    @classmethod
    def top(cls, answers: Mapping[str, Any], base: Callable[[], EvaluationContext]) -> Frame:
        """The top level of ``answers``; ``base()`` gives an EvaluationContext over the same answers."""
        return cls(answers, (answers,), None, None, 0, base)

    def child(self, repeat_name: str, index: int, values: Mapping[str, Any]) -> Frame:
        """The instance at 0-based ``index`` of the repeat ``repeat_name`` held here."""
        return type(self)(values, (*self.levels, values), self, repeat_name, index + 1, self._base)

    @property
    def repeat_path(self) -> RepeatPath:
        path = self._repeat_path
        if path is None:
            assert self.parent is not None and self.repeat_name is not None
            path = self._repeat_path = (*self.parent.repeat_path, (self.repeat_name, self.position))
        return path

    def context(self) -> EvaluationContext:
        """This place as an EvaluationContext, for what is evaluated generically (e.g. today())."""
        if self.current is None and self.choice is None:
            if self._context is None:
                self._context = self._base().at(self.repeat_path)
            return self._context
        context = self._base().at(self.repeat_path, self.current)
        return context if self.choice is None else replace(context, choice=self.choice)


def bind(root: Node, place: tuple[str, ...], parent_repeat: Mapping[str, str]) -> Bound:
    """``root`` compiled for a field whose enclosing repeats are ``place`` (outermost first).

    ``parent_repeat`` is the form's innermost enclosing repeat of every element inside a repeat, as
    given to EvaluationContext. The result must be called with Frames at that place.
    """
    return BoundCompiler(place, parent_repeat).compile(root)


class BoundCompiler(TreeCompiler):
    """Compiles trees for one place; ``scalar_source`` says where a one-value read comes from."""

    def __init__(self, place: tuple[str, ...], parent_repeat: Mapping[str, str]) -> None:
        self.place = place
        self.form = EvaluationContext(parent_repeat=parent_repeat)  # no answers: it says where names sit

    # --- leaves -----------------------------------------------------------------------------------

    def reference(self, name: str) -> Bound:
        depth = self._fixed_depth(name)
        if depth is not None:
            return _read(name, depth)
        gathered = self._gathered(name)
        if gathered is None:  # repeats nesting in a cycle: fail as the generic evaluator does
            return lambda frame: frame.context().value(name)
        return _gather(name, *gathered)

    def current(self) -> Bound:
        return lambda frame: node_value(frame.current)

    def bare_name(self, name: str) -> Bound:
        return lambda frame: choice_column(frame.choice, name)

    def position(self) -> Bound:
        if not self.place:  # the generic error: position(..) outside any repeat
            return lambda frame: float(frame.context().position())
        return lambda frame: float(frame.position)

    def context_reader(self, function: Function) -> Callable[[Frame], EvaluationContext | None]:
        return Frame.context if function.reads_context else _no_context

    def _gathered(self, name: str) -> tuple[int, tuple[str, ...], bool] | None:
        """For a ${name} that is a node-set here: what _gather takes after the name."""
        try:
            chain = tuple(self.form.repeat_chain(name))
        except ExpressionError:
            return None
        shared = _shared_depth(chain, self.place)
        return shared, chain[shared:], self.form.is_repeat(name)

    def _fixed_depth(self, name: str) -> int | None:
        """For a ${name} that is one value here: the depth of the container holding it, else None."""
        try:
            chain = tuple(self.form.repeat_chain(name))
        except ExpressionError:
            return None
        if self.form.is_repeat(name) or _shared_depth(chain, self.place) != len(chain):
            return None
        return len(chain)

    # --- fused shapes -----------------------------------------------------------------------------

    def scalar_source(self, node: Node) -> tuple[str, int] | None:
        """(name, depth) for a ${name} read as one value here; ("", -1) for `.`; else None."""
        if isinstance(node, Current):
            return "", -1
        if isinstance(node, Reference):
            depth = self._fixed_depth(node.name)
            if depth is not None:
                return node.name, depth
        return None

    def gathered_source(self, node: Node) -> tuple[str, int, tuple[str, ...], bool] | None:
        """(name, depth, repeats, is_repeat) for a ${name} read here as a node-set: its values in every
        instance of ``repeats`` below the container at ``depth`` (see _gather); else None."""
        if not isinstance(node, Reference) or self._fixed_depth(node.name) is not None:
            return None
        gathered = self._gathered(node.name)
        return None if gathered is None else (node.name, *gathered)

    def in_one_instance(self, field: str, repeats: tuple[str, ...]) -> bool:
        """Whether indexed-repeat(${field}, ...) naming ``repeats`` reads one value (see _one_instance)."""
        try:
            chain = tuple(self.form.repeat_chain(field))
        except ExpressionError:
            return False
        return repeats == chain and not self.form.is_repeat(field)

    def indexed(self, field: str, repeats: tuple[str, ...]) -> Callable[[Frame, list[tuple[str, int]]], Value]:
        if self.in_one_instance(field, repeats):
            return partial(_one_instance, field)
        try:
            chain = tuple(self.form.repeat_chain(field))
        except ExpressionError:
            chain = None
        if chain is None or repeats != chain[: len(repeats)]:  # the generic error, when evaluated
            return lambda frame, steps: frame.context().indexed(field, steps)
        is_repeat = self.form.is_repeat(field)

        def look_up(frame: Frame, steps: list[tuple[str, int]]) -> Value:
            # deeper levels keep the current instances, as EvaluationContext.indexed does
            path = (*steps, *frame.repeat_path[len(steps):])
            return resolve(frame.levels[0], field, chain, is_repeat, path)

        return look_up

    def chain(self, first: Node, rest: tuple[tuple[str, Node], ...]) -> Compiled:
        source = self.scalar_source(first)
        if source is not None and len(rest) == 1 and isinstance(rest[0][1], Literal):
            operator_name, right = rest[0]
            literal = right.value  # type: ignore[union-attr]
            if isinstance(literal, str) and operator_name in ("=", "!="):
                return _equals_text(*source, literal, operator_name == "=")
            if isinstance(literal, float) and operator_name in ("=", "!="):
                return _equals_number(*source, literal, operator_name == "=")
            if isinstance(literal, float) and operator_name in _COMPARISONS:
                return _compare_number(*source, NUMERIC_OPERATORS[operator_name], literal)  # type: ignore[arg-type]
        if all(operator_name in NUMERIC_OPERATORS for operator_name, _ in rest):
            return _on_numbers(self.compile(first), tuple(
                (NUMERIC_OPERATORS[operator_name], self.compile(operand)) for operator_name, operand in rest
            ))
        return super().chain(first, rest)

    def logical(self, operator_name: str, nodes: tuple[Node, ...]) -> Compiled:
        if operator_name == "or":
            alternatives = self.text_alternatives(nodes)
            if alternatives is not None:
                return _one_of(*alternatives)
        operands = tuple(self.compile(node) for node in nodes)
        if operator_name == "and":
            def conjunction(frame: Frame) -> Value:
                for operand in operands:
                    value = operand(frame)
                    if value is not True and (value is False or not to_boolean(value)):
                        return False
                return True

            return conjunction

        def disjunction(frame: Frame) -> Value:
            for operand in operands:
                value = operand(frame)
                if value is True or (value is not False and to_boolean(value)):
                    return True
            return False

        return disjunction

    def text_alternatives(self, nodes: tuple[Node, ...]) -> tuple[str, int, tuple[str, ...]] | None:
        """(name, depth, texts) for `${x} = 'a' or ${x} = 'b' ...`: one value compared with texts."""
        sources, texts = set(), []
        for node in nodes:
            if not (isinstance(node, Chain) and len(node.rest) == 1 and node.rest[0][0] == "="):
                return None
            right = node.rest[0][1]
            source = self.scalar_source(node.first)
            if source is None or source[1] < 0 or not (isinstance(right, Literal) and isinstance(right.value, str)):
                return None
            sources.add(source)
            texts.append(right.value)
        if len(sources) != 1:
            return None
        name, depth = sources.pop()
        return name, depth, tuple(texts)

    def call(self, call: Call) -> Compiled:
        if call.name == "if":
            return self._if(*call.arguments)
        if call.name == "selected" and isinstance(call.arguments[1], Literal):
            return _selected(self.compile(call.arguments[0]), to_string(call.arguments[1].value).strip())
        if call.name == "true" and not call.arguments:
            return _true
        if call.name == "coalesce":
            return _coalesce(self.compile(call.arguments[0]), self.compile(call.arguments[1]))
        if call.name == "concat":
            return _concat(tuple(self.compile(argument) for argument in call.arguments))
        return super().call(call)

    def _if(self, condition_node: Node, then_node: Node, otherwise_node: Node) -> Bound:
        condition = self.compile(condition_node)
        # a literal branch (the common `if(.., 1, 0)`) is its value: None marks a branch to evaluate
        then_value = then_node.value if isinstance(then_node, Literal) else None
        otherwise_value = otherwise_node.value if isinstance(otherwise_node, Literal) else None
        then, otherwise = self.compile(then_node), self.compile(otherwise_node)

        def choose(frame: Frame) -> Value:
            test = condition(frame)
            if test is True or (test is not False and to_boolean(test)):
                value = then(frame) if then_value is None else then_value
            else:
                value = otherwise(frame) if otherwise_value is None else otherwise_value
            return single(value) if value.__class__ is NodeSet else value

        return choose


def _one_instance(field: str, frame: Frame, steps: list[tuple[str, int]]) -> Value:
    """indexed-repeat() naming every repeat around ${field}: its value in that one instance, if there."""
    return in_instance(frame.levels[0], field, steps)


def in_instance(container: Mapping[str, Any], field: str, steps: list[tuple[str, int]]) -> Value:
    """${field} in the instance the steps (repeat, 1-based index) lead to from ``container``."""
    for repeat, index in steps:
        instances = container.get(repeat) or []
        if index > len(instances):
            return NodeSet(())  # as resolve(): no instance there is an empty node-set
        container = instances[index - 1]
    return node_value(container.get(field))


def _shared_depth(chain: tuple[str, ...], place: tuple[str, ...]) -> int:
    """How many of ``name``'s enclosing repeats are instances the place is in (a common prefix)."""
    shared = 0
    for outer, here in zip(chain, place, strict=False):
        if outer != here:
            break
        shared += 1
    return shared


def _read(name: str, depth: int) -> Bound:
    def read(frame: Frame) -> Value:
        value = frame.levels[depth].get(name)
        return value if value.__class__ is str else node_value(value)

    return read


def _gather(name: str, depth: int, repeats: tuple[str, ...], is_repeat: bool) -> Bound:
    """The node-set of ``name`` in every instance of ``repeats`` below the container at ``depth``.

    A repeat contributes one empty node per instance, so that count() counts them.
    """

    def gather(frame: Frame) -> Value:
        containers = [frame.levels[depth]]
        for repeat in repeats:
            deeper: list[Mapping[str, Any]] = []
            for container in containers:
                deeper.extend(container.get(repeat) or [])
            containers = deeper
        if is_repeat:
            return NodeSet(tuple("" for container in containers for _ in container.get(name) or ()))
        return NodeSet(tuple(_node_value(container.get(name)) for container in containers))

    return gather


def _node_value(answer: Any) -> Value:
    return answer if answer.__class__ is str else node_value(answer)


def _equals_text(name: str, depth: int, text: str, positive: bool) -> Bound:
    same = text_comparison(text)
    if depth < 0:
        return lambda frame: same(node_value(frame.current)) is positive

    unanswered = ("" == text) is positive

    def compare(frame: Frame) -> Value:
        value = frame.levels[depth].get(name)
        if value.__class__ is str:
            return (value == text) is positive
        if value is None:
            return unanswered
        return same(node_value(value)) is positive

    return compare


def one_of(texts: tuple[str, ...]) -> Callable[[Value], bool]:
    """XPath `value = 'a' or value = 'b' ...` for a single value (a text one is just looked up)."""
    comparisons = tuple(text_comparison(text) for text in texts)
    return lambda value: any(same(value) for same in comparisons)


def _one_of(name: str, depth: int, texts: tuple[str, ...]) -> Bound:
    """`${x} = 'a' or ${x} = 'b' or ...`: for a text answer, whether it is one of them."""
    members, same = frozenset(texts), one_of(texts)

    def is_one_of(frame: Frame) -> Value:
        value = frame.levels[depth].get(name)
        return value in members if value.__class__ is str else same(node_value(value))

    return is_one_of


def _equals_number(name: str, depth: int, number: float, positive: bool) -> Bound:
    if depth < 0:
        return lambda frame: equals(node_value(frame.current), number) is positive

    def compare(frame: Frame) -> Value:
        value = frame.levels[depth].get(name)
        if value.__class__ is int or value.__class__ is float:
            return (float(value) == number) is positive
        return equals(node_value(value), number) is positive

    return compare


def _on_numbers(head: Bound, steps: tuple[tuple[Callable[[float, float], Value], Bound], ...]) -> Bound:
    """A chain of operators that read both sides as numbers (arithmetic and <, <=, >, >=)."""

    def apply_all(frame: Frame) -> Value:
        result = head(frame)
        for apply, operand in steps:
            right = operand(frame)  # both sides are evaluated before either is converted
            result = apply(
                result if result.__class__ is float else to_number(result),
                right if right.__class__ is float else to_number(right),
            )
        return result

    return apply_all


def _concat(parts: tuple[Bound, ...]) -> Bound:
    def concat(frame: Frame) -> Value:
        values = [part(frame) for part in parts]
        for value in values:
            if value.__class__ is not str:
                return _CONCAT(values, None)  # type: ignore[misc]
        return "".join(values)  # type: ignore[arg-type]

    return concat


def _coalesce(first: Bound, second: Bound) -> Bound:
    def coalesce(frame: Frame) -> Value:
        value, otherwise = first(frame), second(frame)
        if value.__class__ is float or (value.__class__ is str and value != ""):
            return value  # a number's text is never empty
        return _COALESCE([value, otherwise], None)  # type: ignore[misc]

    return coalesce


def _compare_number(name: str, depth: int, apply: Callable[[float, float], bool], number: float) -> Bound:
    if depth < 0:
        return lambda frame: apply(to_number(node_value(frame.current)), number)

    def compare(frame: Frame) -> Value:
        value = frame.levels[depth].get(name)
        if value.__class__ is int or value.__class__ is float:
            return apply(float(value), number)
        return apply(to_number(node_value(value)), number)

    return compare


def _selected(choices: Bound, choice: str) -> Bound:
    return lambda frame: choice in to_string(choices(frame)).split()


def _true(frame: Frame) -> Value:
    return True


def _no_context(frame: Frame) -> None:
    return None

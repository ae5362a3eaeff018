"""Where an expression is evaluated: the submission's answers and the field it belongs to.

Answers are nested as a submission is: fields by name (groups flattened away), and each repeat as
a list of instances, each instance a dict of its own fields (and nested repeats)::

    answers = {
        "hh_size": 3,
        "members": [
            {"age": 34, "sex": "f", "jobs": [{"sector": "retail"}]},
            {"age": 9, "sex": "m", "jobs": []},
        ],
    }
    context = EvaluationContext(
        answers=answers,
        parent_repeat={"age": "members", "sex": "members", "jobs": "members", "sector": "jobs"},
        repeat_path=(("members", 2),),   # evaluating for a field of the 2nd member (1-based)
        current=9,                       # the value `.` stands for (constraints)
        today=date(2026, 11, 21),
    )
    parse("${age} < 15 and position(..) > 1").evaluate(context)   # True
    parse("count(${members})").evaluate(context)                  # 2.0

${name} resolves as ODK does: a field of the same repeat is the sibling in the current instance;
a field outside repeats is its single value; a field inside a repeat the current field is not in
is the node-set of its values in every instance (for count(), sum(), max(), join()...).

Answer values: None or a missing key is an empty answer (''); int and float are numbers; a list of
strings is a select_multiple (space-separated); date and datetime stay dates; other text as is
(ISO date, date-time and time text converts to days where a number is needed). A repeat instance
has no value of its own ('' where XPath would concatenate its fields): use count() on repeats.

today() is `today`, else the date of `now` in now's own time zone: give the device's time (with its
UTC offset) to get the date the enumerator's device saw.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.values import NodeSet, Scalar, Value

RepeatPath = tuple[tuple[str, int], ...]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EvaluationContext:
    answers: Mapping[str, Any] = field(default_factory=dict)
    # For every field or repeat that sits inside a repeat: the name of its innermost enclosing repeat.
    # The repeats are the names that appear as values here.
    parent_repeat: Mapping[str, str] = field(default_factory=dict)
    # The repeat instances the evaluated field is in, outermost first, 1-based: (("members", 2),)
    repeat_path: RepeatPath = ()
    current: Any = None
    now: datetime = field(default_factory=_now)
    today: date | None = None  # defaults to now's date
    # choice_filter: the columns of the choice being tested (unprefixed names resolve here)
    choice: Mapping[str, str] | None = None
    # jr:choice-name(): field name -> choice value -> label
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def at(self, repeat_path: RepeatPath, current: Any = None) -> EvaluationContext:
        """The same answers, evaluated for another field (its repeat instances and its value)."""
        # A copy of the fields (and of what was derived from parent_repeat, which stays the same)
        # with two of them changed: what dataclasses.replace does, without re-running __init__.
        self._chains, self._repeat_names  # derived once, then shared  # noqa: B018
        moved = object.__new__(EvaluationContext)
        moved.__dict__.update(self.__dict__)
        moved.__dict__["repeat_path"] = repeat_path
        moved.__dict__["current"] = current
        return moved

    def value(self, name: str) -> Value:
        """`${name}` resolved relative to the current repeat instances."""
        return resolve(self.answers, name, self._chain(name), self.is_repeat(name), self.repeat_path)

    def repeat_values(self, name: str) -> list[Scalar]:
        """The values of `name` in every instance of every enclosing repeat, in document order."""
        return list(_flatten(self.is_repeat(name), _instances_of(self.answers, name, self._chain(name), ())))

    def indexed(self, name: str, steps: Sequence[tuple[str, int]]) -> Value:
        """indexed-repeat(): `name` in the given (repeat, 1-based index) instances, outermost first."""
        chain = self.repeat_chain(name)
        given = [repeat for repeat, _ in steps]
        if given != chain[: len(given)]:
            raise ExpressionError(
                "bad_argument",
                f"indexed-repeat(): ${{{name}}} sits in repeats {chain}, not in {given} (outermost first)",
            )
        # deeper levels keep the current instances where they match, as JavaRosa contextualises references
        path = tuple(steps) + self.repeat_path[len(steps) :]
        return self.at(path, self.current).value(name)

    def position(self) -> int:
        """position(..): the 1-based index of the current instance of the innermost repeat."""
        if not self.repeat_path:
            raise ExpressionError("bad_argument", "position(..) is used outside any repeat")
        return self.repeat_path[-1][1]

    def choice_column(self, name: str) -> str:
        return choice_column(self.choice, name)

    def choice_label(self, field_name: str, value: str) -> str:
        labels = self.choice_labels.get(field_name)
        if labels is None:
            raise ExpressionError("unsupported", f"jr:choice-name(): no choice labels given for ${{{field_name}}}")
        return labels.get(value, "")

    def repeat_chain(self, name: str) -> list[str]:
        """The repeats enclosing `name`, outermost first."""
        return list(self._chain(name))

    def _chain(self, name: str) -> tuple[str, ...]:
        chain = self._chains.get(name)
        if chain is None:
            chain = self._chains[name] = self._find_chain(name)
        return chain

    @cached_property
    def _chains(self) -> dict[str, tuple[str, ...]]:
        """repeat_chain by name, filled as names are met (shared by the contexts `at` derives)."""
        return {}

    def _find_chain(self, name: str) -> tuple[str, ...]:
        chain: list[str] = []
        repeat = self.parent_repeat.get(name)
        while repeat is not None:
            if repeat in chain:
                raise ExpressionError("bad_argument", f"repeats nest in a cycle around {repeat!r}")
            chain.append(repeat)
            repeat = self.parent_repeat.get(repeat)
        return tuple(chain[::-1])

    def is_repeat(self, name: str) -> bool:
        return name in self._repeat_names

    @cached_property
    def _repeat_names(self) -> frozenset[str]:
        return frozenset(self.parent_repeat.values())


def resolve(answers: Mapping[str, Any], name: str, chain: tuple[str, ...], is_repeat: bool, path: RepeatPath) -> Value:
    """`${name}`, which sits in the repeats `chain` (outermost first), read from the instances `path`.

    `is_repeat`: whether `name` is itself a repeat (a node per instance: count() counts them).
    """
    if not chain and not is_repeat:  # a field outside repeats
        return node_value(answers.get(name))
    found = list(_instances_of(answers, name, chain, path))
    if len(found) == 1 and tuple(repeat for repeat, _ in path[: len(chain)]) == chain and not is_repeat:
        return node_value(found[0])  # the path picks one instance of every repeat around `name`
    return NodeSet(tuple(_flatten(is_repeat, found)))


def _instances_of(answers: Mapping[str, Any], name: str, chain: tuple[str, ...], path: RepeatPath) -> Iterator[Any]:
    """The raw answers of `name`: one per instance of its repeats (one instance when the path fixes them)."""
    containers: list[Mapping[str, Any]] = [answers]
    following_path = True
    for depth, repeat in enumerate(chain):
        following_path = following_path and depth < len(path) and path[depth][0] == repeat
        next_containers: list[Mapping[str, Any]] = []
        for container in containers:
            instances = container.get(repeat) or []
            if following_path:
                index = path[depth][1]
                next_containers.extend(instances[index - 1 : index] if index >= 1 else [])
            else:
                next_containers.extend(instances)
        containers = next_containers
    for container in containers:
        yield container.get(name)


def _flatten(is_repeat: bool, answers: Iterator[Any] | list[Any]) -> Iterator[Scalar]:
    """Node values; a repeat contributes one (empty) node per instance, so that count() counts them."""
    for answer in answers:
        if is_repeat:
            yield from ("" for _ in answer or ())
        else:
            yield node_value(answer)


def choice_column(choice: Mapping[str, str] | None, name: str) -> str:
    """An unprefixed name: the column of the choice a choice_filter is testing."""
    if choice is None:
        raise ExpressionError("unsupported", f"'{name}' without ${{}} only names a choice column in a choice_filter")
    return node_value(choice.get(name))  # type: ignore[return-value]


def node_value(answer: Any) -> Scalar:
    """An answer as an XPath value (see the module docstring)."""
    if answer is None:
        return ""
    if answer.__class__ is str:  # the commonest cases, first
        return answer
    if answer.__class__ is float:  # a decimal, or a calculation's number
        return answer
    if answer.__class__ is list:  # a select_multiple's choices
        return " ".join(map(str, answer))
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, (int, float)):
        return float(answer)
    if isinstance(answer, (date, str)):
        return answer
    if isinstance(answer, (list, tuple)):
        return " ".join(str(item) for item in answer)
    raise ExpressionError("type", f"an answer of type {type(answer).__name__} cannot be used in an expression")

"""A validator's plan written out as straight-line Python: the way of an interview with nothing to report.

Why: checked through the plan's objects, an interview costs a few Python calls per field and per
expression node (about 1,400 calls, 120 µs, for a victimization interview), where batch sync needs
about 40 µs. Written out as one function for the calculations and one per container (the top
level, each repeat), the common path makes almost no calls: a field is a dict lookup and a class or
set test, a relevant such as ``${x} = 'yes'`` an inline comparison, a calculation one expression.

Exactness: the written-out code only goes the way where nothing is to be reported. Anything else (a
value of another class, a choice not offered, a required answer missing, a constraint not holding,
a calculated value sent by the device, an expression that fails or is not written out inline) calls
the plan's own check of that element or calculation, which decides and reports as it would have in
the plan's walk: the elements before it reported nothing, and what was evaluated is remembered in
the instance (or, for a relevant only its element reads, just before the element's check is called).
What the source skips it knows to pass: a calculation's class while the run has not set
``calculations_to_check``, a value's class once tested where an expression reads it again.
tests/survey_defs/test_validator_differential.py holds both to the reference.

Safety: an XLSForm is untrusted input. The source holds only names made here (``_k3``, ``t7``),
operators, keywords and integers computed here (depths, slots); every name, text, number, choice
set and function of the instrument is a value in the namespace the source runs in, never part of
its text. The namespace has no builtins: only the helpers in ``_HELPERS``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from survey_defs.answer_types import CALCULATED_TYPES, MAX_INTEGER, as_answer, in_range, offered_once
from survey_defs.expressions.bound import BoundCompiler, in_instance, one_of
from survey_defs.expressions.context import node_value
from survey_defs.expressions.evaluator import NUMERIC_OPERATORS, text_comparison
from survey_defs.expressions.functions import FUNCTIONS, maximum, minimum
from survey_defs.expressions.nodes import Call, Chain, Literal, Logical, Node, Reference
from survey_defs.expressions.values import NodeSet, equals, single, to_boolean, to_number, to_string

# Nesting written out inline at most (deeper subtrees are called as bound closures): keeps the
# source well inside the parser's limits whatever the expression.
_MAX_INLINE_DEPTH = 12
_COMPARISONS = ("<", "<=", ">", ">=")
_CHUNK_LINES = 400
_READ_MARK = re.compile("\x00([0-9]+)\x00")  # an answer read, until its function says how (see Writer.read)
# Functions of a node-set written out over the instances themselves: the values' numbers, as _numbers gives them.
_AGGREGATES = {"sum": "_fsum", "max": "_maximum", "min": "_minimum"}
_PLAIN_KINDS = ("bool", "text", "number", "plain")  # the kinds of value (see _Source) stored as they are
_LITERAL_KINDS = {str: "text", float: "number"}
_MISSING_TEXT = "''"  # what an absent answer reads as where it is read as text
# The source's own spelling of each operator written inline: the expression's text never is.
_PYTHON_OPERATORS = {"+": "+", "-": "-", "*": "*", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_PYTHON_COMPARISONS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_HELPERS: dict[str, Any] = {
    "__builtins__": {},
    "Exception": Exception,
    "_str": str,
    "_int": int,
    "_float": float,
    "_list": list,
    "_len": len,
    "_INT_FLOAT": (int, float),
    "_PLAIN_ANSWERS": frozenset({str, float, bool}),
    "_CALCULATED_TYPES": CALCULATED_TYPES,
    "_MAX_INTEGER": MAX_INTEGER,
    "_node_value": node_value,
    "_to_number": to_number,
    "_to_boolean": to_boolean,
    "_to_string": to_string,
    "_single": single,
    "_equals": equals,
    "_in_range": in_range,
    "_offered_once": offered_once,
    "_as_answer": as_answer,
    "_NAN": math.nan,
    "_fsum": math.fsum,
    "_trunc": math.trunc,
    "_maximum": maximum,
    "_minimum": minimum,
    "_join": "".join,
    "_spaced": " ".join,
    "_in_instance": in_instance,
    "_NO_NODES": NodeSet(()),
}


class Logic(Protocol):
    """What the writer needs of a bound expression (survey_defs.answers._Logic)."""

    slot: int
    place: tuple[str, ...]

    @property
    def expression(self) -> Any: ...


class Written(Protocol):
    """A check or calculation of the plan that writes out its own fast path."""

    def write(self, writer: Writer, indent: int, guard: str | None) -> None: ...


class Writer:
    """Collects the source and the namespace of one instrument's written-out plan."""

    def __init__(self, parent_repeat: dict[str, str], read_once: frozenset[int] = frozenset()) -> None:
        self.parent_repeat = parent_repeat
        self.read_once = read_once
        """Relevants' slots read by one element only: nothing is remembered there before it evaluates them."""
        self.namespace: dict[str, Any] = dict(_HELPERS)
        self._constants: dict[int, str] = {}
        self._containers: dict[int, str] = {}
        self._kept: list[Any] = []  # keeps every constant alive, so that its id stays its own
        self._functions: list[list[str]] = []
        self._lines: list[str] = []
        self._count = 0
        self.known_relevance: dict[int, str] = {}
        """The locals holding a conjunction of relevants (by its slot) in the function being written."""
        self._reads = _Reads()

    # --- names -----------------------------------------------------------------------------------

    def constant(self, value: Any) -> str:
        """The name the source uses for ``value`` (a name, a text, a check, a function...)."""
        name = self._constants.get(id(value))
        if name is None:
            name = self._constants[id(value)] = f"_k{len(self._constants)}"
            self.namespace[name] = value
            self._kept.append(value)
        return name

    def temporary(self) -> str:
        self._count += 1
        return f"t{self._count}"

    def line(self, indent: int, text: str) -> None:
        self._lines.append("    " * indent + text)

    # --- functions -------------------------------------------------------------------------------

    def function(self, head: str, body: Callable[[], None], reads: _Reads | None = None) -> str:
        """Write ``def <name>(<head>):`` with what ``body`` writes; returns the name. ``reads``: the
        answers this function may read once, at its start (none unless given)."""
        self._count += 1
        name = f"_f{self._count}"
        outer, self._lines = self._lines, [f"def {name}({head}):"]
        outer_known, self.known_relevance = self.known_relevance, {}
        outer_reads, self._reads = self._reads, reads or _Reads()
        body()
        self._lines.append("    pass")
        self._functions.append(self._reads.resolve(self._lines))
        self._lines, self.known_relevance, self._reads = outer, outer_known, outer_reads
        return name

    def container(self, check: Any) -> str:
        """The function checking a container (survey_defs.answers._ContainerCheck) on the fast path."""
        name = self._containers.get(id(check))
        if name is not None:
            return name
        me = self.constant(check)
        # Nothing is written to the answers while they are checked: every answer read here stays the same.
        depths = frozenset({0, len(check.place)})
        chunks = self.chunks("run, instance, values, memo, top_values, calculations_to_check", [], [
            partial(element.write, self, 1, None) for element in check.elements
        ], lambda: _Reads(depths, frozenset()))

        def body() -> None:
            self.line(1, "values = instance.values")
            self.line(1, "memo = instance.relevance")
            self.line(1, "top_values = instance.levels[0]")
            if check.place:
                self.line(1, f"if not {self.constant(check.known)}.issuperset(values):")
            else:  # tested on the answers as received, before the calculations were added
                self.line(1, "if run.unknown_at_top:")
            self.line(2, f"{me}.report_unknown(run, instance)")
            for chunk in chunks:
                self.line(1, f"{chunk}(run, instance, values, memo, top_values, run.calculations_to_check)")

        function = self._containers[id(check)] = self.function("run, instance", body)
        return function

    def chunks(self, head: str, prelude: list[str], parts: list[Callable[[], None]],
               reads: Callable[[], _Reads]) -> list[str]:
        """Functions writing the parts in order, a few hundred lines each (compiling one huge function
        takes Python far longer than compiling the same lines in pieces); ``reads`` makes what each
        may read once, after the prelude."""
        names, done = [], 0

        def body() -> None:
            nonlocal done
            for line in prelude:
                self.line(1, line)
            self._reads.start = len(self._lines)
            start = len(self._lines)
            while done < len(parts) and len(self._lines) - start < _CHUNK_LINES:
                parts[done]()
                done += 1

        while done < len(parts):
            names.append(self.function(head, body, reads()))
        return names

    def fill(self, calculations: tuple[Written, ...]) -> str:
        """The function computing (or checking) every calculation in order on the fast path."""

        # The fill writes the calculations' values, in the top level and in repeat instances, whose
        # `values` changes from loop to loop: only the top level's answers that are no calculation are
        # the same all along.
        calculated = frozenset(getattr(calculation, "name", "") for calculation in calculations)
        chunks = self.chunks("run, top", ["top_values = top.values", "instance, values, memo = top, top_values, top.relevance"], [
            partial(calculation.write, self, 1, None) for calculation in calculations
        ], lambda: _Reads(frozenset({0}), calculated))

        def body() -> None:
            for chunk in chunks:
                self.line(1, f"{chunk}(run, top)")

        return self.function("run, top", body)

    def source(self) -> str:
        return "\n".join("\n".join(lines) for lines in self._functions) + "\n"

    def finish(self) -> dict[str, Any]:
        """Compile the source; its functions are found in the returned namespace by the names given."""
        exec(compile(self.source(), "<survey_defs.fast_path>", "exec"), self.namespace)  # noqa: S102 - see the module docstring
        return self.namespace

    def read(self, name: str, depth: int, inline: str) -> str:
        """Source for the answer ${name} at ``depth`` (0: the top level), ``inline`` being its own read:
        the function being written reads it once, at its start, where it reads it more than once."""
        return self._reads.use(name, depth, inline, self)

    # --- expressions -----------------------------------------------------------------------------

    def relevance(self, indent: int, logic: Logic, target: str, name: str) -> str | None:
        """Set ``target`` to the relevant's truth in the instance, remembered in it as the plan does.

        For a relevant only this element reads, what to write before handing the element to its check
        (which reads the memo); it is remembered at once only where it fails, as it is reported then.
        """
        if logic.slot in self.read_once:
            self.line(indent, "try:")
            self.line(indent + 1, f"{target} = {self.truth(logic)}")
            self.line(indent, "except Exception:  # the plan evaluates it again, and reports why it fails")
            holds = f"run.holds({self.constant(logic)}, instance, {self.constant(name)})"
            self.line(indent + 1, f"{target} = memo[{int(logic.slot)}] = {holds}")
            return f"memo[{int(logic.slot)}] = {target}"
        self.line(indent, f"{target} = memo.get({int(logic.slot)})")
        self.line(indent, f"if {target} is None:")
        self.line(indent + 1, "try:")
        self.line(indent + 2, f"{target} = {self.truth(logic)}")
        self.line(indent + 1, "except Exception:  # the plan evaluates it again, and reports why it fails")
        self.line(indent + 2, f"{target} = run.holds({self.constant(logic)}, instance, {self.constant(name)})")
        self.line(indent + 1, f"memo[{int(logic.slot)}] = {target}")
        return None

    def truth(self, logic: Logic) -> str:
        """Source for the expression's truth (XPath boolean) where it is evaluated."""
        return _Source(self, logic.place).boolean(logic.expression.root, 0)

    def constraint(self, logic: Logic, value: str, shape: str | None = None) -> tuple[str, bool]:
        """Source for a constraint's truth where `.` is the local ``value``, and whether it also needs
        ``instance.current`` set (a part evaluated by a bound closure reads `.` there).

        ``shape``: what the value is known to be, so that `.` needs no conversion: "text" (a str),
        "number" (an int or float, not a bool) or "choices" (a list of str).
        """
        source = _Source(self, logic.place, current=value, shape=shape)
        return source.boolean(logic.expression.root, 0), source.reads_frame

    def value(self, logic: Logic) -> tuple[str, bool]:
        """Source for the expression's value where it is evaluated, and whether it is a str, float or bool."""
        source, kind = _Source(self, logic.place).value(logic.expression.root, 0)
        return source, kind in _PLAIN_KINDS

    def number(self, logic: Logic) -> str:
        """Source for the expression's value as a number (to_number) where it is evaluated."""
        return _Source(self, logic.place).number(logic.expression.root, 0)


class _Reads:
    """The answers a function reads more than once, read once at its start instead.

    Each read is written as a mark while the function is written; at its end a mark becomes the local
    holding the answer where the answer is read more than once, else the read itself. Read so, an
    absent answer is '' (what node_value makes of None, and a number is NaN either way).
    """

    def __init__(self, depths: frozenset[int] = frozenset(), changing: frozenset[str] = frozenset()) -> None:
        self.depths = depths
        """The containers whose answers stay the same through the function: 0 (the top level, read as
        ``top_values``) or its own (read as ``values``), by their depth in repeats."""
        self.changing = changing
        """Names written while the function runs (calculations): read where they are used."""
        self.start = 1
        """Where the reads go: after the function's prelude."""
        self.marks: dict[str, tuple[tuple[int, str], str]] = {}
        self.locals: dict[tuple[int, str], tuple[str, str]] = {}
        """By (depth, name): the local holding the answer, and the constant naming it."""

    def use(self, name: str, depth: int, inline: str, writer: Writer) -> str:
        if depth not in self.depths or name in self.changing:
            return inline
        key = (depth, name)
        if key not in self.locals:
            self.locals[key] = writer.temporary(), writer.constant(name)
        mark = f"\x00{len(self.marks)}\x00"
        self.marks[mark] = (key, inline)
        return mark

    def resolve(self, lines: list[str]) -> list[str]:
        if not self.marks:
            return lines
        uses: dict[tuple[int, str], int] = {}
        for key, _ in self.marks.values():
            uses[key] = uses.get(key, 0) + 1
        shared = {key for key, count in uses.items() if count > 1}

        def source(match: re.Match[str]) -> str:
            key, inline = self.marks[match.group(0)]
            return self.locals[key][0] if key in shared else inline

        reads = [f"    {self.locals[key][0]} = {'top_values' if key[0] == 0 else 'values'}.get({self.locals[key][1]}, '')"
                 for key in self.locals if key in shared]
        lines = [_READ_MARK.sub(source, line) for line in lines]
        return [*lines[:self.start], *reads, *lines[self.start:]]


class _Source:
    """Python source for an expression at one place: inline for the common shapes, else a bound closure.

    Each value has a kind: "bool" (a Python bool), "text" (a str), "number" (a float), "plain" (a str,
    float or bool: stored as it is), "scalar" (never a node-set) or "value" (any). The narrower the
    kind, the fewer conversions the source around it writes (a "number" is to_number's result already).
    """

    def __init__(self, writer: Writer, place: tuple[str, ...], current: str = "instance.current",
                 shape: str | None = None) -> None:
        self.writer = writer
        self.place = place
        self.current = current
        self.shape = shape
        self.reads_frame = False
        self.compiler = BoundCompiler(place, writer.parent_repeat)

    def boolean(self, node: Node, depth: int) -> str:
        source, kind = self.value(node, depth)
        return source if kind == "bool" else f"_to_boolean({source})"

    def scalar(self, node: Node, depth: int) -> str:
        source, kind = self.value(node, depth)
        return f"_single({source})" if kind == "value" else source

    def value(self, node: Node, depth: int) -> tuple[str, str]:
        if depth > _MAX_INLINE_DEPTH:
            return self.closure(node)
        if isinstance(node, Literal):
            return self.writer.constant(node.value), _LITERAL_KINDS.get(node.value.__class__, "scalar")
        source = self.compiler.scalar_source(node)
        if source is not None:
            return self.read(*source)
        if isinstance(node, Chain):
            return self.chain(node, depth)
        if isinstance(node, Logical):
            alternatives = self.compiler.text_alternatives(node.operands) if node.operator == "or" else None
            if alternatives is not None:
                name, level, texts = alternatives
                t, same = self.writer.temporary(), self.writer.constant(one_of(texts))
                raw, members = self.raw(name, level, _MISSING_TEXT), self.writer.constant(frozenset(texts))
                return f"(({t} in {members}) if ({t} := {raw}).__class__ is _str else {same}(_node_value({t})))", "bool"
            parts = [self.boolean(operand, depth + 1) for operand in node.operands]
            return "(" + f" {'and' if node.operator == 'and' else 'or'} ".join(parts) + ")", "bool"
        if isinstance(node, Call):
            return self.call(node, depth)
        return self.closure(node)

    def closure(self, node: Node) -> tuple[str, str]:
        self.reads_frame = True
        return f"{self.writer.constant(self.compiler.compile(node))}(instance)", "value"

    def container(self, depth: int) -> str:
        """The container ``depth`` repeats down from the top level, as the source reads it."""
        if depth == len(self.place):
            return "values"
        if depth == 0:
            return "top_values"
        return f"instance.levels[{int(depth)}]"

    def raw(self, name: str, depth: int, missing: str = "") -> str:
        """The answer as stored, of ${name} in the container at ``depth`` (-1: the constraint's `.`).

        ``missing``: what an absent key reads as instead of None, where it means the same to the reader
        ("''" read as text, "_NAN" as a number: what node_value and to_number make of None).
        """
        if depth < 0:
            return self.current
        default = f", {missing}" if missing else ""
        inline = f"{self.container(depth)}.get({self.writer.constant(name)}{default})"
        return self.writer.read(name, depth, inline) if missing else inline

    def read(self, name: str, depth: int) -> tuple[str, str]:
        """${name} (or `.`) as node_value gives it, and its kind ("text": a str)."""
        if depth < 0 and self.shape is not None:  # `.` of a known shape: node_value's result directly
            if self.shape == "number":
                return f"_float({self.current})", "number"
            return (self.current if self.shape == "text" else f"_spaced({self.current})"), "text"
        t = self.writer.temporary()
        raw = self.raw(name, depth, _MISSING_TEXT)
        return f"({t} if ({t} := {raw}).__class__ is _str or {t}.__class__ is _float else _node_value({t}))", "scalar"

    def text(self, node: Node, depth: int) -> str:
        """Source for to_string of the value."""
        source, kind = self.value(node, depth)
        return source if kind == "text" else f"_to_string({source})"

    def number(self, node: Node, depth: int) -> str:
        if isinstance(node, Literal) and isinstance(node.value, float):
            return self.writer.constant(node.value)
        t, source = self.writer.temporary(), self.compiler.scalar_source(node)
        if source is not None and source[1] < 0 and self.shape == "number":  # `.`, an int or float already
            return f"_float({self.current})"
        if source is not None:  # to_number(node_value(answer)), a number answer as it is
            raw = self.raw(*source, "_NAN")
            return f"(_float({t}) if ({t} := {raw}).__class__ in _INT_FLOAT else _to_number(_node_value({t})))"
        value, kind = self.value(node, depth)
        if kind == "number":
            return value
        return f"({t} if ({t} := {value}).__class__ is _float else _to_number({t}))"

    def known_current(self, source: tuple[str, int], operator: str, literal: str | float) -> str | None:
        """`. <op> literal` where the constraint's `.` has a known shape, as one Python comparison; else None.

        A number `.` (an int within 32 bits or a finite float) compares with a float literal as its
        to_number would (Python compares ints and floats exactly); a text `.` equals a text as text.
        """
        if source[1] >= 0 or self.shape is None:
            return None
        constant = self.writer.constant(literal)
        if self.shape == "number" and isinstance(literal, float) and operator in ("=", "!=", *_COMPARISONS):
            return f"({self.current} {_PYTHON_COMPARISONS[operator]} {constant})"
        if self.shape == "text" and isinstance(literal, str) and operator in ("=", "!="):
            return f"({self.current} {'==' if operator == '=' else '!='} {constant})"
        return None

    def chain(self, node: Chain, depth: int) -> tuple[str, str]:
        source = self.compiler.scalar_source(node.first)
        if source is not None and len(node.rest) == 1 and isinstance(node.rest[0][1], Literal):
            operator, literal = node.rest[0][0], node.rest[0][1].value
            known = self.known_current(source, operator, literal)
            if known is not None:
                return known, "bool"
            missing = _MISSING_TEXT if isinstance(literal, str) else "_NAN"
            t, raw, constant = self.writer.temporary(), self.raw(*source, missing), self.writer.constant(literal)
            if isinstance(literal, str) and operator in ("=", "!="):
                same = self.writer.constant(text_comparison(literal))
                test = f"(({t} == {constant}) if ({t} := {raw}).__class__ is _str else {same}(_node_value({t})))"
                return (test if operator == "=" else f"(not {test})"), "bool"
            if isinstance(literal, float) and operator in ("=", "!="):
                test = (f"((_float({t}) == {constant}) if ({t} := {raw}).__class__ in _INT_FLOAT "
                        f"else _equals(_node_value({t}), {constant}))")
                return (test if operator == "=" else f"(not {test})"), "bool"
            if isinstance(literal, float) and operator in _COMPARISONS:
                number = f"(_float({t}) if ({t} := {raw}).__class__ in _INT_FLOAT else _to_number(_node_value({t})))"
                return f"({number} {_PYTHON_OPERATORS[operator]} {constant})", "bool"
        if all(operator in NUMERIC_OPERATORS for operator, _ in node.rest):
            # Converted as soon as evaluated: an order that differs from the evaluator's only in which
            # error comes first, and the fast path leaves every error to the plan.
            result, kind = self.number(node.first, depth + 1), "number"  # to_number gives floats
            for operator, operand in node.rest:
                right = self.number(operand, depth + 1)
                if operator in _PYTHON_OPERATORS:
                    result = f"({result} {_PYTHON_OPERATORS[operator]} {right})"
                else:  # div, mod: XPath's own rules for zero and infinities
                    result = f"{self.writer.constant(NUMERIC_OPERATORS[operator])}({result}, {right})"
                kind = "bool" if operator in _COMPARISONS else "number"  # float arithmetic gives floats
            return result, kind
        return self.closure(node)

    def call(self, call: Call, depth: int) -> tuple[str, str]:
        arguments = call.arguments
        if call.name in ("true", "false") and not arguments:
            return ("True" if call.name == "true" else "False"), "bool"
        if call.name == "not":
            return f"(not {self.boolean(arguments[0], depth + 1)})", "bool"
        if call.name == "if":
            condition = self.boolean(arguments[0], depth + 1)
            (then, then_kind), (otherwise, otherwise_kind) = (self.value(arguments[1], depth + 1),
                                                              self.value(arguments[2], depth + 1))
            if then_kind == otherwise_kind and then_kind != "value":
                kind = then_kind  # e.g. two texts: a text
            else:
                kind = "plain" if then_kind in _PLAIN_KINDS and otherwise_kind in _PLAIN_KINDS else "scalar"
            then, otherwise = (f"_single({source})" if source_kind == "value" else source
                               for source, source_kind in ((then, then_kind), (otherwise, otherwise_kind)))
            return f"({then} if {condition} else {otherwise})", kind
        if call.name == "selected" and isinstance(arguments[1], Literal):
            choice = self.writer.constant(to_string(arguments[1].value).strip())
            return f"({choice} in {self.text(arguments[0], depth + 1)}.split())", "bool"
        if call.name == "selected":  # the choice, then the choices: which error comes first is the plan's
            choices, choice = self.text(arguments[0], depth + 1), self.text(arguments[1], depth + 1)
            return f"({choice}.strip() in {choices}.split())", "bool"
        if call.name in (*_AGGREGATES, "count") and len(arguments) == 1:
            gathered = self.compiler.gathered_source(arguments[0])
            if gathered is not None:
                return self.aggregate(call.name, *gathered), "number"
        if call.name == "indexed-repeat":
            indexed = self.indexed_repeat(arguments, depth)
            if indexed is not None:
                return indexed, "value"
        if call.name == "count-selected":
            return f"_float(_len({self.text(arguments[0], depth + 1)}.split()))", "number"
        if call.name == "coalesce" and isinstance(arguments[1], Literal):
            # the second is a literal: nothing to evaluate unless the first is empty
            t, implementation = self.writer.temporary(), self.writer.constant(FUNCTIONS["coalesce"].implementation)
            otherwise = self.writer.constant(arguments[1].value)
            first = self.value(arguments[0], depth + 1)[0]
            return (f"({t} if ({t} := {first}).__class__ is _float else (({t} if {t} != '' else {otherwise}) "
                    f"if {t}.__class__ is _str else {implementation}([{t}, {otherwise}], None)))"), "scalar"
        if call.name == "int" and len(arguments) == 1:  # the function's own: trunc of a finite number
            t = self.writer.temporary()
            return f"(_float(_trunc({t})) if ({t} := {self.number(arguments[0], depth + 1)}) - {t} == 0 else {t})", "number"
        if call.name == "position" and self.place:
            return "_float(instance.position)", "number"
        function = FUNCTIONS[call.name]
        if function.implementation is None or function.reads_context:
            return self.closure(call)
        values = [self.value(argument, depth + 1) for argument in arguments]
        if call.name == "concat" and all(kind != "value" for _, kind in values):  # no node-set: text by text
            texts = []
            for source, kind in values:
                t = self.writer.temporary()
                texts.append(source if kind == "text" else f"({t} if ({t} := {source}).__class__ is _str else _to_string({t}))")
            return f"_join([{', '.join(texts)}])", "text"
        listed = ", ".join(source for source, _ in values)
        return f"{self.writer.constant(function.implementation)}([{listed}], None)", "scalar"

    def aggregate(self, function: str, name: str, depth: int, repeats: tuple[str, ...], is_repeat: bool) -> str:
        """sum/max/min/count of ${name} in every instance of ``repeats`` below the container at ``depth``
        (survey_defs.expressions.bound._gather: a repeat is an empty node per instance)."""
        loops, container = [], self.container(depth)
        for repeat in (*repeats, name) if is_repeat else repeats:
            t = self.writer.temporary()
            loops.append(f"for {t} in ({container}.get({self.writer.constant(repeat)}) or ())")
            container = t
        if function == "count":
            return f"_float(_len([0 {' '.join(loops)}]))"
        t = self.writer.temporary()
        item = "''" if is_repeat else f"{container}.get({self.writer.constant(name)}, _NAN)"
        number = f"(_float({t}) if ({t} := {item}).__class__ in _INT_FLOAT else _to_number(_node_value({t})))"
        return f"{_AGGREGATES[function]}([{number} {' '.join(loops)}])"

    def indexed_repeat(self, arguments: tuple[Node, ...], depth: int) -> str | None:
        """indexed-repeat(${field}, ${repeat}, index, ...) where it reads one value, else None.
        Each index is a number, finite and at least 1, or the value is ''."""
        if len(arguments) % 2 == 0 or not all(isinstance(argument, Reference) for argument in arguments[0::2][:1]):
            return None
        if not all(isinstance(argument, Reference) for argument in arguments[1::2]):
            return None
        field = arguments[0].name  # type: ignore[attr-defined]
        repeats = tuple(argument.name for argument in arguments[1::2])  # type: ignore[attr-defined]
        if not self.compiler.in_one_instance(field, repeats):
            return None
        tests, steps = [], []
        for repeat, index in zip(repeats, arguments[2::2], strict=True):
            n = self.writer.temporary()
            tests.append(f"({n} := {self.number(index, depth + 1)}) - {n} == 0 and {n} >= 1")
            steps.append(f"({self.writer.constant(repeat)}, _int({n}))")
        if len(repeats) == 1:  # in_instance written out: the value in the instance, if there is one
            instances, position, value = self.writer.temporary(), self.writer.temporary(), self.writer.temporary()
            found = (f"({value} if ({value} := {instances}[{position} - 1].get({self.writer.constant(field)}, ''))"
                     f".__class__ is _str or {value}.__class__ is _float else _node_value({value}))")
            fetched = (f"({found} if ({position} := _int({n})) <= _len({instances} := "
                       f"(top_values.get({self.writer.constant(repeats[0])}) or ())) else _NO_NODES)")
        else:
            fetched = f"_in_instance(top_values, {self.writer.constant(field)}, [{', '.join(steps)}])"
        return f"({fetched} if {' and '.join(tests)} else '')"

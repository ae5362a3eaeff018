"""The syntax tree of a parsed expression: small immutable nodes.

Operator chains of one precedence level are kept flat (`Chain`, `Logical`) so that a long
`a + b + c + ...` or `x or y or ...` does not deepen the tree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float


@dataclass(frozen=True, slots=True)
class Reference:
    """`${name}`: a field of the form."""

    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """`.`: the value of the field the expression belongs to (constraints)."""


@dataclass(frozen=True, slots=True)
class Parent:
    """`..`: the enclosing repeat instance; only meaningful as the argument of position()."""


@dataclass(frozen=True, slots=True)
class BareName:
    """An unprefixed name: a column of the choice being filtered (choice_filter)."""

    name: str


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


@dataclass(frozen=True, slots=True)
class Chain:
    """Left-associative operators of one precedence level: `first op1 x1 op2 x2 ...`."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Logical:
    """`and` / `or` over two or more operands, evaluated left to right with short-circuit."""

    operator: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    arguments: tuple[Node, ...]
    position: int


Node = Literal | Reference | Current | Parent | BareName | Negate | Chain | Logical | Call


def children(node: Node) -> tuple[Node, ...]:
    match node:
        case Negate(operand):
            return (operand,)
        case Chain(first, rest):
            return (first, *(operand for _, operand in rest))
        case Logical(_, operands):
            return operands
        case Call(_, arguments, _):
            return arguments
    return ()


def walk(root: Node) -> list[Node]:
    """Every node of the tree, iteratively (no recursion on hostile depth)."""
    found: list[Node] = []
    pending = [root]
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(children(node))
    return found

"""Parsing XLSForm expressions with a LALR grammar (lark): text in, immutable `Expression` out.

Nothing is ever executed: the text is only tokenised and reduced by the grammar below. Hostile
input is bounded before and while parsing: the text length, every numeric literal's length and the
nesting depth (counted in the parser callbacks, which lark runs bottom-up without recursion).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.evaluator import Compiled, compile_tree
from survey_defs.expressions.functions import check_call
from survey_defs.expressions.nodes import (
    BareName,
    Call,
    Chain,
    Current,
    Literal,
    Logical,
    Negate,
    Node,
    Parent,
    Reference,
    walk,
)

if TYPE_CHECKING:
    from survey_defs.expressions.context import EvaluationContext
    from survey_defs.expressions.values import Value

MAX_LENGTH = 10_000
MAX_DEPTH = 100
MAX_NUMBER_DIGITS = 64

# XPath 1.0 precedence, loosest first: or < and < equality < relational < additive <
# multiplicative < unary. Operator names are only operators after an operand (XPath 1.0, 3.7): the
# contextual lexer gives exactly that, and the look-ahead keeps `order` or `mode-x` from
# splitting into an operator and a name.
GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: eq_expr (_AND eq_expr)*
?eq_expr: rel_expr (EQ_OP rel_expr)*
?rel_expr: add_expr (REL_OP add_expr)*
?add_expr: mul_expr (ADD_OP mul_expr)*
?mul_expr: unary_expr (MUL_OP unary_expr)*
?unary_expr: primary
           | MINUS unary_expr -> negate
?primary: LPAR or_expr ")" -> group
        | NUMBER -> number
        | STRING -> string
        | REFERENCE -> reference
        | "." -> current
        | ".." -> parent
        | NAME -> bare_name
        | NAME "(" [or_expr ("," or_expr)*] ")" -> call

_OR.2: /or(?![\w.:-])/
_AND.2: /and(?![\w.:-])/
EQ_OP: "=" | "!="
REL_OP: "<=" | ">=" | "<" | ">"
MINUS: "-"
ADD_OP: "+" | MINUS
MUL_OP: "*" | /div(?![\w.:-])/ | /mod(?![\w.:-])/
LPAR: "("
NUMBER: /[0-9]+(\.[0-9]*)?|\.[0-9]+/
STRING: /"[^"]*"|'[^']*'/
REFERENCE: /\$\{[^\W\d][\w.-]*\}/
NAME: /[^\W\d][\w.-]*(:[^\W\d][\w.-]*)?/

%ignore /\s+/
"""

_CHOICE_NAME_PATH = re.compile(r"\s*\$\{([^\W\d][\w.-]*)\}\s*")


Tracked = tuple[Node, int]  # a node and the depth of the tree below it


def _deeper(depth: int, position: int | None) -> int:
    if depth > MAX_DEPTH:
        raise ExpressionError("too_deep", f"expression nests deeper than {MAX_DEPTH} levels", position=position)
    return depth


class _Builder(Transformer[Token, Tracked]):
    """Turns grammar reductions into nodes; lark calls these inline, bottom-up, without recursion."""

    def or_expr(self, children: list[Tracked]) -> Tracked:
        return self._logical("or", children)

    def and_expr(self, children: list[Tracked]) -> Tracked:
        return self._logical("and", children)

    @staticmethod
    def _logical(operator: str, children: list[Tracked]) -> Tracked:
        depth = max(depth for _, depth in children) + 1
        return Logical(operator, tuple(node for node, _ in children)), _deeper(depth, None)

    def _chain(self, children: list) -> Tracked:
        first, depth = children[0]
        rest = []
        for operator, (operand, operand_depth) in zip(children[1::2], children[2::2]):
            rest.append((str(operator), operand))
            depth = max(depth, operand_depth)
        return Chain(first, tuple(rest)), _deeper(depth + 1, children[1].start_pos)

    eq_expr = rel_expr = add_expr = mul_expr = _chain

    def negate(self, children: list) -> Tracked:
        minus, (operand, depth) = children
        return Negate(operand), _deeper(depth + 1, minus.start_pos)

    def group(self, children: list) -> Tracked:
        parenthesis, (node, depth) = children
        return node, _deeper(depth + 1, parenthesis.start_pos)

    def number(self, children: list[Token]) -> Tracked:
        (token,) = children
        if len(token) > MAX_NUMBER_DIGITS:
            raise ExpressionError(
                "number_too_large",
                f"number literal has {len(token)} characters; at most {MAX_NUMBER_DIGITS} are accepted",
                position=token.start_pos,
            )
        return Literal(float(token)), 1

    def string(self, children: list[Token]) -> Tracked:
        (token,) = children
        return Literal(str(token)[1:-1]), 1

    def reference(self, children: list[Token]) -> Tracked:
        (token,) = children
        return Reference(str(token)[2:-1]), 1

    def current(self, children: list) -> Tracked:
        return Current(), 1

    def parent(self, children: list) -> Tracked:
        return Parent(), 1

    def bare_name(self, children: list[Token]) -> Tracked:
        (token,) = children
        return BareName(str(token)), 1

    def call(self, children: list) -> Tracked:
        name_token, *arguments = children
        if arguments == [None]:  # lark's placeholder for an empty optional argument list
            arguments = []
        node = Call(str(name_token), tuple(argument for argument, _ in arguments), name_token.start_pos)
        check_call(node)
        depth = max((depth for _, depth in arguments), default=0) + 1
        return node, _deeper(depth, name_token.start_pos)


_PARSER = Lark(GRAMMAR, parser="lalr", lexer="contextual", transformer=_Builder(), maybe_placeholders=True)


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression. Equal and hashable by its text."""

    text: str
    references: frozenset[str]  # every ${name}, including '${name}' in jr:choice-name's second argument
    uses_current: bool  # uses `.` (constraints)
    functions: frozenset[str]  # every function called, e.g. to refuse now() in a checked calculation
    choice_columns: frozenset[str]  # unprefixed names: columns of the choices sheet (choice_filter)
    root: Node = field(repr=False, compare=False)
    compiled: Compiled = field(repr=False, compare=False)  # the root as closures, built once when parsed

    def evaluate(self, context: EvaluationContext) -> Value:
        """The XPath value (str, float, bool, date, datetime or NodeSet) in `context`."""
        try:
            return self.compiled(context)
        except ExpressionError as error:
            raise error.located(self.text) from None


@functools.lru_cache(maxsize=16_384)
def parse(text: str) -> Expression:
    """Parse an XLSForm expression; raises ExpressionError (with a position) on any bad input."""
    if not isinstance(text, str):
        raise ExpressionError("type", f"an expression is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            "too_long", f"expression has {len(text)} characters; at most {MAX_LENGTH} are accepted", position=MAX_LENGTH
        )
    if not text.strip():
        raise ExpressionError("syntax", "expression is empty", position=0, expression=text)
    try:
        root, _ = _PARSER.parse(text)
    except ExpressionError as error:
        raise error.located(text) from None
    except UnexpectedInput as error:
        raise _syntax_error(error, text) from None
    return _expression(text, root)


def _syntax_error(error: UnexpectedInput, text: str) -> ExpressionError:
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return ExpressionError("syntax", "expression ends too early", position=len(text.rstrip()), expression=text)
    if isinstance(error, UnexpectedToken):
        return ExpressionError(
            "syntax", f"unexpected {str(error.token)!r}", position=error.token.start_pos, expression=text
        )
    assert isinstance(error, UnexpectedCharacters)
    character = text[error.pos_in_stream]
    # spreadsheets turn ' and " into typographic quotes as one types
    hint = "; write text between straight quotes ' or \"" if character in "‘’‚“”„«»" else ""
    return ExpressionError(
        "syntax", f"unexpected character {character!r}{hint}", position=error.pos_in_stream, expression=text
    )


def _expression(text: str, root: Node) -> Expression:
    nodes = walk(root)
    positions = sum(1 for node in nodes if isinstance(node, Call) and node.name == "position")
    if sum(1 for node in nodes if isinstance(node, Parent)) > positions:
        raise ExpressionError("bad_argument", "'..' is supported only as position(..)", expression=text)
    references = {node.name for node in nodes if isinstance(node, Reference)}
    for node in nodes:
        if isinstance(node, Call) and node.name == "jr:choice-name" and isinstance(node.arguments[1], Literal):
            match = _CHOICE_NAME_PATH.fullmatch(str(node.arguments[1].value))
            if match:
                references.add(match.group(1))
    return Expression(
        text=text,
        references=frozenset(references),
        uses_current=any(isinstance(node, Current) for node in nodes),
        functions=frozenset(node.name for node in nodes if isinstance(node, Call)),
        choice_columns=frozenset(node.name for node in nodes if isinstance(node, BareName)),
        root=root,
        compiled=compile_tree(root),
    )

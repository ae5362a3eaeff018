"""The XLSForm expression language: the XPath 1.0 subset ODK uses, parsed by a grammar and evaluated
server-side so that submissions can be checked against relevant, constraint, required, calculation,
choice_filter and repeat_count.

    from survey_defs.expressions import EvaluationContext, parse, to_boolean
    expression = parse("${age} >= 15 and selected(${crimes}, 'robbery')")
    expression.references                      # frozenset({'age', 'crimes'})
    to_boolean(expression.evaluate(EvaluationContext(answers={"age": 30, "crimes": ["robbery"]})))  # True

See context.py for how answers and repeats are given.
"""

from survey_defs.expressions.context import EvaluationContext
from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.functions import FUNCTIONS, VOLATILE_FUNCTIONS
from survey_defs.expressions.parser import MAX_DEPTH, MAX_LENGTH, Expression, parse
from survey_defs.expressions.values import NodeSet, Value, to_boolean, to_number, to_string

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "VOLATILE_FUNCTIONS",
    "EvaluationContext",
    "Expression",
    "ExpressionError",
    "NodeSet",
    "Value",
    "parse",
    "to_boolean",
    "to_number",
    "to_string",
]

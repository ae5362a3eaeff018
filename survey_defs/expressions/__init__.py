"""The XLSForm expression language: the XPath 1.0 subset ODK uses, parsed by a grammar (lark, LALR)
and evaluated server-side so that submissions can be checked against relevant, constraint,
required, calculation, choice_filter and repeat_count. Nothing is ever passed to eval or exec.

    from survey_defs.expressions import EvaluationContext, parse, to_boolean
    expression = parse("${age} >= 15 and selected(${crimes}, 'robbery')")
    expression.references                      # frozenset({'age', 'crimes'})
    to_boolean(expression.evaluate(EvaluationContext(answers={"age": 30, "crimes": ["robbery"]})))  # True

- parse(text) -> Expression, cached by text; any problem is an ExpressionError with a stable
  `code`, a `message` and the character `position`.
- Expression: text, references, uses_current, functions, choice_columns; evaluate(context) -> Value.
- EvaluationContext: the answers (nested as submitted), where repeats sit, the field being
  evaluated; see context.py for the shape and the ODK rules for ${name} inside repeats.
- to_boolean / to_number / to_string: XPath conversions of a result (e.g. a relevant's truth).
- FUNCTIONS: every supported function with its argument counts; VOLATILE_FUNCTIONS: those whose
  results differ between the device and the server (random, uuid, now).
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

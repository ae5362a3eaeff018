"""regex(): RE2 semantics, which run in time linear in the input (no catastrophic backtracking).

ODK Collect uses Java's regular expressions and tests whether the pattern occurs anywhere in the
value (`containsMatchIn`). RE2 accepts the same syntax except backreferences and look-around,
which are refused with a clear error rather than run with exponential cost.
"""

from __future__ import annotations

import functools

import re2

from survey_defs.expressions.errors import ExpressionError

MAX_PATTERN_LENGTH = 1_000
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 8 << 20  # bytes for one compiled pattern; RE2 refuses larger programs


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re2._Regexp:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ExpressionError(
            "regex_invalid", f"regular expression has {len(pattern)} characters; at most {MAX_PATTERN_LENGTH}"
        )
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise ExpressionError(
            "regex_invalid",
            f"regular expression {pattern!r} is not valid here ({reason}); backreferences and look-around are not supported",
        ) from None


def matches(value: str, pattern: str) -> bool:
    return compile_pattern(pattern).search(value) is not None

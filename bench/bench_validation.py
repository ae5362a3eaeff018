"""Answer validation per interview: the compiled validator against the walk it replaced.

Batch sync (issue 4) must validate >= 20,000 interviews/s on a 2-core machine, about 40 µs of
validation per interview. For each bundled instrument this checks its realistic test interview
with ``compile_validator(instrument).check`` and with the reference validator (the previous
implementation, kept in tests/survey_defs/reference_validator.py), in the same run, and prints
µs per interview (the best of a few rounds, as the machine may be shared) and the speed-up.
Both must give the same errors and answers, or the figures are refused.
"""

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from survey_defs import compile_validator, load_instrument
from survey_defs.instruments import bundled_instrument_path
from tests.survey_defs.reference_validator import ReferenceValidator  # run from the repository root
from tests.survey_defs.test_instruments import PERCEPTION_ANSWERS, VAWG_COMPLETED, VICTIMIZATION_ANSWERS

INTERVIEWS = {"victimization": VICTIMIZATION_ANSWERS, "perception": PERCEPTION_ANSWERS, "vawg": VAWG_COMPLETED}
TARGET_MICROSECONDS = 40.0
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def microseconds_per_call(call: Callable[[], Any], calls: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - started) / calls)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2_000, help="checks per round with the compiled validator")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the best is kept)")
    args = parser.parse_args()
    print(f"{'instrument':14} {'compiled µs':>12} {'reference µs':>13} {'speed-up':>9}")
    for name, answers in INTERVIEWS.items():
        path = bundled_instrument_path(name)
        instrument = load_instrument(path.read_bytes(), path.name)
        compiled, reference = compile_validator(instrument), ReferenceValidator(instrument)
        fast_result, slow_result = compiled.check(answers, now=NOW), reference.check(answers, now=NOW)
        if (fast_result.errors, repr(fast_result.answers)) != (slow_result.errors, repr(slow_result.answers)):
            raise SystemExit(f"{name}: the compiled validator and the reference disagree; no figures")
        fast = microseconds_per_call(lambda: compiled.check(answers, now=NOW), args.calls, args.rounds)
        slow = microseconds_per_call(lambda: reference.check(answers, now=NOW), max(args.calls // 10, 1), args.rounds)
        print(f"{name:14} {fast:12.1f} {slow:13.1f} {slow / fast:8.1f}x")
    print(f"target: about {TARGET_MICROSECONDS:.0f} µs per interview (20,000 validated interviews/s on 2 cores)")


if __name__ == "__main__":
    main()

"""Check a submission's answers against an instrument version: every error, each with its path.

The JSON answer shape (what the submissions API accepts)::

    {
      "age": 34,                          # fields by name at the top level; groups are flattened away
      "crimes": ["robbery", "assault"],   # select_multiple: a list of choice names
      "incidents": [                      # a repeat: a list of instances, each a dict of its own fields
        {"month": "2026-03", "reported_police": "no", "why_not": ["distrust"]},
      ],
      "meta": {"instanceID": "uuid:..."}  # optional; instanceID / instanceName / deprecatedID as text
    }

Values: integer -> JSON integer; decimal and range -> JSON number; text, select_one -> string;
select_multiple -> list of distinct strings; date -> "YYYY-MM-DD"; datetime (and start, end) ->
ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]][offset]"; time -> "HH:MM[:SS[.fff]][offset]"; geopoint ->
"lat lon [altitude [accuracy]]" as ODK writes it; acknowledge -> "OK"; today -> date; deviceid and
username -> string; note -> nothing; calculate -> optional scalar. null, "" and [] mean unanswered.
Paths are ``name`` or ``repeat[index].name`` with 0-based indexes (``incidents[2].reported_police``).

Decisions:
- A calculate's value sent by the client is kept (it is what the enumerator's device computed, e.g. the
  random selection of a respondent), but where the server can reproduce it (no random()/uuid()/now()/
  today()) it must equal what the form's calculation gives on the same answers, numbers within
  rounding (``calculation_mismatch``: a selection probability not following from the roster would
  weight the respondent wrongly). A missing one is computed here, in dependency order, unless it uses
  random()/now()/uuid(), which the server cannot reproduce (``calculation_missing``).
- ``required`` is checked only where the question is relevant; an answer to a non-relevant question
  (relevance is inherited from groups and repeats) is ``not_relevant_but_answered``, as ODK clears them.
- An integer beyond 32 bits (JavaRosa's int) is ``wrong_type``.
- ``Validator.check`` also returns the answers completed with the computed calculations, to store
  beside the payload as received.
- A range answer outside start..end or off the step is ``out_of_range``; an expression that fails at
  evaluation (e.g. a repeated field used as one value) is ``expression_failed``.

Codes: wrong_type, not_in_choices, required_missing, constraint_violated, not_relevant_but_answered,
repeat_count_mismatch, unknown_field, out_of_range, calculation_missing, calculation_mismatch,
expression_failed.
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from survey_defs.answer_plan import Planner, Run, calculation_order, translate
from survey_defs.fast_path import Writer
from survey_defs.model import Instrument, Question, Repeat

_VALIDATOR_CACHE_SIZE = 64


@dataclass(frozen=True)
class AnswerError:
    path: str
    code: str
    message: str


def compile_validator(instrument: Instrument) -> "Validator":
    """The validator of ``instrument``, compiled once per content hash."""
    key = instrument.content_hash
    with _compiled_lock:
        validator = _compiled.get(key)
    if validator is None:
        validator = Validator(instrument)
        with _compiled_lock:
            if len(_compiled) >= _VALIDATOR_CACHE_SIZE:
                _compiled.pop(next(iter(_compiled)))
            validator = _compiled.setdefault(key, validator)
    return validator


_compiled: dict[str, "Validator"] = {}
_compiled_lock = threading.Lock()


class Validator:
    """Answer checks compiled from one instrument version; use ``compile_validator`` to share them.

    Compiling builds a plan: every expression bound to the place it is evaluated at (see
    survey_defs.expressions.bound), the calculations in dependency order, and per container (the top
    level, each repeat) the checks of its fields in form order. The plan is then written out as
    straight-line Python (survey_defs.fast_path) for the interviews with nothing to report; the plan's
    own checks decide and report everything else.
    """

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.default_language = instrument.settings.default_language or next(iter(instrument.languages), "default")
        located = list(instrument.walk())
        self.parent_repeat = {
            item.element.name: item.repeat.name for item in located if item.repeat is not None
        }
        self.choice_labels = {
            item.element.name: {
                choice.name: translate(choice.label, self.default_language)
                for choice in instrument.choice_lists[item.element.list_name].choices
            }
            for item in located
            if isinstance(item.element, Question) and item.element.list_name in instrument.choice_lists
        }
        self.repeats = frozenset(item.element.name for item in located if isinstance(item.element, Repeat))
        plan = Planner(instrument, self.parent_repeat)
        self.calculations = tuple(plan.calculation(item) for item in calculation_order(instrument))
        self.checks = plan.container(instrument.survey, (), extra=("meta",))
        writer = Writer(self.parent_repeat, plan.read_once())
        fill, walk = writer.fill(self.calculations), writer.container(self.checks)
        written = writer.finish()
        self._fill, self._walk = written[fill], written[walk]

    def validate(
        self, answers: Mapping[str, Any], *, language: str | None = None, now: datetime | None = None
    ) -> list[AnswerError]:
        """Every error in ``answers``, in form order; messages use ``language`` (else the form's default)."""
        return self.check(answers, language=language, now=now).errors

    def check(
        self, answers: Mapping[str, Any], *, language: str | None = None, now: datetime | None = None
    ) -> "Checked":
        """The errors and the answers completed with the calculations computed here (to store)."""
        if answers.__class__ is not dict and not isinstance(answers, Mapping):
            return Checked([AnswerError("", "wrong_type", "answers are a JSON object of fields by name")], {})
        run = Run(self, answers, language or self.default_language, now)
        try:
            self._fill(run, run.top)
            run.check_meta(run.working.get("meta"))
            self._walk(run, run.top)
        finally:
            run.release()
        return Checked([AnswerError(*error) for error in run.errors], run.working)


@dataclass(frozen=True)
class Checked:
    errors: list[AnswerError]
    answers: dict[str, Any]
    """The answers as received plus every calculation the server computed (the caller's dict is untouched)."""

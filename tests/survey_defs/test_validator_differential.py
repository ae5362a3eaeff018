"""The compiled validator gives exactly what the reference walk gives, on mutated interviews.

The reference (reference_validator.py) is the validator as it was before it was compiled into a
plan and written out as Python (survey_defs.fast_path): every expression through the generic
evaluator. Interviews are the fixtures of the bundled
instruments and of an edge-case form, mutated at random: fields dropped, wrong types, values not
in the choices, answers to non-relevant questions, repeat instances added, dropped or malformed,
calculated values wrong, unknown keys. Errors (path, code, message, order) and the completed
answers must be identical, and so must an exception, should one be raised.
"""

import copy
import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_defs import Instrument, load_instrument
from survey_defs.answers import Validator
from survey_defs.instruments import bundled_instrument_path
from survey_defs.model import Group, Question, Repeat
from tests.survey_defs.reference_validator import ReferenceValidator
from tests.survey_defs.test_answer_types import FORM as TYPES_FORM
from tests.survey_defs.test_answers import FORM as ANSWERS_FORM
from tests.survey_defs.test_instruments import (
    PERCEPTION_ANSWERS,
    VAWG_COMPLETED,
    VAWG_CONSENTED,
    VAWG_START,
    VICTIMIZATION_ANSWERS,
)

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
# More while changing the validator: SINMIEDO_DIFFERENTIAL_EXAMPLES=5000 pytest ...
EXAMPLES = int(os.environ.get("SINMIEDO_DIFFERENTIAL_EXAMPLES", "150"))

# Shapes the plan binds differently from the generic evaluator: references into enclosing, sibling
# and nested repeats, node-sets, position(..), indexed-repeat(), choice filters, today(),
# jr:choice-name(), `.` in constraints, relevants that fail (a repeated field used as one value), a
# calculation giving several values (stored as a list, which the walk refuses), calculations with
# a relevant of their own inside a repeat and with today() (a device's value for it stands).
EDGE_FORM = """
| survey |
|        | type                  | name        | label | relevant                          | constraint                         | required                 | repeat_count     | calculation                                                 | choice_filter         | parameters            |
|        | integer               | n_hh        | N     |                                   | . >= 0 and . <= 5                  | yes                      |                  |                                                             |                       |                       |
|        | select_one zone       | zone        | Zone  |                                   |                                    | ${n_hh} > 0              |                  |                                                             |                       |                       |
|        | select_one district   | district    | Dist  | ${zone} != ''                     |                                    |                          |                  |                                                             | zone = ${zone}        |                       |
|        | calculate             | days_since_visit |  |                                   |                                    |                          |                  | today() - ${visit}                                          |                       |                       |
|        | calculate             | zone_label  |       |                                   |                                    |                          |                  | jr:choice-name(${zone}, '${zone}')                          |                       |                       |
|        | date                  | visit       | Visit |                                   | . <= today()                       |                          |                  |                                                             |                       |                       |
|        | begin_group           | roster      | R     | ${n_hh} > 0                       |                                    |                          |                  |                                                             |                       |                       |
|        | begin_repeat          | people      | P     |                                   |                                    |                          | ${n_hh}          |                                                             |                       |                       |
|        | integer               | age         | Age   |                                   | . >= 0                             | yes                      |                  |                                                             |                       |                       |
|        | select_multiple langs | langs       | L     | ${age} >= 3                       | not(selected(., 'none') and count-selected(.) > 1) |          |                  |                                                             |                       |                       |
|        | calculate             | person_no   |       |                                   |                                    |                          |                  | position(..)                                                |                       |                       |
|        | calculate             | adult       |       |                                   |                                    |                          |                  | if(${age} >= 18, 1, 0)                                      |                       |                       |
|        | calculate             | older_than_first |  |                                   |                                    |                          |                  | ${age} - indexed-repeat(${age}, ${people}, 1)               |                       |                       |
|        | calculate             | adult_age   |       | ${age} >= 18                      |                                    |                          |                  | ${age} * 2                                                  |                       |                       |
|        | begin_repeat          | jobs        | J     | ${adult} = 1                      |                                    |                          |                  |                                                             |                       |                       |
|        | text                  | sector      | S     |                                   | string-length(.) < 12              | yes                      |                  |                                                             |                       |                       |
|        | decimal               | hours       | H     | ${sector} != 'none'               | . > 0 and . <= ${age}              |                          |                  |                                                             |                       |                       |
|        | calculate             | job_key     |       |                                   |                                    |                          |                  | concat(position(..), '/', ${person_no}, '/', ${zone})       |                       |                       |
|        | end_repeat            |             |       |                                   |                                    |                          |                  |                                                             |                       |                       |
|        | calculate             | n_jobs      |       |                                   |                                    |                          |                  | count(${jobs})                                              |                       |                       |
|        | calculate             | job_hours   |       |                                   |                                    |                          |                  | sum(${hours})                                               |                       |                       |
|        | end_repeat            |             |       |                                   |                                    |                          |                  |                                                             |                       |                       |
|        | end_group             |             |       |                                   |                                    |                          |                  |                                                             |                       |                       |
|        | begin_repeat          | calls       | C     |                                   |                                    |                          |                  |                                                             |                       |                       |
|        | integer               | call_no     | No    |                                   |                                    |                          |                  |                                                             |                       |                       |
|        | calculate             | late_call   |       | ${call_no} > 2                    |                                    |                          |                  | ${call_no} * 2                                              |                       |                       |
|        | end_repeat            |             |       |                                   |                                    |                          |                  |                                                             |                       |                       |
|        | calculate             | n_adults    |       |                                   |                                    |                          |                  | sum(${adult})                                               |                       |                       |
|        | calculate             | all_hours   |       |                                   |                                    |                          |                  | coalesce(sum(${hours}), 0) + max(${age}) div 2              |                       |                       |
|        | calculate             | ages        |       |                                   |                                    |                          |                  | join(' ', ${age})                                           |                       |                       |
|        | calculate             | every_age   |       |                                   |                                    |                          |                  | ${age}                                                      |                       |                       |
|        | calculate             | youngest    |       |                                   |                                    |                          |                  | min(${age}) + count(${age}) + count(${people})              |                       |                       |
|        | calculate             | eldest_sector |     |                                   |                                    |                          |                  | indexed-repeat(${sector}, ${people}, 1, ${jobs}, 2)         |                       |                       |
|        | note                  | lone_adult  | N     | ${age} > 17                       |                                    |                          |                  |                                                             |                       |                       |
|        | integer               | checked     | C     | ${n_adults} = 1 or ${n_adults} = true() |                              |                          |                  |                                                             |                       |                       |
|        | calculate             | stamp       |       |                                   |                                    |                          |                  | now()                                                       |                       |                       |
|        | range                 | score       | Score | ${n_hh} = 0                       |                                    | ${zone} = 'north'        |                  |                                                             |                       | start=0 end=10 step=2 |
|        | text                  | remark      | Rem   | selected(${ages}, '30')           | regex(., '^[a-z ]*$')              |                          |                  |                                                             |                       |                       |
| choices |
|         | list_name | name     | label | zone  |
|         | zone      | north    | North |       |
|         | zone      | south    | South |       |
|         | district  | n1       | N1    | north |
|         | district  | n2       | N2    | north |
|         | district  | s1       | S1    | south |
|         | langs     | es       | Es    |       |
|         | langs     | qu       | Qu    |       |
|         | langs     | none     | None  |       |
"""

EDGE_ANSWERS = {
    "n_hh": 2,
    "zone": "north",
    "district": "n2",
    "visit": "2026-11-20",
    "people": [
        {"age": 41, "langs": ["es", "qu"], "jobs": [{"sector": "retail", "hours": 20}, {"sector": "care", "hours": 5.5}]},
        {"age": 30, "langs": ["none"], "jobs": [{"sector": "none"}]},
    ],
    "calls": [{"call_no": 1}, {"call_no": 3}],
    "stamp": "2026-11-21T10:00:00Z",
    "remark": "all fine",
}

CHOICE_LIKE = ["yes", "no", "dont_know", "refused", "agrees", "female", "male", "north", "n1", "s1", "robbery",
               "assault", "y", "n", "distrust", "es", "none", "private", "continue", "interrupted", "OK"]
TEXTS = ["2026-11-21", "2026-02-30", "2026-11-21T10:00:00-05:00", "2026-11-21T10:00:00.123456789Z", "10:15",
         "25:00", "4.6 -74.1", "4.6 -74.1 2600 5", "95 10", "1", "0", "-3", "1e3", " 7 ", "NaN", "true", "uuid:x",
         "robbery assault", "a/b", "café", ""]


def _instrument(name: str) -> Instrument:
    path = bundled_instrument_path(name)
    return load_instrument(path.read_bytes(), path.name)


def _form(text: str) -> Instrument:
    from tests.survey_defs.conftest import _markdown

    return load_instrument(_markdown(text), "form.md")


CASES: dict[str, tuple[Any, list[dict[str, Any]]]] = {
    "victimization": (lambda: _instrument("victimization"), [VICTIMIZATION_ANSWERS]),
    "perception": (lambda: _instrument("perception"), [PERCEPTION_ANSWERS]),
    "vawg": (lambda: _instrument("vawg"), [VAWG_COMPLETED, VAWG_CONSENTED, VAWG_START]),
    "edge": (lambda: _form(EDGE_FORM), [EDGE_ANSWERS]),
    "answers_form": (lambda: _form(ANSWERS_FORM), [{
        "age": 30, "crimes": ["robbery", "assault"], "n_inc": 2, "robbed_first": "yes",
        "incidents": [{"kind": "robbery", "reported_police": "n", "why_not": "stolen_item_cheap"},
                      {"kind": "assault", "reported_police": "y"}],
    }]),
    "types_form": (lambda: _form(TYPES_FORM), [{
        "pick": "1", "when": "2026-11-21", "at": "2026-11-21T10:00:00Z", "clock": "10:00", "where": "4.6 -74.1",
        "score": 6, "ok": "OK", "members": [{"jobs": [{"sector": "farm"}]}, {"jobs": []}],
    }]),
}
_validators: dict[str, tuple[Instrument, Validator, ReferenceValidator]] = {}


def _validators_of(case: str) -> tuple[Instrument, Validator, ReferenceValidator]:
    if case not in _validators:
        instrument = CASES[case][0]()
        _validators[case] = (instrument, Validator(instrument), ReferenceValidator(instrument))
    return _validators[case]


def _outcome(validator: Validator | ReferenceValidator, answers: Any, language: str | None, now: datetime) -> Any:
    """What a check gives, comparable across implementations (NaN equals NaN; an exception by its type)."""
    before = repr(answers)
    try:
        checked = validator.check(answers, language=language, now=now)
    except Exception as error:  # noqa: BLE001 - the same failure is part of the same behaviour
        return ("raised", type(error).__name__, str(error))
    assert repr(answers) == before, "the caller's answers were modified"
    return ("checked", [(e.path, e.code, e.message) for e in checked.errors], repr(checked.answers))


def _containers(answers: Any) -> list[dict[str, Any]]:
    """The top level and every repeat instance (dicts in lists, at any depth)."""
    found = [answers]
    for value in answers.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    found.extend(_containers(item))
    return found


def _values(instrument: Instrument) -> st.SearchStrategy[Any]:
    choices = sorted({choice.name for choices in instrument.choice_lists.values() for choice in choices.choices})
    names = st.sampled_from(sorted({*choices, *CHOICE_LIKE}))
    return st.one_of(
        st.none(), st.just(""), st.just([]), names, st.sampled_from(TEXTS),
        st.integers(-10, 130), st.sampled_from([2**31 - 1, 2**31, -(2**40), 10**400]),
        st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 1.0, 18.0, -0.0, 1e308]),
        st.booleans(), st.lists(names, max_size=4), st.lists(st.integers(0, 3), max_size=2),
        st.dictionaries(st.sampled_from(["a", "instanceID"]), st.integers(0, 2), max_size=2),
    )


def _typed(instrument: Instrument, question: Question) -> st.SearchStrategy[Any]:
    """Values of the question's own type: what reaches choice filters, ranges and constraints."""
    if question.list_name in instrument.choice_lists:
        names = st.sampled_from(instrument.choice_lists[question.list_name].names())
        return st.lists(names, max_size=3) if question.type == "select_multiple" else names
    if question.type in ("integer", "range"):
        return st.integers(-2, 130)
    if question.type == "decimal":
        return st.one_of(st.integers(-2, 130), st.floats(-2, 130))
    if question.type in ("date", "today"):
        return st.dates().map(str)
    return st.sampled_from(TEXTS)


def _mutate(instrument: Instrument, base: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    answers = copy.deepcopy(base)
    located = list(instrument.walk())
    names = sorted({item.element.name for item in located})
    repeats = sorted(item.element.name for item in located if isinstance(item.element, Repeat))
    calculates = sorted(item.element.name for item in located
                        if isinstance(item.element, Question) and item.element.type == "calculate")
    groups = sorted(item.element.name for item in located if isinstance(item.element, Group))
    questions = [item.element for item in located if isinstance(item.element, Question)]
    keys = st.sampled_from([*names, *groups, "meta", "unknown_field", "instanceID"])
    values = _values(instrument)
    for _ in range(data.draw(st.integers(0, 6), label="mutations")):
        container = data.draw(st.sampled_from(_containers(answers)), label="container")
        operation = data.draw(st.sampled_from(
            ["drop", "set", "set", "typed", "typed", "repeat", "calculated", "meta"]), label="operation")
        if operation == "drop" and container:
            del container[data.draw(st.sampled_from(sorted(container, key=str)), label="dropped")]
        elif operation == "set":
            container[data.draw(keys, label="key")] = data.draw(values, label="value")
        elif operation == "typed":
            question = data.draw(st.sampled_from(questions), label="question")
            container[question.name] = data.draw(_typed(instrument, question), label="typed value")
        elif operation == "repeat" and repeats:
            repeat = data.draw(st.sampled_from(repeats), label="repeat")
            instances = container.get(repeat)
            shape = data.draw(st.sampled_from(["drop", "copy", "empty", "malformed", "none", "list"]), label="shape")
            if shape == "drop" and isinstance(instances, list) and instances:
                instances.pop(data.draw(st.integers(0, len(instances) - 1), label="index"))
            elif shape == "copy" and isinstance(instances, list) and instances:
                instances.append(copy.deepcopy(instances[0]))
            elif shape == "empty":
                container[repeat] = [*(instances if isinstance(instances, list) else []), {}]
            elif shape == "malformed":
                container[repeat] = data.draw(st.sampled_from(["x", [1, 2], [{"a": 1}, "x"], {"a": 1}, 3]))
            elif shape == "none":
                container[repeat] = None
            else:
                container[repeat] = []
        elif operation == "calculated" and calculates:
            name = data.draw(st.sampled_from(calculates), label="calculated")
            container[name] = data.draw(st.one_of(values, st.sampled_from(["0.5", "1", "0.333333333333333"])))
        elif operation == "meta":
            container["meta"] = data.draw(st.one_of(
                st.just({"instanceID": "uuid:1"}), st.just({"instanceID": 1}), st.just({"other": "x"}), values)
            )
    return answers


@pytest.mark.parametrize("case", sorted(CASES))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_compiled_validator_gives_what_the_reference_gives(case: str, data: st.DataObject) -> None:
    instrument, validator, reference = _validators_of(case)
    base = data.draw(st.sampled_from(CASES[case][1]), label="fixture")
    answers = _mutate(instrument, base, data)
    language = data.draw(st.sampled_from([None, "xx", *instrument.languages]), label="language")
    now = data.draw(st.sampled_from([NOW, NOW - timedelta(days=400), NOW.astimezone(timezone(timedelta(hours=-5)))]))

    assert _outcome(validator, answers, language, now) == _outcome(reference, answers, language, now)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fixtures_agree_with_the_reference_unchanged(case: str) -> None:
    instrument, validator, reference = _validators_of(case)
    for answers in CASES[case][1]:
        outcome = _outcome(validator, answers, None, NOW)
        assert outcome == _outcome(reference, answers, None, NOW)
        assert outcome[0] == "checked"


def test_answers_that_are_not_an_object_agree_with_the_reference() -> None:
    _, validator, reference = _validators_of("victimization")
    for answers in ([], "x", None, 3):
        assert _outcome(validator, answers, None, NOW) == _outcome(reference, answers, None, NOW)


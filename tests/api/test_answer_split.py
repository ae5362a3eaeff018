"""Personal identifiers split from validated answers: only the repeats that hold them are looked into."""

import copy

import pytest

from api.submissions.service import question_classes, split_answers
from survey_defs import compile_validator, load_instrument
from survey_defs.instruments import bundled_instrument_path
from tests.survey_defs.test_instruments import PERCEPTION_ANSWERS, VAWG_COMPLETED, VICTIMIZATION_ANSWERS

INTERVIEWS = {"victimization": VICTIMIZATION_ANSWERS, "perception": PERCEPTION_ANSWERS, "vawg": VAWG_COMPLETED}


@pytest.mark.parametrize("name", sorted(INTERVIEWS))
def test_looking_only_into_repeats_with_personal_questions_splits_alike(name):
    instrument = load_instrument(bundled_instrument_path(name))
    answers = copy.deepcopy(INTERVIEWS[name])
    assert compile_validator(instrument).validate(answers) == []
    classes = question_classes(instrument)
    assert classes.personal_repeats == {"members"}  # the roster's names; no other repeat holds identifiers

    kept, removed = split_answers(answers, classes.personal, classes.personal_repeats)

    assert (kept, removed) == split_answers(answers, classes.personal)
    assert removed["members[0].member_name"] == answers["members"][0]["member_name"]
    assert all("member_name" not in member for member in kept["members"])
    assert answers["members"][0]["member_name"]  # the caller's answers are untouched
    if "incidents" in answers:  # a repeat without identifiers is kept as it came, not copied
        assert kept["incidents"] is answers["incidents"]


def test_nested_repeats_are_looked_into_at_every_level_named():
    answers = {"name": "Ana", "visits": [{"when": "today", "people": [{"person": "Luis", "age": 4}]}],
               "items": [{"person": "not a question here"}]}
    kept, removed = split_answers(answers, frozenset({"name", "person"}), frozenset({"visits", "people"}))
    assert removed == {"name": "Ana", "visits[0].people[0].person": "Luis"}
    assert kept == {"visits": [{"when": "today", "people": [{"age": 4}]}], "items": [{"person": "not a question here"}]}

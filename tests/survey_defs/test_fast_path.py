"""The written-out fast path: no text of the form in its source, nothing but its helpers in reach."""

import pytest

from survey_defs import fast_path
from survey_defs.answers import Validator
from tests.survey_defs.reference_validator import ReferenceValidator

HOSTILE = '__import__("os").system("touch /tmp/pwned")'

FORM = f"""
| survey |
|        | type            | name  | label | relevant                          | constraint                                  | calculation                 |
|        | select_one evil_zq | pick_zq | Pick  |                                   |                                             |                             |
|        | text            | why_zq | Why   | ${{pick_zq}} = '{HOSTILE}'            | . != '"); {HOSTILE}; ("' and . != "'); exit('" |                             |
|        | calculate       | echo_zq |       |                                   |                                             | concat('{HOSTILE}', ${{why_zq}}) |
|        | integer         | n_zq | N     | ${{pick_zq}} != 'x'                  | . < 10 div 3 + 1                            |                             |
| choices |
|         | list_name | name                 | label      |
|         | evil_zq      | {HOSTILE}            | {HOSTILE}  |
|         | evil_zq      | x                    | x          |
"""


@pytest.fixture
def written(load_form, monkeypatch):
    sources = []
    finish = fast_path.Writer.finish

    def keep_source(writer):
        sources.append(writer.source())
        return finish(writer)

    monkeypatch.setattr(fast_path.Writer, "finish", keep_source)
    instrument = load_form(FORM)
    validator = Validator(instrument)
    return instrument, validator, sources[0]


def test_no_text_of_the_form_is_written_into_the_source(written):
    instrument, _, source = written
    texts = {HOSTILE, "evil_zq", "touch", "system", "exit"}
    for element in instrument.walk():
        texts.add(element.element.name)
    assert not {text for text in texts if text in source}


def test_the_source_runs_without_builtins(written):
    _, validator, _ = written
    assert validator._fill.__globals__["__builtins__"] == {}


@pytest.mark.parametrize(
    "answers",
    [
        {"pick_zq": HOSTILE, "why_zq": "fine", "n_zq": 2},
        {"pick_zq": HOSTILE, "why_zq": HOSTILE, "n_zq": 9},
        {"pick_zq": "x", "why_zq": "not asked", "n_zq": 1},
        {"pick_zq": "y", "n_zq": "2"},
    ],
)
def test_hostile_values_are_checked_as_the_reference_checks_them(written, answers):
    instrument, validator, _ = written
    assert validator.check(answers) == ReferenceValidator(instrument).check(answers)


def test_an_unanswered_select_multiple_without_a_choice_list_is_checked_as_the_reference_checks_it(load_form):
    instrument = load_form("""
| survey |
|        | type                 | name     | label | required |
|        | select_multiple many | picks_zq | Picks | yes      |
| choices |
|         | list_name | name | label |
|         | many      | a    | A     |
""")
    unlisted = instrument.model_copy(update={"survey": (instrument.survey[0].model_copy(update={"list_name": None}),)})
    for answers in ({"picks_zq": []}, {"picks_zq": ["a"]}, {}):
        assert Validator(unlisted).check(answers) == ReferenceValidator(unlisted).check(answers)

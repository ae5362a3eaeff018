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


def _same_as_the_reference(instrument, answers):
    checked, reference = Validator(instrument).check(answers), ReferenceValidator(instrument).check(answers)
    assert (checked.errors, repr(checked.answers)) == (reference.errors, repr(reference.answers))  # NaN != NaN


# Shapes the source writes with fewer conversions: a constraint's `.` of a known class compared with a
# literal, values known to be floats or texts (arithmetic, int(), count-selected(), position(..), if()
# of two texts, concat()), and select_one answers tested for their choice before their absence.
KINDS_FORM = """
| survey |
|        | type                 | name       | label | required | relevant          | constraint                       | calculation                                        |
|        | integer              | count_zq   | Count | yes      |                   | . >= 1 and . != 7 and . < 99     |                                                    |
|        | decimal              | cost_zq    | Cost  |          |                   | . > 0.5 and . = 2.5 or . <= 0.25 |                                                    |
|        | text                 | word_zq    | Word  |          |                   | . != 'no' and . = 'yes'          |                                                    |
|        | select_one yn        | pick_zq    | Pick  | yes      |                   |                                  |                                                    |
|        | select_one yn        | maybe_zq   | Maybe |          | ${pick_zq} = 'a'  |                                  |                                                    |
|        | select_one blank     | blank_zq   | Blank |          |                   |                                  |                                                    |
|        | select_multiple yn   | many_zq    | Many  |          |                   |                                  |                                                    |
|        | calculate            | label_zq   |       |          |                   |                                  | if(${pick_zq} = 'a', 'first', 'second')            |
|        | calculate            | joined_zq  |       |          |                   |                                  | concat(if(${pick_zq} = 'a', 'x', 'y'), ${word_zq}) |
|        | calculate            | sum_zq     |       |          |                   |                                  | int(${cost_zq} * 10) div 3 + count-selected(${many_zq}) |
|        | calculate            | mixed_zq   |       |          |                   |                                  | if(${pick_zq} = 'a', 1, ${word_zq})                |
|        | calculate            | big_zq     |       |          |                   |                                  | if(${sum_zq} > 2, 'big', 'small')                  |
| choices |
|         | list_name | name | label |
|         | yn        | a    | A     |
|         | yn        | b    | B     |
|         | blank     | x    | X     |
"""


@pytest.mark.parametrize(
    "answers",
    [
        {"count_zq": 5, "cost_zq": 2.5, "word_zq": "yes", "pick_zq": "a", "maybe_zq": "b", "many_zq": ["a", "b"]},
        {"count_zq": 7, "cost_zq": 0.25, "word_zq": "no", "pick_zq": "b", "blank_zq": "x", "many_zq": ["b"]},
        {"count_zq": 99, "cost_zq": 1, "word_zq": "maybe", "pick_zq": "c", "maybe_zq": "a"},
        {"count_zq": 1, "cost_zq": 0.1, "pick_zq": "", "blank_zq": ""},
        {"count_zq": 2**31, "cost_zq": float("nan"), "word_zq": 3, "pick_zq": ["a"], "maybe_zq": None},
        {"count_zq": True, "cost_zq": "2.5", "word_zq": "", "pick_zq": 1, "blank_zq": ["x"], "many_zq": "a"},
        {"count_zq": 3.0, "cost_zq": -1, "pick_zq": None, "sum_zq": 3.0, "label_zq": "first"},
        {"pick_zq": "a", "maybe_zq": "", "cost_zq": 2**40, "label_zq": 1, "mixed_zq": [1]},
    ],
)
def test_values_of_known_kinds_are_checked_as_the_reference_checks_them(load_form, answers):
    _same_as_the_reference(load_form(KINDS_FORM), answers)


def test_values_of_known_kinds_are_computed(load_form):
    instrument = load_form(KINDS_FORM)
    checked = Validator(instrument).check(
        {"count_zq": 5, "cost_zq": 2.5, "word_zq": "yes", "pick_zq": "a", "maybe_zq": "b", "many_zq": ["a", "b"]}
    )
    assert checked.errors == []
    computed = {name: checked.answers[name] for name in ("label_zq", "joined_zq", "sum_zq", "mixed_zq", "big_zq")}
    assert computed == {"label_zq": "first", "joined_zq": "xyes", "sum_zq": 25 / 3 + 2, "mixed_zq": 1.0, "big_zq": "big"}


# An answer read several times in one function is read once, at its start: `kind_zq` by relevants and a
# constraint at the top level and in the repeat, by calculations at the top level (beside one reading a
# calculation computed just before it, which is read where it is used) and in the repeat's instances.
READ_ONCE_FORM = """
| survey |
|        | type          | name       | label | relevant              | constraint                  | calculation                                  | repeat_count |
|        | select_one k  | kind_zq    | Kind  |                       |                             |                                              |              |
|        | integer       | n_zq       | N     | ${kind_zq} = 'a'      | . > 0 or ${kind_zq} = 'b'   |                                              |              |
|        | text          | why_zq     | Why   | ${kind_zq} != 'a'     |                             |                                              |              |
|        | calculate     | first_zq   |       |                       |                             | if(${kind_zq} = 'a', ${n_zq}, 0)             |              |
|        | calculate     | second_zq  |       |                       |                             | ${first_zq} + 1                              |              |
|        | calculate     | third_zq   |       |                       |                             | concat(${kind_zq}, ${second_zq}, ${kind_zq}) |              |
|        | begin_repeat  | items_zq   | Items | ${kind_zq} != 'c'     |                             |                                              | ${n_zq}      |
|        | text          | item_zq    | Item  | ${kind_zq} = 'a'      | . != ${kind_zq}             |                                              |              |
|        | integer       | size_zq    | Size  | ${item_zq} != ''      | . > 0 and ${item_zq} != 'x' |                                              |              |
|        | calculate     | tag_zq     |       |                       |                             | if(${kind_zq} = 'a', ${item_zq}, ${kind_zq}) |              |
|        | end_repeat    |            |       |                       |                             |                                              |              |
| choices |
|         | list_name | name | label |
|         | k         | a    | A     |
|         | k         | b    | B     |
|         | k         | c    | C     |
"""


@pytest.mark.parametrize(
    "answers",
    [
        {"kind_zq": "a", "n_zq": 2, "items_zq": [{"item_zq": "p", "size_zq": 1}, {"item_zq": "x", "size_zq": 0}]},
        {"kind_zq": "b", "why_zq": "w", "n_zq": 0, "items_zq": [{"item_zq": "b"}]},
        {"kind_zq": "a", "n_zq": 1, "first_zq": 5, "second_zq": "7", "items_zq": [{"item_zq": "a", "tag_zq": "z"}]},
        {"kind_zq": ["a"], "n_zq": 1, "items_zq": [{"item_zq": "", "size_zq": 3}]},
        {"kind_zq": {"a": 1}, "why_zq": 4, "items_zq": [{}]},
        {"kind_zq": 1.5, "third_zq": "x", "items_zq": [{"size_zq": 1}]},
        {"n_zq": 1, "items_zq": [{"item_zq": "q"}]},
        {"kind_zq": "c", "items_zq": []},
    ],
)
def test_answers_read_once_per_function_are_checked_as_the_reference_checks_them(load_form, answers):
    _same_as_the_reference(load_form(READ_ONCE_FORM), answers)


def test_an_answer_read_several_times_in_a_function_is_read_once(load_form, monkeypatch):
    sources = []
    finish = fast_path.Writer.finish

    def keep_source(writer):
        sources.append((writer.source(), writer.namespace))
        return finish(writer)

    monkeypatch.setattr(fast_path.Writer, "finish", keep_source)
    Validator(load_form(READ_ONCE_FORM))
    source, namespace = sources[0]
    names = {name: value for name, value in namespace.items() if isinstance(value, str)}
    reads = {constant: source.count(f".get({constant}, ") for constant in names}
    kind_reads = sum(count for constant, count in reads.items() if names[constant] == "kind_zq")
    # once at the start of each function reading it: the fill's, the top level's and the repeat's walk
    assert kind_reads == 3
    # a calculation the fill writes is read where it is used, each time
    assert sum(count for constant, count in reads.items() if names[constant] == "first_zq") == 1


def _nested_groups(depth: int) -> str:
    rows = [f"|        | begin_group | g{level}_zq | G | ${{open_zq}} != '{level}' |" for level in range(depth)]
    rows.append("|        | text        | deep_zq | Deep | |")
    rows += ["|        | end_group   |  |  | |"] * depth
    return "\n".join([
        "| survey |",
        "|        | type        | name    | label | relevant |",
        "|        | text        | open_zq | Open  |          |",
        *rows,
    ])


@pytest.mark.parametrize("depth", [1, 3, 45])  # 45: past the indentation the groups' blocks may take
@pytest.mark.parametrize("answers", [{"open_zq": "x", "deep_zq": "d"}, {"open_zq": "2", "deep_zq": "d"},
                                     {"open_zq": "0"}, {"deep_zq": 3}, {"open_zq": "44", "deep_zq": "d"}])
def test_nested_groups_are_checked_as_the_reference_checks_them(load_form, depth, answers):
    _same_as_the_reference(load_form(_nested_groups(depth)), answers)

"""Each problem code, from a small inline form; every problem says sheet, row and column."""

YN = """
| choices |
|         | list_name | name | label |
|         | yn        | y    | Yes   |
|         | yn        | n    | No    |
"""


def _only(problems, code):
    found = [problem for problem in problems if problem.code == code]
    assert len(found) == 1, problems
    return found[0]


def test_unknown_type(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label |\n| | intger | a | A |\n"), "unknown_type")
    assert (problem.sheet, problem.row, problem.column) == ("survey", 2, "type")


def test_unsupported_type_is_refused_by_name(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label |\n| | image | a | A |\n"), "unsupported_feature")
    assert "image" in problem.message


def test_or_other_is_refused_with_the_alternative(form_problems):
    problems = form_problems("| survey |\n| | type | name | label |\n| | select_one yn or_other | a | A |\n" + YN)
    assert "selected(" in _only(problems, "unsupported_feature").message


def test_an_unsupported_sheet_is_refused_by_name(form_problems):
    problems = form_problems("| survey |\n| | type | name | label |\n| | text | a | A |\n| entities |\n| | list_name |\n| | x |\n")
    assert _only(problems, "unsupported_feature").sheet == "entities"


def test_an_unsupported_column_is_refused_by_name(form_problems):
    problem = _only(
        form_problems("| survey |\n| | type | name | label | media::image |\n| | text | a | A | a.png |\n"),
        "unsupported_feature",
    )
    assert problem.column == "media::image"


def test_search_appearance_is_refused(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label | appearance |\n| | select_one yn | a | A | search('towns') |\n" + YN
    )
    assert _only(problems, "unsupported_feature").column == "appearance"


def test_a_misspelt_column_is_an_unknown_column(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label | relevnt |\n| | text | a | A | 1 |\n"), "unknown_column")
    assert (problem.row, problem.column) == (1, "relevnt")


def test_annotation_columns_starting_with_underscore_are_ignored(load_form):
    assert load_form("| survey |\n| | type | name | label | _notes |\n| | text | a | A | ask gently |\n").survey[0].name == "a"


def test_duplicate_name(form_problems):
    problem = _only(
        form_problems("| survey |\n| | type | name | label |\n| | text | a | A |\n| | integer | a | B |\n"), "duplicate_name"
    )
    assert (problem.row, problem.column) == (3, "name")


def test_invalid_name(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label |\n| | text | 1st answer | A |\n"), "invalid_name")
    assert problem.row == 2


def test_missing_name(form_problems):
    assert _only(form_problems("| survey |\n| | type | label |\n| | text | A |\n"), "invalid_name").column == "name"


def test_unknown_reference(form_problems):
    problem = _only(
        form_problems("| survey |\n| | type | name | label | relevant |\n| | text | a | A | ${nope} = 'x' |\n"),
        "unknown_reference",
    )
    assert (problem.row, problem.column) == (2, "relevant")
    assert "nope" in problem.message


def test_unknown_reference_in_a_label(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label |\n| | note | a | Hello ${who} |\n"), "unknown_reference")
    assert problem.column == "label"


def test_relevant_reading_a_later_field_is_a_forward_reference(form_problems):
    problem = _only(
        form_problems(
            "| survey |\n| | type | name | label | relevant |\n| | text | a | A | ${b} = 'x' |\n| | text | b | B | |\n"
        ),
        "forward_reference",
    )
    assert (problem.row, problem.column) == (2, "relevant")


def test_a_group_relevant_reading_its_own_child_is_a_forward_reference(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label | relevant |\n| | begin_group | g | G | ${a} = 1 |\n"
        "| | integer | a | A | |\n| | end_group | | | |\n"
    )
    assert _only(problems, "forward_reference").row == 2


def test_a_constraint_may_read_its_own_field(load_form):
    form = "| survey |\n| | type | name | label | constraint |\n| | integer | a | A | ${a} > 0 |\n"
    assert load_form(form).survey[0].constraint is not None


def test_a_calculation_may_read_a_later_field(load_form):
    form = (
        "| survey |\n| | type | name | label | calculation |\n| | calculate | double | | ${a} * 2 |\n"
        "| | integer | a | A | |\n"
    )
    assert load_form(form).survey[0].calculation.references == frozenset({"a"})


def test_calculation_cycle(form_problems):
    problem = _only(
        form_problems(
            "| survey |\n| | type | name | calculation |\n| | calculate | x | ${y} + 1 |\n| | calculate | y | ${x} + 1 |\n"
        ),
        "calculation_cycle",
    )
    assert "x -> y -> x" in problem.message


def test_a_calculation_reading_itself_is_a_cycle(form_problems):
    problems = form_problems("| survey |\n| | type | name | calculation |\n| | calculate | x | ${x} + 1 |\n")
    assert _only(problems, "calculation_cycle").row == 2


def test_missing_choice_list(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label |\n| | select_one colours | a | A |\n" + YN), "missing_choice_list")
    assert (problem.row, problem.column) == (2, "type")


def test_select_without_a_list_name_is_a_missing_choice_list(form_problems):
    assert _only(form_problems("| survey |\n| | type | name | label |\n| | select_one | a | A |\n"), "missing_choice_list")


def test_empty_choice_list(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label |\n| | select_one e | a | A |\n"
        "| choices |\n| | list_name | name | label |\n| | e | | Nothing |\n"
    )
    assert _only(problems, "empty_choice_list").sheet == "choices"


def test_duplicate_choice(form_problems):
    problem = _only(
        form_problems("| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n" + YN + "| | yn | y | Yes again |\n"),
        "duplicate_choice",
    )
    assert (problem.sheet, problem.row) == ("choices", 4)


def test_expression_syntax_reports_the_position(form_problems):
    problem = _only(
        form_problems("| survey |\n| | type | name | label | constraint |\n| | integer | a | A | . >> 3 |\n"),
        "expression_syntax",
    )
    assert (problem.row, problem.column) == (2, "constraint")
    assert "character 3" in problem.message


def test_python_in_an_expression_is_a_syntax_problem(form_problems):
    problems = form_problems("| survey |\n| | type | name | label | relevant |\n| | text | a | A | __import__('os') |\n")
    assert _only(problems, "expression_syntax").column == "relevant"


def test_missing_label_in_a_declared_language(form_problems):
    problem = _only(
        form_problems("| survey |\n| | type | name | label::English (en) | label::Español (es) |\n| | text | a | Name | |\n"),
        "missing_label",
    )
    assert (problem.row, problem.column) == (2, "label::Español (es)")


def test_missing_label_of_a_choice(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n"
        "| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n| | yn | n | |\n"
    )
    assert _only(problems, "missing_label").sheet == "choices"


def test_unmatched_group(form_problems):
    problem = _only(form_problems("| survey |\n| | type | name | label |\n| | begin_group | g | G |\n| | text | a | A |\n"), "unmatched_group")
    assert problem.row == 2


def test_unmatched_end_repeat(form_problems):
    problems = form_problems("| survey |\n| | type | name | label |\n| | text | a | A |\n| | end_repeat | | |\n")
    assert _only(problems, "unmatched_repeat").row == 3


def test_missing_settings(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | form_id | title |\n| | f | F |\n"
    )
    assert _only(problems, "missing_settings").column == "version"


def test_missing_calculation(form_problems):
    assert _only(form_problems("| survey |\n| | type | name |\n| | calculate | x |\n"), "missing_calculation").row == 2


def test_invalid_range_parameters(form_problems):
    problems = form_problems("| survey |\n| | type | name | label | parameters |\n| | range | r | R | start=0 stop=5 |\n")
    assert _only(problems, "invalid_parameter").column == "parameters"


def test_unknown_safeguard_value(form_problems):
    problems = form_problems("| survey |\n| | type | name | label | safeguard |\n| | note | n | N | hotline |\n")
    assert _only(problems, "invalid_value").column == "safeguard"


def test_indicator_variable_naming_an_unknown_question(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n"
        "| indicator_variables |\n| | variable | question |\n| | feels_unsafe | walk_alone |\n"
    )
    assert _only(problems, "unknown_reference").sheet == "indicator_variables"


def test_every_problem_is_reported_not_only_the_first(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label | relevant |\n| | intger | a | A | |\n| | text | b | B | ${zz} |\n"
        "| | text | b | C | |\n"
    )
    assert {problem.code for problem in problems} == {"unknown_type", "unknown_reference", "duplicate_name"}


def test_unknown_type_suggests_the_closest_type(form_problems):
    assert "'integer'" in _only(form_problems("| survey |\n| | type | name | label |\n| | intger | a | A |\n"), "unknown_type").message


def test_a_choice_filter_reading_a_missing_choice_column(form_problems):
    problems = form_problems(
        "| survey |\n| | type | name | label | choice_filter |\n| | select_one yn | a | A | region = 'x' |\n" + YN
    )
    assert _only(problems, "unknown_reference").column == "choice_filter"


def test_a_survey_without_questions_is_empty(form_problems):
    problems = form_problems("| survey |\n| | type | name | label |\n| | begin_group | g | G |\n| | end_group | | |\n")
    assert _only(problems, "empty_survey").sheet == "survey"

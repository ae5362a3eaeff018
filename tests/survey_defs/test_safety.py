"""The safety validator accepts the bundled VAWG form and refuses each variant missing one safeguard."""

from pathlib import Path

import pytest

from survey_defs import load_instrument
from survey_defs.instruments import bundled_instrument_path, vawg
from survey_defs.instruments.build import write_workbook
from survey_defs.instruments.rows import Row, settings, workbook
from survey_defs.model import Instrument
from survey_defs.safety import safety_problems

GATED_BY_CONSENT_ONLY = "${consent} = 'agrees'"


def _load(tmp_path: Path, survey: list[Row], **overrides: object) -> Instrument:
    sheets = workbook(
        survey,
        vawg.CHOICES,
        overrides.get("settings", vawg.SETTINGS),  # type: ignore[arg-type]
        overrides.get("indicator_variables", vawg.INDICATOR_VARIABLES),  # type: ignore[arg-type]
    )
    path = tmp_path / "variant.xlsx"
    write_workbook(sheets, path)
    return load_instrument(path)


def _edit(survey: list[Row], name: str, **cells: str) -> list[Row]:
    """The survey with the row ``name`` changed; an empty value clears the cell."""
    assert any(row.get("name") == name for row in survey), name
    edited = []
    for row in survey:
        if row.get("name") == name:
            row = {column: value for column, value in {**row, **cells}.items() if value}
        edited.append(row)
    return edited


def _index(survey: list[Row], name: str) -> int:
    return next(index for index, row in enumerate(survey) if row.get("name") == name)


def _move_before(survey: list[Row], first: str, last: str, before: str) -> list[Row]:
    """Move the rows from ``first`` to the end_group closing ``last`` (or the row ``last``) before ``before``."""
    start, end = _index(survey, first), _index(survey, last)
    if survey[end]["type"] == "begin_group":
        end = next(index for index in range(end, len(survey)) if survey[index]["type"] == "end_group")
    block, rest = survey[start : end + 1], survey[:start] + survey[end + 1 :]
    at = _index(rest, before)
    return rest[:at] + block + rest[at:]


def _codes(instrument: Instrument) -> list[str]:
    return [problem.code for problem in safety_problems(instrument)]


def _sheet_row(survey: list[Row], name: str) -> int:
    return _index(survey, name) + 2  # the header is spreadsheet row 1


def test_bundled_vawg_form_has_sensitive_questions_and_every_safeguard() -> None:
    instrument = load_instrument(bundled_instrument_path("vawg"))

    assert any(located.element.sensitive for located in instrument.questions())
    assert safety_problems(instrument) == []


def test_safeguards_survive_storing_the_instrument_as_json() -> None:
    stored = load_instrument(bundled_instrument_path("vawg")).model_dump_json()

    assert safety_problems(Instrument.model_validate_json(stored)) == []


def test_stored_instrument_without_its_privacy_tag_is_still_refused(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "privacy_check", safeguard="")
    stored = Instrument.model_validate_json(_load(tmp_path, survey).model_dump_json())

    assert [(problem.code, problem.row) for problem in safety_problems(stored)] == [("privacy_check_missing", None)]


@pytest.mark.parametrize("name", ["perception", "victimization"])
def test_instrument_without_sensitive_questions_needs_no_safeguards(name: str) -> None:
    assert safety_problems(load_instrument(bundled_instrument_path(name))) == []


def test_random_draw_not_tagged_is_missing_respondent_selection(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "selected_position", safeguard="")

    assert _codes(_load(tmp_path, survey)) == ["missing_respondent_selection"]


def test_selection_probability_not_declared_is_missing_respondent_selection(tmp_path: Path) -> None:
    variables = [line for line in vawg.INDICATOR_VARIABLES if line[0] != "selection_probability"]

    assert _codes(_load(tmp_path, vawg.SURVEY, indicator_variables=variables)) == ["missing_respondent_selection"]


def test_consent_not_tagged_is_missing_consent(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "consent", safeguard="")

    assert _codes(_load(tmp_path, survey)) == ["missing_consent"]


def test_privacy_check_not_tagged_is_privacy_check_missing(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "privacy_check", safeguard="")

    assert _codes(_load(tmp_path, survey)) == ["privacy_check_missing"]


def test_privacy_check_moved_after_the_sensitive_block_is_refused(tmp_path: Path) -> None:
    survey = vawg.SURVEY
    for name in ("consent", "health", "relationships", "experiences"):
        survey = _edit(survey, name, relevant=GATED_BY_CONSENT_ONLY if name != "consent" else "")
    survey = _move_before(survey, "privacy_check", "reschedule", before="safe_exit_health")

    problems = safety_problems(_load(tmp_path, survey))

    assert [problem.code for problem in problems] == ["privacy_check_after_sensitive"]
    assert problems[0].row == _sheet_row(survey, "privacy_check")


def test_sensitive_block_whose_relevance_ignores_the_privacy_check_is_not_gated(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "experiences", relevant=GATED_BY_CONSENT_ONLY)

    problems = safety_problems(_load(tmp_path, survey))

    assert [problem.code for problem in problems] == ["sensitive_not_gated"]
    assert (problems[0].sheet, problems[0].row, problems[0].column) == (
        "survey", _sheet_row(survey, "experiences"), "relevant"
    )
    assert "privacy check" in problems[0].message


def test_sensitive_block_whose_relevance_ignores_consent_is_not_gated(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "experiences", relevant="${privacy_check} = 'private'")

    problems = safety_problems(_load(tmp_path, survey))

    assert [problem.code for problem in problems] == ["sensitive_not_gated"]
    assert "consent" in problems[0].message


def test_gate_read_through_a_calculate_counts(tmp_path: Path) -> None:
    gate = {"type": "calculate", "name": "may_ask", "calculation": "if(" + vawg.PRIVATE_AND_CONSENTED + ", 1, 0)"}
    survey = _edit(vawg.SURVEY, "experiences", relevant="${may_ask} = 1")
    at = _index(survey, "experiences")
    survey = survey[:at] + [gate] + survey[at:]

    assert _codes(_load(tmp_path, survey)) == []


def test_safe_exit_not_tagged_is_missing_safe_exit(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "partner_still_private", safeguard="")
    survey = _edit(survey, "nonpartner_still_private", safeguard="")

    assert _codes(_load(tmp_path, survey)) == ["missing_safe_exit"]


def test_safe_exit_leading_to_no_innocuous_block_is_missing_safe_exit(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "safe_exit_health", relevant="")

    assert _codes(_load(tmp_path, survey)) == ["missing_safe_exit"]


def test_referral_not_tagged_is_missing_referral(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "referral", safeguard="")

    assert _codes(_load(tmp_path, survey)) == ["missing_referral"]


def test_referral_before_the_sensitive_block_is_missing_referral(tmp_path: Path) -> None:
    survey = _move_before(vawg.SURVEY, "referral", "referral", before="experiences")

    problems = safety_problems(_load(tmp_path, survey))

    assert [problem.code for problem in problems] == ["missing_referral"]
    assert problems[0].row == _sheet_row(survey, "referral")


@pytest.mark.parametrize(
    "relevant",
    [GATED_BY_CONSENT_ONLY, "${privacy_check} = 'private'", "${nonpartner_still_private} != 'interrupted'"],
)
def test_referral_shown_only_on_some_paths_is_referral_gated(tmp_path: Path, relevant: str) -> None:
    survey = _edit(vawg.SURVEY, "referral", relevant=relevant)

    problems = safety_problems(_load(tmp_path, survey))

    assert [problem.code for problem in problems] == ["referral_gated"]
    assert problems[0].row == _sheet_row(survey, "referral")


def test_referral_shown_only_to_women_who_disclosed_is_referral_gated(tmp_path: Path) -> None:
    survey = _edit(vawg.SURVEY, "referral", relevant="${ipv_any_12m} = 1")

    assert _codes(_load(tmp_path, survey)) == ["referral_gated"]


@pytest.mark.parametrize(
    ("title", "form_id", "column"),
    [
        ("Encuesta de violencia contra las mujeres", "sinmiedo_womens_health", "title"),
        ("Salud y vida familiar", "sinmiedo_ipv_2026", "form_id"),
    ],
)
def test_title_or_form_id_naming_the_topic_is_not_neutral(tmp_path: Path, title: str, form_id: str, column: str) -> None:
    problems = safety_problems(_load(tmp_path, vawg.SURVEY, settings=settings(title, form_id)))

    assert [(problem.code, problem.sheet, problem.column) for problem in problems] == [
        ("title_not_neutral", "settings", column)
    ]

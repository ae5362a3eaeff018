import defusedxml.ElementTree as SafeET

from api.cli import main
from survey_defs.instruments import bundled_instrument_path

BROKEN = (
    "| survey |\n| | type | name | label |\n| | intger | a | A |\n| | text | b | B |\n| | text | b | C |\n"
    "| settings |\n| | form_id | version | form_title |\n| | f | 1 | F |\n"
)


def test_validate_accepts_each_bundled_instrument(runner):
    for name in ("perception", "victimization", "vawg"):
        result = runner.invoke(main, ["instrument", "validate", str(bundled_instrument_path(name))])
        assert result.exit_code == 0, result.output
        assert "valid" in result.output


def test_validate_lists_every_problem_and_exits_2(runner, tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(BROKEN)
    result = runner.invoke(main, ["instrument", "validate", str(path)])
    assert result.exit_code == 2
    assert "[unknown_type] sheet 'survey', row 2, column 'type'" in result.output
    assert "[duplicate_name]" in result.output
    assert "2 problem(s)" in result.output


def test_validate_of_a_missing_file_is_bad_input(runner, tmp_path):
    result = runner.invoke(main, ["instrument", "validate", str(tmp_path / "none.xlsx")])
    assert result.exit_code == 2


def test_xform_writes_parseable_xml(runner, tmp_path):
    out = tmp_path / "vawg.xml"
    result = runner.invoke(main, ["instrument", "xform", str(bundled_instrument_path("vawg")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    root = SafeET.fromstring(out.read_bytes())
    assert root.tag.endswith("html")


def test_xform_refuses_an_invalid_form(runner, tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(BROKEN)
    assert runner.invoke(main, ["instrument", "xform", str(path)]).exit_code == 2

"""`sinmiedo instrument validate|xform FILE`: check and convert XLSForms offline."""

from pathlib import Path

import click

from api.cli.common import BadInput, Failure
from survey_defs import InstrumentInvalid, SurveyDefsError, load_instrument
from survey_defs.safety import safety_problems
from survey_defs.xform import to_xform

FileArg = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def instrument() -> None:
    """Validate and convert XLSForm questionnaires."""


def _load_checked(path: Path):
    try:
        parsed = load_instrument(path)
    except InstrumentInvalid as exc:
        problems = exc.problems
    else:
        problems = tuple(safety_problems(parsed))
        if not problems:
            return parsed
    for problem in problems:
        click.echo(str(problem), err=True)
    raise BadInput(f"{path.name}: {len(problems)} problem(s)")


@instrument.command("validate")
@click.argument("file", type=FileArg)
def validate(file: Path) -> None:
    """Report every problem in FILE (sheet, row, column, code); exit 2 if there are any."""
    parsed = _load_checked(file)
    click.echo(
        f"{file.name}: valid — form '{parsed.settings.form_id}' version '{parsed.settings.version}', "
        f"languages {', '.join(parsed.languages) or 'default'}, sha256 {parsed.content_hash}"
    )


@instrument.command("xform")
@click.argument("file", type=FileArg)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def xform(file: Path, output: Path | None) -> None:
    """Convert FILE to an ODK XForm (through pyxform) after validating it."""
    try:
        xml = to_xform(_load_checked(file))
    except SurveyDefsError as exc:
        raise Failure(f"{file.name}: {exc.message}") from exc
    if output is None:
        click.echo(xml)
    else:
        output.write_text(xml, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)

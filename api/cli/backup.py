"""`sinmiedo backup` and `sinmiedo restore`: the whole database to one file and back."""

from pathlib import Path

import click
from sqlalchemy.engine import make_url

from api import backup as backups
from api.cli.common import BadInput, Failure, load_settings
from api.migrate import head_revision


@click.command()
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite DESTINATION if it exists.")
def backup(destination: Path, force: bool) -> None:
    """Copy the whole database to DESTINATION while the service keeps running.

    SQLite: a consistent online copy (a SQLite file). PostgreSQL: a pg_dump custom-format archive
    (pg_dump must be installed and at least as new as the server).
    """
    settings = load_settings()
    result = _run(backups.backup, settings.database_url, destination, overwrite=force)
    click.echo(f"backup: {result.kind} database at revision {result.revision} -> {result.path} ({result.size} bytes)")


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the database's current contents are to be replaced.")
def restore(source: Path, yes: bool) -> None:
    """Replace the database's contents with the backup in SOURCE.

    Stop the service first. The backup is checked (its kind and schema revision) before anything
    changes; run `sinmiedo migrate` afterwards if it was made by an older version.
    """
    settings = load_settings()
    target = make_url(settings.database_url).render_as_string(hide_password=True)
    if not yes:
        raise BadInput(f"restore replaces everything in {target}; pass --yes to confirm")
    result = _run(backups.restore, settings.database_url, source)
    click.echo(f"restore: {result.path} ({result.kind}, revision {result.revision}) -> {target}")
    if result.revision != head_revision():
        click.echo(f"restore: the schema is at {result.revision}; run `sinmiedo migrate` to reach {head_revision()}")


def _run(operation, *args, **kwargs) -> backups.BackupResult:
    try:
        return operation(*args, **kwargs)
    except backups.BackupError as exc:
        raise BadInput(str(exc)) from exc
    except (backups.BackupToolFailed, OSError) as exc:
        raise Failure(str(exc)) from exc

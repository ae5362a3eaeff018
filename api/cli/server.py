"""`sinmiedo serve` and `sinmiedo migrate`."""

import click
import uvicorn

from api import migrate as migrations
from api.cli.common import Failure, load_settings
from api.cli.http_protocol import CoalescingHttpToolsProtocol
from api.cli.workers import Supervisor


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), envvar="SINMIEDO_WORKERS",
              help="Worker processes (give it the number of cores). [env: SINMIEDO_WORKERS]")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API (docs at /docs)."""
    load_settings()  # refuse unsafe production settings before binding a port
    if workers == 1:
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, log_config=None, access_log=False,
                    http=CoalescingHttpToolsProtocol)
    else:
        Supervisor(host, port, workers).run()  # a listening socket per worker: see api/cli/workers.py


@click.command()
@click.option("--revision", default="head", show_default=True, help="Target revision (or 'base' to downgrade fully).")
@click.option("--downgrade", is_flag=True, help="Downgrade to --revision instead of upgrading.")
def migrate(revision: str, downgrade: bool) -> None:
    """Bring the database schema to a revision (by default the latest)."""
    settings = load_settings()
    try:
        if downgrade:
            migrations.downgrade(settings.database_url, revision)
        else:
            migrations.upgrade(settings.database_url, revision)
    except Exception as exc:
        raise Failure(f"migration failed: {exc}") from exc
    click.echo(f"database at revision {revision if downgrade else migrations.head_revision()}", err=True)

"""`sinmiedo demo`: load the demo data set into the configured database."""

from pathlib import Path

import click

from api.cli.common import BadInput, load_settings, open_engine, session_scope
from api.demo import DEMO_USERS, load_demo


@click.command()
@click.option(
    "--credentials-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("var") / "demo-credentials.txt",
    show_default=True,
    help="Where the generated demo passwords are kept.",
)
@click.option(
    "--psu-share",
    type=click.FloatRange(0.05, 1.0),
    default=1.0,
    show_default=True,
    help="Share of the demo survey's 200 PSUs to load (smaller is faster, e.g. 0.1 for a quick try).",
)
def demo(credentials_file: Path, psu_share: float) -> None:
    """Load demo users, instruments, a synthetic survey with its interviews, police data and a
    published release (idempotent)."""
    if load_settings().environment == "production":
        raise BadInput("the demo data set is not loaded in production")
    engine = open_engine()
    with session_scope(engine) as session:
        report = load_demo(session, credentials_file, psu_share=psu_share)
        session.commit()
    for step in report.steps:
        click.echo(f"demo: {step}")
    roles = {username: role.value for username, role, _, _ in DEMO_USERS}
    for username, password in report.created_users.items():
        click.echo(f"  {roles[username]:<11} {username:<16} password: {password}")
    if report.existing_users:
        click.echo(f"  existing demo users keep their passwords (see {credentials_file})")

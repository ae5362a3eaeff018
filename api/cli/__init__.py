"""The `sinmiedo` command line.

Exit codes: 0 success, 2 bad input (usage, invalid file or value), 1 failure.
"""

import click

from api.cli import backup, crime, demo, estimate, instruments, server, users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sinmiedo")
def main() -> None:
    """sinmiedo: crime-victimization and VAWG surveys, from questionnaire to release."""


for command in (
    server.serve,
    server.migrate,
    demo.demo,
    users.user,
    instruments.instrument,
    estimate.estimate,
    crime.crime,
    backup.backup,
    backup.restore,
):
    main.add_command(command)

"""The `sinmiedo` command line.

Exit codes: 0 success, 2 bad input (usage, invalid file or value), 1 failure.
"""

import click

from api.cli.crime import crime
from api.cli.demo import demo
from api.cli.instruments import instrument
from api.cli.server import migrate, serve
from api.cli.users import user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sinmiedo")
def main() -> None:
    """sinmiedo: crime-victimization and VAWG surveys, from questionnaire to release."""


for command in (serve, migrate, demo, user, instrument, crime):
    main.add_command(command)

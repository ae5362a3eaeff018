"""What every command shares: exit codes and access to settings and the database."""

import click
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import Settings, UnsafeSettings, get_settings
from api.db import create_db_engine


class BadInput(click.ClickException):
    """The user gave something that cannot be used: exit code 2."""

    exit_code = 2


class Failure(click.ClickException):
    """The command could not do its work: exit code 1."""

    exit_code = 1


def load_settings() -> Settings:
    try:
        return get_settings()
    except (UnsafeSettings, ValueError) as exc:
        raise BadInput(f"invalid settings: {exc}") from exc


def open_engine() -> Engine:
    return create_db_engine(load_settings().database_url)


def session_scope(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)

"""`sinmiedo user create|disable|list`: bootstrap accounts; the first admin comes from here."""

import json
import sys

import click
from pydantic import ValidationError

from api.cli.common import BadInput, open_engine, session_scope
from api.errors import AppError
from api.users import service
from api.users.models import Role
from api.users.schemas import UserCreate


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="The user's role.")
@click.option("--full-name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.option("--sensitive-access", is_flag=True, help="May read sensitive (VAWG) answers.")
@click.option("--vawg-certified", is_flag=True, help="Enumerator certified to administer the VAWG module.")
@click.option("--sex", type=click.Choice(["female", "male", "other"]), default=None)
def create(
    username: str,
    role: str,
    full_name: str,
    password_stdin: bool,
    sensitive_access: bool,
    vawg_certified: bool,
    sex: str | None,
) -> None:
    """Create a user. The password is asked for (never a default)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate(
            username=username,
            full_name=full_name,
            role=role,
            password=password,
            sensitive_access=sensitive_access,
            vawg_certified=vawg_certified,
            sex=sex,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadInput(problems) from exc
    engine = open_engine()
    with session_scope(engine) as session:
        try:
            created = service.create_user(session, data, actor=None)
        except AppError as exc:
            raise BadInput(exc.detail) from exc
        session.commit()
        click.echo(f"created {created.role} '{created.username}' (id {created.id})")


@user.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable a user and revoke every token they hold."""
    engine = open_engine()
    with session_scope(engine) as session:
        try:
            service.disable_user(session, username.strip().lower(), actor=None)
        except AppError as exc:
            raise BadInput(exc.detail) from exc
        session.commit()
    click.echo(f"disabled '{username}'")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_(as_json: bool) -> None:
    """List users."""
    engine = open_engine()
    with session_scope(engine) as session:
        users, _ = service.list_users(session, offset=0, limit=100_000)
    rows = [
        {"id": u.id, "username": u.username, "role": u.role, "active": u.is_active, "full_name": u.full_name}
        for u in users
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>5}  {row['username']:<24} {row['role']:<11} {'active' if row['active'] else 'disabled'}")

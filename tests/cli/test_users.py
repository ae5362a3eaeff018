import json

from sqlmodel import Session, select

from api.cli import main
from api.users.models import AccessToken, User


def test_user_create_reads_password_from_stdin(cli_env, runner, engine):
    result = runner.invoke(main, ["user", "create", "Root", "--role", "admin", "--password-stdin"], input="a-strong-pass\n")
    assert result.exit_code == 0, result.output
    assert "created admin 'root'" in result.output
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "root")).one()
    assert user.role == "admin"
    assert user.password_hash.startswith("$argon2")


def test_user_create_refuses_a_short_password_with_exit_2(cli_env, runner, engine):
    result = runner.invoke(main, ["user", "create", "root", "--role", "admin", "--password-stdin"], input="short\n")
    assert result.exit_code == 2
    assert "password" in result.output
    with Session(engine) as session:
        assert session.exec(select(User)).first() is None


def test_user_create_refuses_an_unknown_role(cli_env, runner):
    result = runner.invoke(main, ["user", "create", "x", "--role", "pilot", "--password-stdin"], input="long-enough-pw\n")
    assert result.exit_code == 2
    assert "pilot" in result.output


def test_user_create_duplicate_is_bad_input(cli_env, runner):
    args = ["user", "create", "ana", "--role", "analyst", "--password-stdin"]
    assert runner.invoke(main, args, input="long-enough-pw\n").exit_code == 0
    duplicate = runner.invoke(main, args, input="long-enough-pw\n")
    assert duplicate.exit_code == 2
    assert "already exists" in duplicate.output


def test_user_disable_revokes_tokens_and_list_shows_it(cli_env, runner, make_account, engine):
    account = make_account("enumerator", username="eve")
    result = runner.invoke(main, ["user", "disable", "eve"])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        token = session.exec(select(AccessToken).where(AccessToken.user_id == account.user.id)).one()
    assert token.revoked_at is not None
    listed = json.loads(runner.invoke(main, ["user", "list", "--json"]).output)
    assert listed == [{"id": account.user.id, "username": "eve", "role": "enumerator", "active": False, "full_name": ""}]


def test_user_disable_unknown_user_is_bad_input(cli_env, runner):
    result = runner.invoke(main, ["user", "disable", "ghost"])
    assert result.exit_code == 2
    assert "ghost" in result.output


def test_every_command_has_help(runner):
    for args in (["--help"], ["serve", "--help"], ["migrate", "--help"], ["demo", "--help"], ["user", "--help"],
                 ["user", "create", "--help"], ["user", "disable", "--help"], ["user", "list", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, args
        assert "Usage:" in result.output

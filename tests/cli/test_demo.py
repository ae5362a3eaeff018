from sqlmodel import Session, select

from api.cli import main
from api.demo import DEMO_USERS
from api.users.models import User


def test_demo_creates_one_account_per_role_with_random_passwords(cli_env, runner, engine):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    credentials = (cli_env / "var" / "demo-credentials.txt").read_text().splitlines()
    passwords = dict(line.split("\t") for line in credentials)
    assert set(passwords) == {username for username, *_ in DEMO_USERS}
    assert len(set(passwords.values())) == len(passwords)
    with Session(engine) as session:
        roles = {u.role for u in session.exec(select(User))}
    assert roles == {"admin", "designer", "supervisor", "enumerator", "analyst"}


def test_demo_publishes_the_bundled_instruments(cli_env, runner, engine):
    from api.instruments.models import Instrument, InstrumentVersion

    assert runner.invoke(main, ["demo"]).exit_code == 0
    with Session(engine) as session:
        form_ids = {i.form_id for i in session.exec(select(Instrument))}
        statuses = {v.status for v in session.exec(select(InstrumentVersion))}
    assert form_ids == {"sinmiedo_perception", "sinmiedo_victimization", "sinmiedo_womens_health"}
    assert statuses == {"published"}


def test_demo_is_idempotent(cli_env, runner, engine):
    assert runner.invoke(main, ["demo"]).exit_code == 0
    again = runner.invoke(main, ["demo"])
    assert again.exit_code == 0
    assert "0 created" in again.output
    with Session(engine) as session:
        assert len(session.exec(select(User)).all()) == len(DEMO_USERS)


def test_demo_is_refused_in_production(cli_env, runner, monkeypatch):
    from api.config import get_settings

    monkeypatch.setenv("SINMIEDO_ENVIRONMENT", "production")
    monkeypatch.setenv("SINMIEDO_SECRET_KEY", "p" * 40)
    get_settings.cache_clear()
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 2
    assert "production" in result.output

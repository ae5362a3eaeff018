from sqlmodel import Session, select

from api.cli import main
from api.demo import DEMO_USERS
from api.releases.models import Release
from api.submissions.models import Submission
from api.users.models import User


def test_demo_creates_one_account_per_role_with_random_passwords(cli_env, runner, engine):
    result = runner.invoke(main, ["demo", "--psu-share", "0.1"])
    assert result.exit_code == 0, result.output
    credentials = (cli_env / "var" / "demo-credentials.txt").read_text().splitlines()
    passwords = dict(line.split("\t") for line in credentials)
    assert set(passwords) == {username for username, *_ in DEMO_USERS}
    assert len(set(passwords.values())) == len(passwords)
    with Session(engine) as session:
        roles = {u.role for u in session.exec(select(User)) if u.username.startswith("demo-")}
    assert roles == {"admin", "designer", "supervisor", "enumerator", "analyst"}


def test_demo_publishes_the_bundled_instruments(cli_env, runner, engine):
    from api.instruments.models import Instrument, InstrumentVersion

    assert runner.invoke(main, ["demo", "--psu-share", "0.1"]).exit_code == 0
    with Session(engine) as session:
        form_ids = {i.form_id for i in session.exec(select(Instrument))}
        statuses = {v.status for v in session.exec(select(InstrumentVersion))}
    assert form_ids == {"sinmiedo_perception", "sinmiedo_victimization", "sinmiedo_womens_health"}
    assert statuses == {"published"}


def test_demo_is_idempotent(cli_env, runner, engine):
    assert runner.invoke(main, ["demo", "--psu-share", "0.1"]).exit_code == 0
    again = runner.invoke(main, ["demo", "--psu-share", "0.1"])
    assert again.exit_code == 0
    assert "0 created" in again.output
    with Session(engine) as session:
        users = {u.username for u in session.exec(select(User))}
        counts = {model.__name__: len(session.exec(select(model)).all()) for model in (User, Submission, Release)}
    assert {username for username, *_ in DEMO_USERS} <= users
    assert runner.invoke(main, ["demo", "--psu-share", "0.1"]).exit_code == 0
    with Session(engine) as session:
        assert {model.__name__: len(session.exec(select(model)).all()) for model in (User, Submission, Release)} == counts


def test_demo_is_refused_in_production(cli_env, runner, monkeypatch):
    from api.config import get_settings

    monkeypatch.setenv("SINMIEDO_ENVIRONMENT", "production")
    monkeypatch.setenv("SINMIEDO_SECRET_KEY", "p" * 40)
    get_settings.cache_clear()
    result = runner.invoke(main, ["demo", "--psu-share", "0.1"])
    assert result.exit_code == 2
    assert "production" in result.output


def test_demo_publishes_a_release_from_the_demo_survey(cli_env, runner, client):
    assert runner.invoke(main, ["demo", "--psu-share", "0.1"]).exit_code == 0
    releases = client.get("/api/v1/public/releases").json()
    listed = releases["items"] if isinstance(releases, dict) else releases
    assert len(listed) == 1
    release = client.get(f"/api/v1/public/releases/{listed[0]['number']}").json()
    assert release["wave"] == "demo-2026"
    robbery = next(t for t in release["tables"] if t["indicator_id"] == "victimization_robbery")
    published = [row for row in robbery["rows"] if not row["suppressed"]]
    assert published and all(0 <= row["estimate"] <= 1 and row["ci_low"] <= row["estimate"] <= row["ci_high"]
                             for row in published)
    assert release["metadata"]["sample"]["response_rate"] > 0.5

"""The demo data set: one account per role, then whatever each capability contributes.

Demo passwords are random per installation and written to var/demo-credentials.txt,
so no installation ever runs with a known default password. Loading is idempotent.
"""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from survey_defs.instruments import bundled_instrument_paths

from api.crime.demo import load_crime_demo
from api.demo_release import load_demo_release
from api.demo_survey.load import load_demo_survey
from api.instruments import repository as instruments_repository
from api.instruments import service as instruments_service
from api.users import repository as users_repository
from api.users import service as users_service
from api.users.models import Role
from api.users.schemas import UserCreate

DEMO_USERS: tuple[tuple[str, Role, str, dict], ...] = (
    ("demo-admin", Role.admin, "Demo administrator", {}),
    ("demo-designer", Role.designer, "Demo survey designer", {}),
    ("demo-supervisor", Role.supervisor, "Demo field supervisor", {"sensitive_access": True}),
    ("demo-enumerator", Role.enumerator, "Demo enumerator", {"vawg_certified": True, "sex": "female"}),
    ("demo-analyst", Role.analyst, "Demo analyst", {"sensitive_access": True}),
)


@dataclass
class DemoReport:
    created_users: dict[str, str] = field(default_factory=dict)  # username -> password
    existing_users: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)


def load_demo(session: Session, credentials_file: Path, *, psu_share: float = 1.0) -> DemoReport:
    """``psu_share`` below 1 loads a smaller demo survey (tests); the full one has 200 PSUs."""
    report = DemoReport()
    for username, role, full_name, flags in DEMO_USERS:
        if users_repository.get_by_username(session, username) is not None:
            report.existing_users.append(username)
            continue
        password = secrets.token_urlsafe(12)
        users_service.create_user(
            session,
            UserCreate(username=username, role=role, full_name=full_name, password=password, **flags),
            actor=None,
        )
        report.created_users[username] = password
    if report.created_users:
        credentials_file.parent.mkdir(parents=True, exist_ok=True)
        with credentials_file.open("a", encoding="utf-8") as out:
            for username, password in report.created_users.items():
                out.write(f"{username}\t{password}\n")
        credentials_file.chmod(0o600)
    report.steps.append(f"users: {len(report.created_users)} created, {len(report.existing_users)} already there")
    report.steps.append(_load_bundled_instruments(session))
    report.steps.append(load_crime_demo(session))
    admin = users_repository.get_by_username(session, "demo-admin")
    analyst = users_repository.get_by_username(session, "demo-analyst")
    report.steps.append(load_demo_survey(session, admin, psu_share=psu_share))
    report.steps.append(load_demo_release(session, analyst))
    return report


def _load_bundled_instruments(session: Session) -> str:
    published = []
    for name, path in bundled_instrument_paths().items():
        parsed = instruments_service.parse_form(path.read_bytes(), path.name)
        instrument = instruments_repository.get_by_form_id(session, parsed.settings.form_id)
        if instrument and instruments_repository.get_version(session, instrument.id, parsed.settings.version):
            continue
        instruments_service.upload(session, None, path.read_bytes(), path.name)
        instruments_service.publish(session, None, parsed.settings.form_id, parsed.settings.version)
        published.append(name)
    return f"instruments: {len(published)} bundled instrument(s) published ({', '.join(published) or 'already there'})"

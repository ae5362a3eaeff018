"""The demo survey loaded once per module and backend (it takes seconds), with its own app, client and
accounts; test modules import these fixtures. The crime demo (police data, territories, population)
is loaded beside it so that survey figures can sit next to recorded ones."""

from datetime import timedelta

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.config import Settings
from api.crime.demo import load_crime_demo
from api.db_types import utcnow
from api.demo_survey.load import load_demo_survey
from api.demo_survey.survey import generate_demo_survey
from api.estimates import service as estimates
from api.security import new_token, token_digest
from api.users import service as users_service
from api.users.models import AccessToken, Role
from api.users.schemas import UserCreate
from tests.api.submission_data import publish_bundled
from tests.conftest import TEST_PASSWORD, TEST_SECRET, Account
from tests.databases import empty_all_tables

SEED, SHARE = 11, 0.1
WAVE_URL = "/api/v1/analyses/from-wave"


@pytest.fixture(scope="module")
def loaded(session_engine):
    """One demo load per backend for the module; the tests only add analyses."""
    empty_all_tables(session_engine)
    publish_bundled(session_engine, "perception", "victimization", "vawg")
    with Session(session_engine) as session:
        admin = users_service.create_user(session, UserCreate(username="admin-x", role=Role.admin,
                                                              password=TEST_PASSWORD), actor=None)
        load_crime_demo(session)
        load_demo_survey(session, admin, seed=SEED, psu_share=SHARE)
        session.commit()
    yield session_engine
    empty_all_tables(session_engine)


@pytest.fixture(scope="module")
def demo(loaded):
    return generate_demo_survey(SEED, psu_share=SHARE)


@pytest.fixture(scope="module")
def client(loaded, database_url):
    settings = Settings(environment="test", database_url=database_url, secret_key=TEST_SECRET)
    with TestClient(create_app(settings, engine=loaded), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def make_account(loaded):
    counter = iter(range(1, 1000))

    def factory(role: str, **flags) -> Account:
        with Session(loaded, expire_on_commit=False) as session:
            user = users_service.create_user(session, UserCreate(username=f"wave-{role}-{next(counter)}", role=role,
                                                                 password=TEST_PASSWORD, **flags), actor=None)
            token = new_token()
            session.add(AccessToken(user_id=user.id, token_hash=token_digest(token, TEST_SECRET),
                                    expires_at=utcnow() + timedelta(hours=1)))
            session.commit()
            return Account(user=user, token=token)

    return factory


@pytest.fixture
def engine(loaded):
    return loaded


def frame_of(engine, dataset_id: int) -> pd.DataFrame:
    """A stored dataset's rows, as analyses read them."""
    with Session(engine) as session:
        return estimates.frame_of(estimates.get_dataset(session, dataset_id))

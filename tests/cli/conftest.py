import pytest
from click.testing import CliRunner

from api.config import get_settings


@pytest.fixture
def cli_env(monkeypatch, database_url, engine, tmp_path):
    """Point the CLI at the test database (emptied by `engine`)."""
    monkeypatch.setenv("SINMIEDO_DATABASE_URL", database_url)
    monkeypatch.setenv("SINMIEDO_ENVIRONMENT", "test")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

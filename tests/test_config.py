import pytest

from api.config import DEVELOPMENT_SECRET, Settings, UnsafeSettings


def test_production_refuses_the_development_secret():
    with pytest.raises(UnsafeSettings, match="development default"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET)


def test_production_refuses_a_short_secret():
    with pytest.raises(UnsafeSettings, match="at least 32"):
        Settings(environment="production", secret_key="too-short-secret")


def test_production_accepts_a_long_random_secret():
    settings = Settings(environment="production", secret_key="x" * 48)
    assert settings.environment == "production"


def test_development_tolerates_the_default_secret():
    assert Settings(environment="development").secret_key == DEVELOPMENT_SECRET


def test_settings_come_from_prefixed_environment(monkeypatch):
    monkeypatch.setenv("SINMIEDO_ACCESS_TOKEN_MINUTES", "15")
    monkeypatch.setenv("SINMIEDO_DATABASE_URL", "sqlite:///elsewhere.db")
    settings = Settings()
    assert settings.access_token_minutes == 15
    assert settings.database_url == "sqlite:///elsewhere.db"


def test_production_refusal_is_raised_from_the_environment(monkeypatch):
    monkeypatch.setenv("SINMIEDO_ENVIRONMENT", "production")
    monkeypatch.delenv("SINMIEDO_SECRET_KEY", raising=False)
    with pytest.raises(UnsafeSettings):
        Settings()

"""Settings, read from the environment with the SINMIEDO_ prefix.

Production refuses to start with unsafe defaults: a secret key that is the
development default or too short, or debug output enabled.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "sinmiedo-development-secret-do-not-use-in-production"
MIN_PRODUCTION_SECRET_LENGTH = 32
DEFAULT_DATABASE_URL = "sqlite:///" + str(Path("var") / "sinmiedo.db")


class UnsafeSettings(RuntimeError):
    """Production settings that would expose respondents' data (not a ValueError, so pydantic
    lets it through unwrapped and startup fails with this message)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SINMIEDO_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEVELOPMENT_SECRET
    access_token_minutes: int = Field(default=8 * 60, ge=1, le=30 * 24 * 60)
    max_request_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    login_failures_before_delay: int = Field(default=5, ge=1)
    login_max_delay_seconds: int = Field(default=15 * 60, ge=1)
    # Requests per minute per client address on the public open-data endpoints; 0 turns it off.
    # Unset, it is 120, and off in the test environment (tests that need it set it).
    public_requests_per_minute: int | None = Field(default=None, ge=0)
    # PostgreSQL: the longest one statement of the interview intake may run or wait for a lock before the
    # interview is answered 503 (to resend); the intake holds its worker's event loop meanwhile.
    intake_wait_seconds: float = Field(default=10.0, gt=0, le=300)
    log_level: str = "INFO"
    log_json: bool = True
    # The address devices reach the service at (https://host[/prefix]), for the absolute URLs the service
    # hands out (OpenRosa form lists); unset, they follow each request's own scheme and host.
    public_url: str | None = None

    @field_validator("public_url")
    @classmethod
    def _plain_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError("SINMIEDO_PUBLIC_URL must be http(s)://host[:port][/path], without query or fragment")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment != "production":
            return self
        if self.secret_key == DEVELOPMENT_SECRET:
            raise UnsafeSettings(
                "SINMIEDO_SECRET_KEY is the development default; set a random secret of at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters before running in production"
            )
        if len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH:
            raise UnsafeSettings(
                f"SINMIEDO_SECRET_KEY is {len(self.secret_key)} characters long; production needs "
                f"at least {MIN_PRODUCTION_SECRET_LENGTH}"
            )
        return self

    @property
    def public_rate_limit(self) -> int:
        if self.public_requests_per_minute is not None:
            return self.public_requests_per_minute
        return 0 if self.environment == "test" else 120

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()

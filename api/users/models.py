"""Users, their access tokens and the login-failure throttle."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class Role(StrEnum):
    admin = "admin"
    designer = "designer"
    supervisor = "supervisor"
    enumerator = "enumerator"
    analyst = "analyst"


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    # A plain string column: native enum types would make PostgreSQL migrations carry type DDL.
    role: Role = Field(sa_type=String(20))
    is_active: bool = True
    # Sensitive (VAWG) answers are readable only by users granted this, whatever their role.
    sensitive_access: bool = False
    # Only certified enumerators may receive the VAWG instrument.
    vawg_certified: bool = False
    sex: str | None = Field(default=None, max_length=10)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class AccessToken(SQLModel, table=True):
    """An opaque bearer token; only its keyed hash is stored, so the table alone grants nothing."""

    __tablename__ = "access_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(default="access", max_length=20)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class LoginThrottle(SQLModel, table=True):
    """Consecutive failed logins per username, known or not, so guessing slows down."""

    __tablename__ = "login_throttle"

    username: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

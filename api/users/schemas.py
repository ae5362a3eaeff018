"""Request and response bodies for users and authentication."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlmodel import SQLModel

from api.db_types import StorableText
from api.security import MIN_PASSWORD_LENGTH
from api.users.models import Role, UserBase

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"


class UserCreate(SQLModel):
    username: StorableText = Field(pattern=USERNAME_PATTERN)
    full_name: StorableText = Field(default="", max_length=200)
    role: Role
    password: StorableText = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
    sensitive_access: bool = False
    vawg_certified: bool = False
    sex: Literal["female", "male", "other"] | None = None

    @field_validator("username", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


# The only user column that may be emptied.
NULLABLE = {"sex"}


class UserUpdate(SQLModel):
    full_name: StorableText | None = Field(default=None, max_length=200)
    role: Role | None = None
    is_active: bool | None = None
    sensitive_access: bool | None = None
    vawg_certified: bool | None = None
    sex: Literal["female", "male", "other"] | None = None
    password: StorableText | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=256)

    @model_validator(mode="after")
    def _no_null_for_required_columns(self) -> "UserUpdate":
        # Left out means "unchanged"; an explicit null would reach a NOT NULL column (a 500 before).
        nulled = sorted(name for name in self.model_fields_set if name not in NULLABLE and getattr(self, name) is None)
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null; leave a field out to keep it")
        return self


class UserPublic(UserBase):
    id: int
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserPublic]
    total: int
    offset: int
    limit: int


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class DeviceTokenCreate(BaseModel):
    label: StorableText = Field(min_length=1, max_length=200, description="Which device, e.g. 'tablet 07, Lima team'")


class DeviceTokenPublic(BaseModel):
    id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None


class DeviceTokenCreated(DeviceTokenPublic):
    token: str = Field(description="Shown once; put the server URL below in ODK Collect")
    collect_server_url: str

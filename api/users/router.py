"""Authentication (OAuth2 password flow) and user administration."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.db import SessionDep
from api.openrosa.urls import collect_server_url
from api.pagination import PageDep
from api.params import RecordId
from api.security import CurrentUser, Permission, bearer_token, require
from api.users import service
from api.users.models import User
from api.users.schemas import (
    DeviceTokenCreate,
    DeviceTokenCreated,
    DeviceTokenPublic,
    TokenResponse,
    UserCreate,
    UserPage,
    UserPublic,
    UserUpdate,
)

auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/v1/users", tags=["users"])

Admin = Annotated[User, require(Permission.manage_users)]


@auth_router.post("/token", response_model=TokenResponse)
def issue_token(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenResponse:
    return service.login(session, request.app.state.engine, request.app.state.settings, form.username, form.password)


@auth_router.post("/logout", status_code=204, response_class=Response)
def logout(request: Request, session: SessionDep, _user: CurrentUser, token: Annotated[str, Depends(bearer_token)]) -> None:
    service.logout(session, token, request.app.state.settings)


@auth_router.get("/me", response_model=UserPublic)
def who_am_i(user: CurrentUser) -> User:
    return user


@users_router.get("", response_model=UserPage)
def list_users(session: SessionDep, _admin: Admin, page: PageDep) -> UserPage:
    users, total = service.list_users(session, offset=page.offset, limit=page.limit)
    return UserPage(
        items=[UserPublic.model_validate(u, from_attributes=True) for u in users],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@users_router.post("", response_model=UserPublic, status_code=201)
def create_user(session: SessionDep, admin: Admin, data: UserCreate) -> User:
    return service.create_user(session, data, actor=admin)


@users_router.get("/{user_id}", response_model=UserPublic)
def get_user(session: SessionDep, _admin: Admin, user_id: RecordId) -> User:
    return service.get_user(session, user_id)


@users_router.patch("/{user_id}", response_model=UserPublic)
def update_user(session: SessionDep, admin: Admin, user_id: RecordId, data: UserUpdate) -> User:
    return service.update_user(session, user_id, data, actor=admin)


@users_router.post("/{user_id}/device-tokens", response_model=DeviceTokenCreated, status_code=201)
def create_device_token(request: Request, session: SessionDep, admin: Admin, user_id: RecordId,
                        data: DeviceTokenCreate) -> DeviceTokenCreated:
    """A token for one ODK Collect device; the token is in the server URL, so no password is typed."""
    row, token = service.create_device_token(session, request.app.state.settings, user_id, data.label, actor=admin)
    return DeviceTokenCreated(
        id=row.id, label=row.label, created_at=row.created_at, revoked_at=None, token=token,
        collect_server_url=collect_server_url(request, token),
    )


@users_router.get("/{user_id}/device-tokens", response_model=list[DeviceTokenPublic])
def list_device_tokens(session: SessionDep, _admin: Admin, user_id: RecordId) -> list[DeviceTokenPublic]:
    return [DeviceTokenPublic.model_validate(t, from_attributes=True) for t in service.list_device_tokens(session, user_id)]


@users_router.delete("/{user_id}/device-tokens/{token_id}", status_code=204, response_class=Response)
def revoke_device_token(session: SessionDep, admin: Admin, user_id: RecordId, token_id: RecordId) -> None:
    service.revoke_device_token(session, user_id, token_id, actor=admin)

"""Password hashing, bearer tokens, and the permission table every route checks.

Permissions, not roles, are what routes declare: the one mapping below says
which roles hold each permission, so the authorization matrix is readable in
one place and testable from the route table.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlmodel import Session

from api.db import SessionDep
from api.errors import Forbidden, Unauthorized
from api.config import Settings
from api.db_types import utcnow
from api.users import repository as users_repository
from api.users.models import Role, User

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps response times alike,
# so timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


class Permission(StrEnum):
    manage_users = "manage_users"
    read_audit = "read_audit"
    write_instruments = "write_instruments"
    read_instruments = "read_instruments"
    submit_interviews = "submit_interviews"
    read_interviews = "read_interviews"
    review_interviews = "review_interviews"
    edit_interviews = "edit_interviews"
    delete_interviews = "delete_interviews"
    restore_interviews = "restore_interviews"
    read_personal_identifiers = "read_personal_identifiers"
    manage_fieldwork = "manage_fieldwork"
    read_fieldwork = "read_fieldwork"
    analyse = "analyse"
    manage_crime_data = "manage_crime_data"
    publish_releases = "publish_releases"
    export_microdata = "export_microdata"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(
        {
            Permission.manage_users,
            Permission.read_audit,
            Permission.write_instruments,
            Permission.read_instruments,
            Permission.read_interviews,
            Permission.delete_interviews,
            Permission.restore_interviews,
            Permission.read_personal_identifiers,
            Permission.manage_fieldwork,
            Permission.read_fieldwork,
        }
    ),
    Role.designer: frozenset({Permission.write_instruments, Permission.read_instruments}),
    Role.supervisor: frozenset(
        {
            Permission.read_instruments,
            Permission.read_interviews,
            Permission.review_interviews,
            Permission.edit_interviews,
            Permission.delete_interviews,
            Permission.read_personal_identifiers,
            Permission.manage_fieldwork,
            Permission.read_fieldwork,
        }
    ),
    Role.enumerator: frozenset(
        {Permission.read_instruments, Permission.submit_interviews, Permission.read_interviews, Permission.edit_interviews}
    ),
    Role.analyst: frozenset(
        {
            Permission.read_instruments,
            Permission.read_fieldwork,
            Permission.analyse,
            Permission.manage_crime_data,
            Permission.publish_releases,
            Permission.export_microdata,
        }
    ),
}


def has_permission(user: User, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(user.role)]


ACCESS_TOKEN, DEVICE_TOKEN = "access", "device"


TokenLookup = Callable[[Session, str], tuple[Any, User] | None]


def authenticate_token(session: Session, token: str, settings: Settings, kind: str = ACCESS_TOKEN, *,
                       lookup: TokenLookup = users_repository.token_with_user) -> User:
    """The user a token of `kind` belongs to. A device token travels in ODK Collect's server URL, where
    proxies and logs see it, so it opens the OpenRosa endpoints only, never the JSON API; and a login
    token is never accepted in a URL. `lookup`: how the token's state and user are read, by the token's
    digest (`users_repository.token_with_read_only_user` for a caller that never changes the user)."""
    found = lookup(session, token_digest(token, settings.secret_key))
    if found is None:
        raise Unauthorized("The access token is not valid", code="token_invalid")
    access, user = found
    if access.kind != kind:
        raise Unauthorized("The access token is not valid here", code="token_invalid")
    if access.revoked_at is not None:
        raise Unauthorized("The access token has been revoked", code="token_revoked")
    if access.expires_at is not None and access.expires_at <= utcnow():
        raise Unauthorized("The access token has expired", code="token_expired")
    if not user.is_active:
        raise Unauthorized("The account is disabled", code="user_disabled")
    return user



bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def bearer_token(token: Annotated[str | None, Depends(bearer_scheme)]) -> str:
    if not token:
        raise Unauthorized()
    return token


def token_in_header(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header, read as the dependency above reads it; for
    endpoints that authenticate outside the dependency system (the interview intake)."""
    scheme, token = get_authorization_scheme_param(authorization)
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token


def permitted_user(session: Session, authorization: str | None, settings: Settings, permission: Permission, *,
                   lookup: TokenLookup = users_repository.token_with_read_only_user) -> User:
    """`require(permission)` as a plain call: the header's user, who must hold the permission (read-only,
    as `lookup` reads it)."""
    user = authenticate_token(session, token_in_header(authorization), settings, lookup=lookup)
    _check_permission(user, permission)
    return user


def _check_permission(user: User, permission: Permission) -> None:
    if not has_permission(user, permission):
        raise Forbidden(
            f"Your role '{user.role}' does not allow this ({permission.value})",
            code="permission_denied",
            extra={"permission": permission.value},
        )


def current_user(request: Request, session: SessionDep, token: Annotated[str, Depends(bearer_token)]) -> User:
    user = authenticate_token(session, token, request.app.state.settings)
    request.state.user = user
    return user


CurrentUser = Annotated[User, Depends(current_user, scope="function")]


def require(permission: Permission) -> Any:
    """`Depends` marker: the current user must hold `permission`.

    Use as `dependencies=[require(P)]` or `user: Annotated[User, require(P)]`.
    """

    def dependency(user: CurrentUser) -> User:
        _check_permission(user, permission)
        return user

    dependency.required_permission = permission  # read by the authorization-matrix tests
    return Depends(dependency, scope="function")

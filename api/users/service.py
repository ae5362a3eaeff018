"""User rules: creation, login with throttling, token checks and revocation."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.audit import service as audit
from api.config import Settings
from api.db_types import utcnow
from api.errors import Conflict, NotFound, TooManyRequests, Unauthorized
from api.security import DEVICE_TOKEN, hash_password, new_token, token_digest, verify_password
from api.users import repository
from api.users.models import AccessToken, LoginThrottle, User
from api.users.schemas import TokenResponse, UserCreate, UserUpdate


def create_user(session: Session, data: UserCreate, *, actor: User | None) -> User:
    if repository.get_by_username(session, data.username) is not None:
        raise Conflict(f"A user named '{data.username}' already exists", code="username_taken")
    user = User(
        **data.model_dump(exclude={"password"}),
        password_hash=hash_password(data.password),
    )
    try:
        with session.begin_nested():
            repository.add(session, user)
    except IntegrityError as exc:  # a concurrent create won the race
        raise Conflict(f"A user named '{data.username}' already exists", code="username_taken") from exc
    audit.record(session, actor, "user.create", "user", user.id, {"username": user.username, "role": user.role})
    return user


def get_user(session: Session, user_id: int) -> User:
    user = repository.get(session, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}", code="user_not_found")
    return user


def update_user(session: Session, user_id: int, data: UserUpdate, *, actor: User | None) -> User:
    user = get_user(session, user_id)
    changes = data.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    for field, value in changes.items():
        setattr(user, field, value)
    if password is not None:
        user.password_hash = hash_password(password)
    if password is not None or changes.get("is_active") is False:
        # A new password or a disabled account ends every session the user had.
        repository.revoke_all_tokens(session, user.id, utcnow())
    repository.add(session, user)
    audit.record(session, actor, "user.update", "user", user.id, {"fields": sorted(data.model_fields_set)})
    return user


def disable_user(session: Session, username: str, *, actor: User | None) -> User:
    user = repository.get_by_username(session, username)
    if user is None:
        raise NotFound(f"No user named '{username}'", code="user_not_found")
    return update_user(session, user.id, UserUpdate(is_active=False), actor=actor)


def verify_credentials(session: Session, engine: Engine, settings: Settings, username: str, password: str) -> User:
    """The active user with this password, under the failed-login throttle (429 while locked)."""
    username = username.strip().lower()
    now = utcnow()
    throttle = repository.get_throttle(session, username)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        wait = max(1, int((throttle.locked_until - now).total_seconds() + 0.999))
        raise TooManyRequests(
            f"Too many failed logins for this account; try again in {wait} s",
            code="login_throttled",
            headers={"Retry-After": str(wait)},
        )
    user = repository.get_by_username(session, username)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.is_active:
        _record_failure(engine, settings, username)
        raise Unauthorized("Incorrect username or password", code="invalid_credentials")
    repository.clear_throttle(session, username)
    return user


def login(session: Session, engine: Engine, settings: Settings, username: str, password: str) -> TokenResponse:
    user = verify_credentials(session, engine, settings, username, password)
    now = utcnow()
    token = new_token()
    expires_at = now + timedelta(minutes=settings.access_token_minutes)
    repository.add_token(
        session,
        AccessToken(user_id=user.id, token_hash=token_digest(token, settings.secret_key), expires_at=expires_at),
    )
    audit.record(session, user, "auth.login", "user", user.id, None)
    return TokenResponse(access_token=token, expires_at=expires_at)


def _record_failure(engine: Engine, settings: Settings, username: str) -> None:
    # Written in its own transaction: the request is about to fail and roll back, but the
    # failure must still count.
    with Session(engine) as own:
        throttle = repository.get_throttle(own, username) or LoginThrottle(username=username)
        throttle.failures += 1
        excess = throttle.failures - settings.login_failures_before_delay
        if excess >= 0:
            delay = min(2**excess, settings.login_max_delay_seconds)
            throttle.locked_until = utcnow() + timedelta(seconds=delay)
        repository.save_throttle(own, throttle)
        own.commit()


def logout(session: Session, token: str, settings: Settings) -> None:
    found = repository.token_with_user(session, token_digest(token, settings.secret_key))
    if found is not None:
        access, user = found
        repository.revoke_token(session, access.id, utcnow())
        audit.record(session, user, "auth.logout", "user", user.id, None)


def list_users(session: Session, *, offset: int, limit: int) -> tuple[list[User], int]:
    return repository.list_users(session, offset=offset, limit=limit)


def create_device_token(session: Session, settings: Settings, user_id: int, label: str, *, actor: User) -> tuple[AccessToken, str]:
    """A long-lived token for one device (ODK Collect puts it in the server URL); revocable."""
    user = get_user(session, user_id)
    token = new_token()
    row = repository.add_token(
        session,
        AccessToken(user_id=user.id, token_hash=token_digest(token, settings.secret_key), kind=DEVICE_TOKEN, label=label),
    )
    audit.record(session, actor, "device_token.create", "user", user.id, {"token_id": row.id, "label": label})
    return row, token


def list_device_tokens(session: Session, user_id: int) -> list[AccessToken]:
    get_user(session, user_id)
    return repository.tokens_of(session, user_id, kind=DEVICE_TOKEN)


def revoke_device_token(session: Session, user_id: int, token_id: int, *, actor: User) -> None:
    token = next((t for t in repository.tokens_of(session, user_id, kind=DEVICE_TOKEN) if t.id == token_id), None)
    if token is None:
        raise NotFound(f"No device token {token_id} for user {user_id}", code="token_not_found")
    repository.revoke_token(session, token.id, utcnow())
    audit.record(session, actor, "device_token.revoke", "user", user_id, {"token_id": token_id})

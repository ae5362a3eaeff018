"""All SQL touching users, tokens and the login throttle."""

import threading
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select, update

from api.direct_queries import DirectQuery
from api.users.models import AccessToken, LoginThrottle, User


def get_by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session, *, offset: int, limit: int) -> tuple[list[User], int]:
    from sqlalchemy import func

    total = session.exec(select(func.count()).select_from(User)).one()
    users = session.exec(select(User).order_by(col(User.id)).offset(offset).limit(limit)).all()
    return list(users), total


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def add_token(session: Session, token: AccessToken) -> AccessToken:
    session.add(token)
    session.flush()
    return token


def token_with_user(session: Session, token_hash: str) -> tuple[AccessToken, User] | None:
    row = session.exec(
        select(AccessToken, User).join(User, col(User.id) == col(AccessToken.user_id)).where(
            AccessToken.token_hash == token_hash
        )
    ).first()
    return (row[0], row[1]) if row else None


_USER_COLUMNS = tuple(User.__table__.columns)  # type: ignore[attr-defined]
_USER_KEYS = tuple(column.key for column in _USER_COLUMNS)
_TOKENS = AccessToken.__table__  # type: ignore[attr-defined]
# A token's state (kind, revocation, expiry) and its user's columns, in that order, for the bound
# `token_hash`: queries that read more beside it (the interview intake's) add their columns after these.
TOKEN_STATE = (
    core_select(_TOKENS.c.kind, _TOKENS.c.revoked_at, _TOKENS.c.expires_at, *_USER_COLUMNS)
    .join(User.__table__, User.__table__.c.id == _TOKENS.c.user_id)  # type: ignore[attr-defined]
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)
TOKEN_STATE_WIDTH = 3 + len(_USER_COLUMNS)
# Built once with a bound parameter: the query runs on every request of the interview intake.
_TOKEN_STATE = DirectQuery(TOKEN_STATE)
_read_only_users: dict[tuple, User] = {}
_READ_ONLY_USERS_KEPT = 1024
_read_only_users_lock = threading.Lock()


def token_with_read_only_user(session: Session, token_hash: str) -> tuple[Any, User] | None:
    """`token_with_user` for a request that only reads its user: one Core query, and the user as a
    detached object shared by requests (see `read_only_user`). Never add it to a session."""
    row = _TOKEN_STATE.first(session, {"token_hash": token_hash})
    return None if row is None else (row, read_only_user(row))


def read_only_user(token_state: Any) -> User:
    """The user of a `TOKEN_STATE` row, as a detached object shared by requests while every one of its
    columns reads the same (a changed role, password or account state gives a new object, so nothing
    is ever stale)."""
    values = tuple(token_state[3:TOKEN_STATE_WIDTH])
    user = _read_only_users.get(values)
    if user is None:
        user = User.model_construct(**dict(zip(_USER_KEYS, values, strict=True)))
        with _read_only_users_lock:
            if len(_read_only_users) >= _READ_ONLY_USERS_KEPT:
                _read_only_users.pop(next(iter(_read_only_users)))
            user = _read_only_users.setdefault(values, user)
    return user


def revoke_token(session: Session, token_id: int, at: datetime) -> None:
    session.exec(
        update(AccessToken).where(col(AccessToken.id) == token_id, col(AccessToken.revoked_at).is_(None)).values(
            revoked_at=at
        )
    )


def revoke_all_tokens(session: Session, user_id: int, at: datetime) -> None:
    session.exec(
        update(AccessToken)
        .where(col(AccessToken.user_id) == user_id, col(AccessToken.revoked_at).is_(None))
        .values(revoked_at=at)
    )


def get_throttle(session: Session, username: str) -> LoginThrottle | None:
    return session.get(LoginThrottle, username)


def save_throttle(session: Session, throttle: LoginThrottle) -> None:
    session.add(throttle)
    session.flush()


def clear_throttle(session: Session, username: str) -> None:
    throttle = session.get(LoginThrottle, username)
    if throttle is not None:
        session.delete(throttle)
        session.flush()


def tokens_of(session: Session, user_id: int, *, kind: str) -> list[AccessToken]:
    return list(
        session.exec(
            select(AccessToken).where(AccessToken.user_id == user_id, AccessToken.kind == kind).order_by(col(AccessToken.id))
        ).all()
    )

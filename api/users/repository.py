"""All SQL touching users, tokens and the login throttle."""

from datetime import datetime

from sqlmodel import Session, col, select, update

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

"""Moderator accounts: argon2 password hashes, verified in constant time."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.complaints.models import Moderator

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def create_moderator(session: Session, email: str, password: str) -> Moderator:
    """Create (or reset the password of) a moderator. Raises ValueError for a short password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    email = email.strip().lower()
    moderator = session.scalar(select(Moderator).where(Moderator.email == email))
    if moderator is None:
        moderator = Moderator(email=email, created_at=dt.datetime.now(dt.UTC), active=True)
        session.add(moderator)
    moderator.password_hash = _hasher.hash(password)
    moderator.active = True
    session.flush()
    return moderator


def authenticate(session: Session, email: str, password: str) -> Moderator | None:
    """The active moderator with these credentials, or None."""
    moderator = session.scalar(
        select(Moderator).where(func.lower(Moderator.email) == email.strip().lower())
    )
    try:
        _hasher.verify(moderator.password_hash if moderator else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if moderator is None or not moderator.active:
        return None
    if _hasher.check_needs_rehash(moderator.password_hash):
        moderator.password_hash = _hasher.hash(password)
    return moderator

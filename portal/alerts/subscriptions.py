"""Follow by email without an account: request, confirm (double opt-in), end, forget.

Nothing is sent to an address until its owner clicks the emailed link, and a request answers the
same whether or not the address is already known, so the form never tells who follows what.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from portal.alerts.changes import latest_change_id
from portal.alerts.models import KINDS, Subscriber, Subscription
from portal.investments.models import ExecutingUnit, Investment, Place
from portal.search.filters import FILTER_PARAMS, Filters

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class FollowRequest:
    """What a confirmation email needs: the address, what it follows, the link's token."""

    email: str
    label: str
    confirm_token: str | None
    language: str


def normalise_email(text: str) -> str | None:
    """The address as typed, trimmed; None when it cannot be an address."""
    email = (text or "").strip()
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL.match(email):
        return None
    return email


def canonical_search(query_string: str) -> str:
    """A search's filters as one canonical query string (same filters, same subscription)."""
    filters = Filters.from_args(dict(parse_qsl(query_string)))
    args = filters.as_args(pagina=1, orden="relevancia")
    return urlencode([(name, args[name]) for name in FILTER_PARAMS if name in args])


def describe_target(session: Session, kind: str, target: str) -> str | None:
    """What is followed, in words; None when it does not exist (nothing to follow)."""
    if kind == "investment":
        name = session.scalar(select(Investment.name).where(Investment.cui == target))
        return f"{name} (CUI {target})" if name else None
    if kind == "place":
        return session.scalar(select(Place.name).where(Place.ubigeo == target))
    if kind == "closures":
        unit = session.scalar(select(ExecutingUnit.name).where(ExecutingUnit.sec_ejec == target))
        return gettext("Obras pendientes de cierre de %(unit)s", unit=unit) if unit else None
    if kind == "supplier":
        from portal.contracts.models import ContractAward

        name = session.scalar(
            select(func.max(ContractAward.supplier)).where(ContractAward.ruc == target)
        )
        if name is None:
            return None
        return gettext("Procesos de contratación de %(name)s (RUC %(ruc)s)", name=name, ruc=target)
    if kind == "search":
        filters = Filters.from_args(dict(parse_qsl(target)))
        parts = [filters.q] if filters.q else []
        parts += [f"{name}: {value}" for name, value in filters.active.items()]
        return " · ".join(parts) or None
    return None


def request_follow(
    session: Session,
    email: str,
    kind: str,
    target: str,
    label: str,
    language: str,
    now: dt.datetime | None = None,
) -> FollowRequest:
    """Record a pending subscription; the caller emails the confirmation link.

    An address already following the same thing gets no new token (nothing to confirm) and the
    caller sends nothing, but the person sees the same answer.
    """
    assert kind in KINDS
    now = now or dt.datetime.now(dt.UTC)
    subscriber = session.scalar(select(Subscriber).where(Subscriber.email == email))
    if subscriber is None:
        subscriber = Subscriber(
            email=email, token=secrets.token_urlsafe(32), created_at=now, language=language
        )
        session.add(subscriber)
        session.flush()
    existing = session.scalar(
        select(Subscription).where(
            Subscription.subscriber_id == subscriber.id,
            Subscription.kind == kind,
            Subscription.target == target,
            Subscription.ended_at.is_(None),
        )
    )
    if existing is not None and existing.confirmed_at is not None:
        return FollowRequest(email, label, None, subscriber.language)
    if existing is None:
        existing = Subscription(
            subscriber_id=subscriber.id,
            kind=kind,
            target=target,
            label=label,
            requested_at=now,
            last_change_id=0,
        )
        session.add(existing)
    existing.confirm_token = secrets.token_urlsafe(32)
    existing.requested_at = now
    subscriber.language = language
    session.flush()
    return FollowRequest(email, label, existing.confirm_token, language)


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation link found: the subscription and whether this visit confirmed it
    (False: it was confirmed before, by an earlier visit or a mail scanner opening the link)."""

    subscription: Subscription
    newly: bool


def confirm_subscription(
    session: Session, token: str, now: dt.datetime | None = None
) -> Confirmation | None:
    """Confirm by the emailed link; digests start with changes after this moment.

    The link stays valid after use, so opening it again (the person, after their mail scanner
    already did) says "already confirmed" instead of failing. None when the token is unknown or
    its subscription has ended (``find_by_confirm_token`` still tells what it was about).
    """
    subscription = find_by_confirm_token(session, token)
    if subscription is None or subscription.ended_at is not None:
        return None
    if subscription.confirmed_at is not None:
        return Confirmation(subscription, newly=False)
    subscription.confirmed_at = now or dt.datetime.now(dt.UTC)
    subscription.last_change_id = latest_change_id(session)
    session.flush()
    return Confirmation(subscription, newly=True)


def find_by_confirm_token(session: Session, token: str) -> Subscription | None:
    """The subscription (live or ended) a confirmation link belongs to."""
    if not token:
        return None
    return session.scalar(
        select(Subscription)
        .where(Subscription.confirm_token == token)
        .options(selectinload(Subscription.subscriber))
    )


#: Email subjects stay readable in a phone's inbox list; longer names are cut between words.
SUBJECT_LABEL_LENGTH = 90
_CUI_SUFFIX = re.compile(r"^(?P<name>.*\S)(?P<suffix> \(CUI \d+\))$", re.S)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at the last whole word that fits in ``limit`` characters, with "…".

    An investment's label keeps its "(CUI …)" whole and shortens the name before it.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    match = _CUI_SUFFIX.match(text)
    if match and len(match["suffix"]) < limit // 2:
        return shorten(match["name"], limit - len(match["suffix"])) + match["suffix"]
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—(«") + "…"


def find_subscriber(session: Session, token: str) -> Subscriber | None:
    """A subscriber with their subscriptions, by the secret of their manage link."""
    return session.scalar(
        select(Subscriber)
        .where(Subscriber.token == token)
        .options(selectinload(Subscriber.subscriptions))
    )


def end_subscriptions(
    session: Session,
    token: str,
    subscription_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """End one subscription of the subscriber with ``token``, or all of them; returns how many."""
    subscriber_id = session.scalar(select(Subscriber.id).where(Subscriber.token == token))
    if subscriber_id is None:
        return 0
    stmt = update(Subscription).where(
        Subscription.subscriber_id == subscriber_id, Subscription.ended_at.is_(None)
    )
    if subscription_id is not None:
        stmt = stmt.where(Subscription.id == subscription_id)
    # The confirmation token stays: an old link then says what it was about and links to it.
    result = session.execute(stmt.values(ended_at=now or dt.datetime.now(dt.UTC)))
    session.flush()
    return result.rowcount


def purge_subscriptions(session: Session, days: int, now: dt.datetime | None = None) -> int:
    """Forget ended subscriptions and unconfirmed requests older than ``days``, then addresses
    left with nothing to follow (Ley 29733: personal data only as long as it serves its purpose).
    Returns how many addresses were deleted."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    session.execute(delete(Subscription).where(Subscription.ended_at <= cutoff))
    session.execute(
        delete(Subscription).where(
            Subscription.confirmed_at.is_(None), Subscription.requested_at <= cutoff
        )
    )
    orphans = select(Subscriber.id).where(
        ~select(Subscription.id).where(Subscription.subscriber_id == Subscriber.id).exists()
    )
    result = session.execute(delete(Subscriber).where(Subscriber.id.in_(orphans)))
    session.flush()
    return result.rowcount

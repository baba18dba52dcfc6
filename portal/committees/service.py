"""Committees: register them, sign their members in by emailed link, gather what their page and
their report for the public hearing show.

Functions take a session and return plain data; the request commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.alerts.subscriptions import normalise_email
from portal.committees.models import Committee, CommitteeMember, SignInLink
from portal.complaints.models import Observation
from portal.complaints.service import PublicObservation, public_view
from portal.investments.derived import slugify
from portal.investments.models import Investment, Place, Prioritisation


class CommitteeRefused(ValueError):
    """The committee's data cannot be accepted; the message says why (shown to the moderator)."""


def valid_ubigeo(code: str) -> bool:
    """A department (2 digits), province (4) or district (6) code."""
    return code.isascii() and code.isdigit() and len(code) in (2, 4, 6)


def clean_emails(emails: Iterable[str]) -> list[str]:
    """Trimmed, lower-case, without repeats; CommitteeRefused names the first invalid one."""
    cleaned: list[str] = []
    for raw in emails:
        if not raw.strip():
            continue
        email = normalise_email(raw)
        if email is None:
            raise CommitteeRefused(f"not an email address: {raw.strip()!r}")
        if email.lower() not in cleaned:
            cleaned.append(email.lower())
    return cleaned


def save_committee(
    session: Session,
    name: str,
    ubigeo: str,
    year: int,
    members: Iterable[str],
    now: dt.datetime | None = None,
) -> Committee:
    """Register a committee, or add members to the one with the same name and year.

    The slug comes from the name (and the year, when the name does not carry it) and is never
    changed afterwards: it is the committee's public address.
    """
    now = now or dt.datetime.now(dt.UTC)
    name = " ".join(name.split())
    ubigeo = ubigeo.strip()
    if not name:
        raise CommitteeRefused("the committee needs a name")
    if not valid_ubigeo(ubigeo):
        raise CommitteeRefused(f"not a ubigeo (2, 4 or 6 digits): {ubigeo!r}")
    if not 2000 <= year <= 2100:
        raise CommitteeRefused(f"not a participatory budget year: {year}")
    emails = clean_emails(members)
    committee = session.scalar(
        select(Committee).where(Committee.name == name, Committee.year == year)
    )
    if committee is None:
        base = slugify(name if str(year) in name else f"{name} {year}")
        slug, n = base, 1
        while session.scalar(select(Committee.id).where(Committee.slug == slug)) is not None:
            n += 1
            slug = f"{base}-{n}"
        committee = Committee(slug=slug, name=name, year=year, ubigeo=ubigeo, created_at=now)
        session.add(committee)
        session.flush()
    known = set(
        session.scalars(
            select(CommitteeMember.email).where(CommitteeMember.committee_id == committee.id)
        )
    )
    for email in emails:
        if email not in known:
            session.add(CommitteeMember(committee_id=committee.id, email=email, created_at=now))
    session.flush()
    return committee


def set_members(session: Session, committee: Committee, emails: Iterable[str]) -> None:
    """Replace a committee's members by ``emails`` (the moderators' edit form)."""
    wanted = clean_emails(emails)
    session.execute(
        delete(CommitteeMember).where(
            CommitteeMember.committee_id == committee.id, CommitteeMember.email.not_in(wanted)
        )
    )
    save_committee(session, committee.name, committee.ubigeo, committee.year, wanted)


def all_committees(session: Session) -> list[tuple[Committee, int]]:
    """Every committee with its number of members, newest year first."""
    rows = session.execute(
        select(Committee, func.count(CommitteeMember.id))
        .outerjoin(CommitteeMember, CommitteeMember.committee_id == Committee.id)
        .group_by(Committee.id)
        .order_by(Committee.year.desc(), Committee.name)
    ).all()
    return [(committee, count) for committee, count in rows]


def committee_by_slug(session: Session, slug: str) -> Committee | None:
    return session.scalar(select(Committee).where(Committee.slug == slug))


def member_emails(session: Session, committee: Committee) -> list[str]:
    return list(
        session.scalars(
            select(CommitteeMember.email)
            .where(CommitteeMember.committee_id == committee.id)
            .order_by(CommitteeMember.id)
        )
    )


def committees_of(session: Session, email: str | None) -> list[Committee]:
    """The committees this address is a member of (none for None)."""
    if not email:
        return []
    return list(
        session.scalars(
            select(Committee)
            .join(CommitteeMember, CommitteeMember.committee_id == Committee.id)
            .where(CommitteeMember.email == email.strip().lower())
            .order_by(Committee.year.desc(), Committee.name)
        )
    )


def place_name(session: Session, ubigeo: str) -> str:
    return session.scalar(select(Place.name).where(Place.ubigeo == ubigeo)) or ubigeo


# --- Sign-in by emailed link ----------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_sign_in(
    session: Session, email: str, minutes: int, now: dt.datetime | None = None
) -> str | None:
    """A new one-time token for a member's address, or None for any other address.

    The caller emails the link only when there is a token, and answers the same either way.
    Spent and expired links are deleted here, so the table stays small.
    """
    now = now or dt.datetime.now(dt.UTC)
    session.execute(
        delete(SignInLink).where(or_(SignInLink.expires_at < now, SignInLink.used_at.is_not(None)))
    )
    email = email.strip().lower()
    if not committees_of(session, email):
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            token_hash=_hash(token),
            email=email,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    session.flush()
    return token


def redeem_sign_in(session: Session, token: str, now: dt.datetime | None = None) -> str | None:
    """The member's address for a valid, unused, unexpired token (spending it), or None."""
    now = now or dt.datetime.now(dt.UTC)
    link = session.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(token)))
    if link is None or link.used_at is not None:
        return None
    expires = link.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.UTC)
    if expires < now:
        return None
    link.used_at = now
    session.flush()
    return link.email if committees_of(session, link.email) else None


def attach_committee(
    session: Session, observation: Observation, email: str | None, committee_id: str | None
) -> Committee | None:
    """Mark ``observation`` as sent on behalf of a committee the signed-in ``email`` belongs to.

    Anything else (no member signed in, a committee they are not in) leaves it a citizen's own.
    """
    if not committee_id or not str(committee_id).isdigit():
        return None
    for committee in committees_of(session, email):
        if committee.id == int(committee_id):
            observation.committee_id = committee.id
            session.flush()
            return committee
    return None


# --- The committee's page, CSV and report ---------------------------------------------------


@dataclass(frozen=True)
class PrioritisedInvestment:
    """One investment the committee follows, with the facts its report shows."""

    cui: str
    name: str
    rank: int | None
    amount: Decimal | None
    act: str | None
    investment: Investment | None


@dataclass(frozen=True)
class CommitteeObservation:
    """One of the committee's published observations and how long it waited for a reply."""

    observation: PublicObservation
    investment: str
    routed_to_name: str | None
    routed_at: dt.datetime | None
    days_waited: int
    answered: bool


def prioritised_investments(session: Session, committee: Committee) -> list[PrioritisedInvestment]:
    """The year's prioritised investments in the committee's place, or naming the committee."""
    rows = session.execute(
        select(Prioritisation, Investment)
        .outerjoin(Investment, Investment.cui == Prioritisation.cui)
        .where(
            Prioritisation.year == committee.year,
            or_(
                Prioritisation.ubigeo.startswith(committee.ubigeo),
                Prioritisation.committee == committee.name,
            ),
        )
        .order_by(Prioritisation.rank.is_(None), Prioritisation.rank, Prioritisation.cui)
    ).all()
    return [
        PrioritisedInvestment(
            cui=p.cui,
            name=(inv.name if inv else None) or p.name or p.cui,
            rank=p.rank,
            amount=p.amount,
            act=p.act,
            investment=inv,
        )
        for p, inv in rows
    ]


def _days(start: dt.datetime, end: dt.datetime) -> int:
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=dt.UTC)
    return max(0, (end - start).days)


def committee_observations(
    session: Session, committee: Committee, now: dt.datetime | None = None
) -> list[CommitteeObservation]:
    """The committee's published observations, newest first; days waited counts from sending
    to the official reply, or to today while there is none."""
    now = now or dt.datetime.now(dt.UTC)
    rows = session.execute(
        select(Observation, Investment.name)
        .outerjoin(Investment, Investment.cui == Observation.cui)
        .where(Observation.committee_id == committee.id, Observation.is_public.is_(True))
        .options(selectinload(Observation.photos), selectinload(Observation.documents))
        .order_by(Observation.created_at.desc(), Observation.id.desc())
    ).all()
    return [
        CommitteeObservation(
            observation=public_view(obs),
            investment=name or obs.cui,
            routed_to_name=obs.routed_to_name,
            routed_at=obs.routed_at,
            days_waited=_days(obs.created_at, obs.replied_at or now),
            answered=obs.replied_at is not None,
        )
        for obs, name in rows
    ]


@dataclass(frozen=True)
class ReportSection:
    """One investment in the report: its facts and the committee's observations about it."""

    cui: str
    name: str
    prioritised: PrioritisedInvestment | None
    investment: Investment | None
    observations: list[CommitteeObservation]


def report_sections(
    session: Session, committee: Committee, now: dt.datetime | None = None
) -> list[ReportSection]:
    """The prioritised investments, then any other the committee observed, each with its
    observations."""
    prioritised = prioritised_investments(session, committee)
    observations = committee_observations(session, committee, now)
    by_cui: dict[str, list[CommitteeObservation]] = {}
    for item in observations:
        by_cui.setdefault(item.observation.cui, []).append(item)
    sections = [
        ReportSection(p.cui, p.name, p, p.investment, by_cui.pop(p.cui, [])) for p in prioritised
    ]
    for cui, items in by_cui.items():
        investment = session.get(Investment, cui)
        sections.append(
            ReportSection(cui, investment.name if investment else cui, None, investment, items)
        )
    # Observed investments first: they are what the hearing asks about.
    sections.sort(key=lambda s: not s.observations)
    return sections

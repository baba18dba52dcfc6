"""Observations on the public side: record one, look it up by code, list what is published.

Functions take a session and return plain data; the request commits once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.complaints.documents import StoredDocument
from portal.complaints.labels import STATUS_LABELS
from portal.complaints.models import (
    Observation,
    ObservationDocument,
    ObservationEvent,
    ObservationPhoto,
)
from portal.complaints.outbox import queue_mail
from portal.complaints.photos import StoredPhoto
from portal.complaints.redaction import redact_personal_data
from portal.investments.labels import STATUS_LABELS as INVESTMENT_STATUS_LABELS
from portal.investments.models import Investment
from portal.investments.place_queries import place_condition
from portal.places import place_line
from portal.search.filters import MAX_QUERY_LENGTH, Filters
from portal.search.queries import find_code, find_investments

#: Crockford-style alphabet without 0/1 (read as O/I) and without I, L, O, U: easy to dictate.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "VC"


def new_tracking_code() -> str:
    """'VC-7K3F-9Q2M': 8 random symbols (about 39 bits), from ``secrets``."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{symbols[:4]}-{symbols[4:]}"


def normalise_code(text: str) -> str:
    """What a person typed ('vc 7k3f9q2m') in canonical form ('VC-7K3F-9Q2M')."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    compact = compact.removeprefix(CODE_PREFIX)
    if len(compact) != 8:
        return text.strip().upper()
    return f"{CODE_PREFIX}-{compact[:4]}-{compact[4:]}"


@dataclass(frozen=True)
class InvestmentChoice:
    cui: str
    name: str
    place: str
    executing_unit: str | None
    sec_ejec: str | None
    status: str = ""


@dataclass(frozen=True)
class ChoiceSearch:
    """What the form's investment search found: the first matches, how many in all, and whether
    none had every word (then these have the most of them, as /buscar says too)."""

    choices: list[InvestmentChoice]
    total: int
    partial: bool = False


def find_investment_choice(session: Session, cui: str) -> InvestmentChoice | None:
    row = session.get(Investment, cui.strip()) if cui and cui.strip().isdigit() else None
    return _choice(row) if row else None


def search_investment_choices(session: Session, query: str, limit: int = 20) -> ChoiceSearch:
    """Investments for the observation form, found exactly as /buscar finds them: a CUI or SNIP
    code, everyday words ("posta", "colegio"), places and typos all go through the search index."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return ChoiceSearch([], 0)
    cui = find_code(session, query)
    if cui:
        choice = find_investment_choice(session, cui)
        return ChoiceSearch([choice] if choice else [], 1 if choice else 0)
    found = find_investments(session, Filters(q=query), page_size=limit)
    return ChoiceSearch([_choice(row) for row in found.investments], found.total, found.partial)


def _choice(row: Investment) -> InvestmentChoice:
    place = place_line(row.ubigeo, row.province, row.district)
    return InvestmentChoice(
        cui=row.cui,
        name=row.name,
        place=place,
        executing_unit=row.executing_unit_name or row.entity,
        sec_ejec=row.sec_ejec,
        status=str(INVESTMENT_STATUS_LABELS.get(row.status, "")) if row.status else "",
    )


@dataclass
class NewObservation:
    """What the form delivered, already validated."""

    cui: str
    category: str
    description: str
    location: str | None = None
    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    publish_name: bool = False
    photos: Sequence[StoredPhoto] = field(default_factory=list)
    documents: Sequence[StoredDocument] = field(default_factory=list)


def record_observation(
    session: Session,
    data: NewObservation,
    ip_hash: str,
    status_url: Callable[[str], str],
    now: dt.datetime | None = None,
) -> Observation:
    """Store a new observation with a fresh tracking code, its photos, and the receipt email."""
    now = now or dt.datetime.now(dt.UTC)
    code = new_tracking_code()
    while session.scalar(select(Observation.id).where(Observation.code == code)) is not None:
        code = new_tracking_code()
    observation = Observation(
        code=code,
        cui=data.cui,
        category=data.category,
        description=data.description,
        location=data.location or None,
        name=data.name or None,
        organisation=data.organisation or None,
        email=data.email or None,
        phone=data.phone or None,
        publish_name=data.publish_name,
        consent_at=now,
        status="received",
        is_public=False,
        ip_hash=ip_hash,
        created_at=now,
    )
    session.add(observation)
    session.flush()
    for position, photo in enumerate(data.photos):
        session.add(
            ObservationPhoto(
                observation_id=observation.id,
                position=position,
                filename=photo.filename,
                thumbnail=photo.thumbnail,
                width=photo.width,
                height=photo.height,
            )
        )
    for position, document in enumerate(data.documents):
        session.add(
            ObservationDocument(
                observation_id=observation.id,
                position=position,
                filename=document.filename,
                original_name=document.original_name,
                size=document.size,
            )
        )
    add_event(session, observation, "received", None, now)
    if observation.email:
        queue_mail(
            session,
            observation.email,
            _("Recibimos su observación %(code)s", code=code),
            _(
                "Gracias. Recibimos su observación sobre la inversión con CUI %(cui)s.\n\n"
                "Su código de seguimiento es: %(code)s\n"
                "Puede ver en qué estado está en: %(url)s\n\n"
                "Le escribiremos cada vez que cambie de estado.",
                cui=data.cui,
                code=code,
                url=status_url(code),
            ),
            observation.id,
        )
    return observation


def add_event(
    session: Session, observation: Observation, status: str, note: str | None, now: dt.datetime
) -> ObservationEvent:
    event = ObservationEvent(
        observation_id=observation.id, status=status, note=note, created_at=now
    )
    session.add(event)
    session.flush()
    return event


def notify_status_change(
    session: Session,
    observation: Observation,
    status: str,
    note: str | None,
    status_url: Callable[[str], str],
) -> None:
    """Email the sender (when they left an email) about the observation's new stage."""
    if not observation.email:
        return
    label = STATUS_LABELS.get(status, status)
    body = _(
        "Su observación %(code)s cambió de estado: %(status)s.",
        code=observation.code,
        status=label,
    )
    if note:
        body += "\n\n" + note
    body += "\n\n" + _("Vea el detalle en: %(url)s", url=status_url(observation.code))
    queue_mail(
        session,
        observation.email,
        _("Su observación %(code)s: %(status)s", code=observation.code, status=label),
        body,
        observation.id,
    )


def find_observation(session: Session, code: str) -> Observation | None:
    """An observation with its timeline and photos, by tracking code."""
    return session.scalar(
        select(Observation)
        .where(Observation.code == normalise_code(code))
        .options(
            selectinload(Observation.events),
            selectinload(Observation.photos),
            selectinload(Observation.documents),
        )
    )


@dataclass(frozen=True)
class PublicObservation:
    """An observation as the public sees it: redacted text, the author only if they agreed."""

    code: str
    cui: str
    category: str
    text: str
    location: str
    author: str | None
    status: str
    created_at: dt.datetime
    photos: list[tuple[str, str]]
    reply: str | None
    replied_at: dt.datetime | None
    #: (name, slug) of the comité de vigilancia it was sent for, verified by the portal.
    committee: tuple[str, str] | None = None
    #: The sender's word on the official reply ("resolved"/"not_resolved"), when and their
    #: comment (redacted; shown on the status page only, as it is not moderated).
    sender_answer: str | None = None
    sender_answered_at: dt.datetime | None = None
    sender_comment: str | None = None
    #: PDF attachments as (stored filename, name sent, bytes): listed, downloaded, never shown.
    documents: list[tuple[str, str, int]] = field(default_factory=list)


def public_view(observation: Observation) -> PublicObservation:
    author = None
    if observation.publish_name:
        author = " · ".join(p for p in (observation.name, observation.organisation) if p) or None
    return PublicObservation(
        code=observation.code,
        cui=observation.cui,
        category=observation.category,
        text=redact_personal_data(observation.description),
        location=redact_personal_data(observation.location),
        author=author,
        status=observation.status,
        created_at=observation.created_at,
        photos=[(p.filename, p.thumbnail) for p in observation.photos],
        reply=observation.reply,
        replied_at=observation.replied_at,
        committee=(observation.committee.name, observation.committee.slug)
        if observation.committee
        else None,
        sender_answer=observation.sender_answer,
        sender_answered_at=observation.sender_answered_at,
        sender_comment=redact_personal_data(observation.sender_comment) or None,
        documents=[(d.filename, d.original_name, d.size) for d in observation.documents],
    )


def published_observations(session: Session, cui: str) -> list[PublicObservation]:
    """Published observations of one investment, newest first, ready for its page."""
    rows = session.scalars(
        select(Observation)
        .where(Observation.cui == cui, Observation.is_public.is_(True))
        .options(selectinload(Observation.photos), selectinload(Observation.documents))
        .order_by(Observation.created_at.desc())
    ).all()
    return [public_view(row) for row in rows]


def count_published_by_ubigeo(session: Session) -> dict[str, int]:
    """Published observations per district ubigeo (6 digits); sum by prefix for provinces."""
    rows = session.execute(
        select(Investment.ubigeo, func.count(Observation.id))
        .join(Investment, Investment.cui == Observation.cui)
        .where(Observation.is_public.is_(True), Investment.ubigeo.is_not(None))
        .group_by(Investment.ubigeo)
    ).all()
    return {ubigeo: count for ubigeo, count in rows}


def photo_is_visible(session: Session, filename: str, moderator: bool) -> bool:
    """Photos are public only once their observation is published; moderators see all."""
    is_public = session.execute(
        select(Observation.is_public)
        .join(ObservationPhoto, ObservationPhoto.observation_id == Observation.id)
        .where(or_(ObservationPhoto.filename == filename, ObservationPhoto.thumbnail == filename))
    ).scalar_one_or_none()
    return is_public is not None and (is_public or moderator)


def visible_document(session: Session, filename: str, moderator: bool) -> str | None:
    """The name to download a PDF under, when its observation is published (or for moderators)."""
    row = session.execute(
        select(Observation.is_public, ObservationDocument.original_name)
        .join(ObservationDocument, ObservationDocument.observation_id == Observation.id)
        .where(ObservationDocument.filename == filename)
    ).one_or_none()
    if row is None or not (row.is_public or moderator):
        return None
    return row.original_name


@dataclass(frozen=True)
class PlaceObservations:
    """How many observations are published about a place's investments, and the latest ones."""

    count: int
    latest: list[tuple[PublicObservation, str]]  # (observation, investment name)


def find_place_observations(session: Session, ubigeo: str, limit: int = 5) -> PlaceObservations:
    """Published observations about investments in a province (4 digits) or district (6)."""
    where = (Observation.is_public.is_(True), place_condition(ubigeo))
    count = session.scalar(
        select(func.count(Observation.id))
        .join(Investment, Investment.cui == Observation.cui)
        .where(*where)
    )
    rows = session.execute(
        select(Observation, Investment.name)
        .join(Investment, Investment.cui == Observation.cui)
        .where(*where)
        .options(selectinload(Observation.photos), selectinload(Observation.documents))
        .order_by(Observation.created_at.desc(), Observation.id.desc())
        .limit(limit)
    ).all()
    return PlaceObservations(
        count=count or 0, latest=[(public_view(obs), name) for obs, name in rows]
    )

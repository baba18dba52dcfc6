"""Moderators' work on observations: review, publish, hide, route, reply, close — all audited.

Nothing is deleted: hiding keeps the observation with its reason, and each step adds to the public
timeline, emails the sender (if they left an email) and writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.complaints.labels import ROUTE_LABELS
from portal.complaints.models import (
    ROUTE_TARGETS,
    AuditEntry,
    Moderator,
    Observation,
    OutboxMessage,
)
from portal.complaints.service import add_event, find_investment_choice, notify_status_change

PENDING = ("received", "under_review")


class ActionRefused(ValueError):
    """The action does not fit the observation's stage; the message is shown to the moderator."""


def record_audit(
    session: Session,
    moderator: Moderator | None,
    action: str,
    code: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            moderator_id=moderator.id if moderator else None,
            moderator_email=moderator.email if moderator else None,
            action=action,
            observation_code=code,
            detail=detail,
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    session.flush()


def apply_action(
    session: Session,
    moderator: Moderator,
    observation: Observation,
    action: str,
    status_url: Callable[[str], str],
    text: str = "",
    target: str = "",
) -> None:
    """Run one moderator action; raises ActionRefused when it cannot apply."""
    if observation.status == "closed":
        raise ActionRefused(_("La observación está cerrada."))
    now = dt.datetime.now(dt.UTC)
    text = text.strip()
    note: str | None = None
    if action == "review":
        if observation.status != "received":
            raise ActionRefused(_("La observación ya fue revisada."))
        observation.status = "under_review"
    elif action == "publish":
        observation.is_public = True
        observation.hidden_reason = None
        # Publishing after routing keeps the case's stage; it only changes visibility.
        if observation.status in PENDING + ("not_published",):
            observation.status = "published"
    elif action == "hide":
        if not text:
            raise ActionRefused(_("Escriba el motivo para no publicar."))
        observation.is_public = False
        observation.hidden_reason = text
        if observation.status in PENDING + ("published",):
            observation.status = "not_published"
        note = text
    elif action == "route":
        if target not in ROUTE_TARGETS:
            raise ActionRefused(_("Elija a quién derivar la observación."))
        observation.routed_to = target
        observation.routed_to_name = routing_name(session, observation.cui, target)
        observation.routed_at = now
        observation.status = "routed"
        note = _("Derivada a: %(name)s", name=observation.routed_to_name)
    elif action == "reply":
        if observation.status not in ("routed", "answered"):
            raise ActionRefused(_("Primero derive la observación; la respuesta es de la entidad."))
        if not text:
            raise ActionRefused(_("Escriba la respuesta oficial."))
        observation.reply = text
        observation.replied_at = now
        observation.status = "answered"
        note = _("Respuesta oficial: %(reply)s", reply=text)
    elif action == "close":
        observation.status = "closed"
        observation.closed_at = now
        note = text or None
    else:
        raise ActionRefused(_("Acción desconocida."))
    if action in ("route", "reply", "close"):
        observation.reopened_at = None  # the moderators acted on the sender's "no se resolvió"
    event_status = {"publish": "published", "hide": "not_published"}.get(action, observation.status)
    add_event(session, observation, event_status, note, now)
    record_audit(session, moderator, action, observation.code, note or target or None)
    notify_status_change(session, observation, event_status, note, status_url)


def routing_name(session: Session, cui: str, target: str) -> str:
    """The entity a complaint goes to, named from the investment's executing unit."""
    choice = find_investment_choice(session, cui)
    unit = (choice.executing_unit if choice else None) or _("entidad sin identificar")
    if target == "executing_unit":
        return unit
    if target == "oci":
        return _("Órgano de Control Institucional de %(unit)s", unit=unit)
    return str(ROUTE_LABELS["contraloria"])


def moderation_queue(
    session: Session, stage: str = "pending", limit: int = 200
) -> list[Observation]:
    """Observations for the moderators' list: pending first by default, oldest first.

    Pending includes the cases their sender reopened ("no se resolvió") until a moderator routes,
    answers or closes them again.
    """
    stmt = select(Observation)
    if stage == "pending":
        stmt = stmt.where(
            or_(Observation.status.in_(PENDING), Observation.reopened_at.is_not(None))
        ).order_by(Observation.created_at)
    else:
        stmt = stmt.where(Observation.status == stage).order_by(Observation.created_at.desc())
    return list(session.scalars(stmt.limit(limit)).all())


def observation_for_moderator(session: Session, code: str) -> Observation | None:
    return session.scalar(
        select(Observation)
        .where(Observation.code == code)
        .options(
            selectinload(Observation.events),
            selectinload(Observation.photos),
            selectinload(Observation.documents),
        )
    )


def outbox_for(session: Session, observation_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.observation_id == observation_id)
            .order_by(OutboxMessage.id)
        ).all()
    )


@dataclass(frozen=True)
class RoutedRow:
    code: str
    cui: str
    investment: str
    category: str
    description: str
    location: str
    routed_to_name: str
    routed_at: dt.datetime
    created_at: dt.datetime
    photos: int
    #: Who sent it, when public: the comité de vigilancia (verified) or the name they published.
    sent_by: str = ""


def routed_batch(session: Session, target: str, unit: str = "") -> list[RoutedRow]:
    """Observations routed to ``target`` (optionally one entity by name) and not yet answered.

    The export carries the original text: it goes to the control body, which needs the facts.
    Contact data stays out; the entity answers through the portal.
    """
    stmt = (
        select(Observation)
        .where(Observation.status == "routed", Observation.routed_to == target)
        .options(selectinload(Observation.photos), selectinload(Observation.documents))
        .order_by(Observation.routed_at)
    )
    if unit:
        stmt = stmt.where(Observation.routed_to_name == unit)
    rows = []
    for obs in session.scalars(stmt).all():
        choice = find_investment_choice(session, obs.cui)
        rows.append(
            RoutedRow(
                code=obs.code,
                cui=obs.cui,
                investment=choice.name if choice else "",
                category=obs.category,
                description=obs.description,
                location=obs.location or "",
                routed_to_name=obs.routed_to_name or "",
                routed_at=obs.routed_at,
                created_at=obs.created_at,
                photos=len(obs.photos),
                sent_by=public_sender(obs),
            )
        )
    return rows


def public_sender(observation: Observation) -> str:
    """The sender as the public sees them: a committee (verified by the portal) and/or the name
    and organisation the person agreed to publish; empty for an anonymous sender."""
    parts = []
    if observation.committee is not None:
        parts.append(
            _("%(committee)s (registrado por el portal)", committee=observation.committee.name)
        )
    if observation.publish_name:
        parts += [p for p in (observation.name, observation.organisation) if p]
    return " · ".join(parts)


def routed_entities(session: Session) -> list[tuple[str, str, int]]:
    """(target, entity name, observations waiting) for the export page."""
    rows = session.execute(
        select(Observation.routed_to, Observation.routed_to_name, func.count(Observation.id))
        .where(Observation.status == "routed")
        .group_by(Observation.routed_to, Observation.routed_to_name)
        .order_by(Observation.routed_to, Observation.routed_to_name)
    ).all()
    return [(t, n or "", c) for t, n, c in rows]


def audit_log(session: Session, limit: int = 500) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
    )

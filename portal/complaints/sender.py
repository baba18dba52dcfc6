"""The sender's word on an official reply: "se resolvió" or "no se resolvió" (which reopens it).

The tracking code is public once the observation is published (the investment page links to its
status page), so it cannot prove who sent it. The sender's private link adds a key derived from
the code and SECRET_KEY (an HMAC: nothing to store, nothing to look up); it reaches only the
sender — in every email the portal writes to them and on the page they see right after sending.

Four weeks after a reply the sender is asked by email whether it solved the problem: one
question per reply (``followup_asked_at`` later than ``replied_at``), so the cron can run often.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.complaints.models import SENDER_ANSWERS, Observation
from portal.complaints.outbox import queue_mail
from portal.complaints.redaction import redact_personal_data
from portal.complaints.review import record_audit
from portal.complaints.service import add_event

#: Longest comment the sender may add to their answer.
MAX_COMMENT = 500


def sender_key(code: str) -> str:
    """The key of the sender's private link for observation ``code`` (22 URL-safe symbols)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, b"observation-sender:" + code.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def is_sender(code: str, key: str | None) -> bool:
    return bool(key) and hmac.compare_digest(sender_key(code), str(key))


def answered_current_reply(observation: Observation) -> bool:
    """Whether the sender already answered the latest official reply."""
    return (
        observation.sender_answered_at is not None
        and observation.replied_at is not None
        and observation.sender_answered_at >= observation.replied_at
    )


def can_answer(observation: Observation) -> bool:
    """There is an official reply the sender has not answered yet, and the case is not reopened."""
    return (
        observation.reply is not None
        and observation.status in ("answered", "closed")
        and not answered_current_reply(observation)
    )


class AnswerRefused(ValueError):
    """The answer cannot be recorded; the message is shown to the sender."""


def record_sender_answer(
    session: Session,
    observation: Observation,
    answer: str,
    comment: str,
    now: dt.datetime | None = None,
) -> None:
    """Keep the sender's answer; "not_resolved" reopens the case for the moderators."""
    if answer not in SENDER_ANSWERS:
        raise AnswerRefused(_("Elija si el problema se resolvió o no."))
    if not can_answer(observation):
        raise AnswerRefused(_("Esta respuesta oficial ya tiene su opinión."))
    now = now or dt.datetime.now(dt.UTC)
    comment = " ".join(comment.split())[:MAX_COMMENT]
    observation.sender_answer = answer
    observation.sender_comment = comment or None
    observation.sender_answered_at = now
    note = redact_personal_data(comment) or None
    if answer == "not_resolved":
        # Back to the stage where the entity owes an answer; moderators see it in their queue.
        observation.status = "routed" if observation.routed_to else "under_review"
        observation.closed_at = None
        observation.reopened_at = now
        add_event(session, observation, "reopened", note, now)
    else:
        add_event(session, observation, "resolved", note, now)
    record_audit(session, None, f"sender_{answer}", observation.code, comment or None)


def queue_followups(
    session: Session,
    private_url: Callable[[str], str],
    days: int,
    now: dt.datetime | None = None,
) -> int:
    """Ask each sender whose observation was answered ``days`` ago or more whether it was
    resolved; once per reply. Returns how many questions were queued."""
    now = now or dt.datetime.now(dt.UTC)
    due = session.scalars(
        select(Observation)
        .where(
            Observation.status == "answered",
            Observation.email.is_not(None),
            Observation.replied_at <= now - dt.timedelta(days=days),
            or_(
                Observation.followup_asked_at.is_(None),
                Observation.followup_asked_at < Observation.replied_at,
            ),
            or_(
                Observation.sender_answered_at.is_(None),
                Observation.sender_answered_at < Observation.replied_at,
            ),
        )
        .order_by(Observation.replied_at)
    ).all()
    for observation in due:
        queue_mail(
            session,
            observation.email,
            _("¿Se resolvió el problema? Observación %(code)s", code=observation.code),
            _(
                "Hace unas semanas la entidad respondió su observación %(code)s.\n\n"
                "¿Se resolvió el problema? Díganos si se resolvió o no en: %(url)s\n\n"
                "Si no se resolvió, la observación vuelve a la lista de casos pendientes y "
                "su respuesta se muestra junto a la respuesta oficial.",
                code=observation.code,
                url=private_url(observation.code),
            ),
            observation.id,
        )
        observation.followup_asked_at = now
    session.flush()
    return len(due)

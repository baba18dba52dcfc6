"""Citizens' observations, their status history, photos, moderators, audit log and mail outbox.

An observation is never deleted: hiding it keeps the row and the reason, and the timeline records
every change so the public status page can show what happened and when.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime

if TYPE_CHECKING:
    from portal.committees.models import Committee

#: Workflow stages in order; ``not_published`` ends publication but the case can still be routed.
STATUSES = (
    "received",
    "under_review",
    "published",
    "not_published",
    "routed",
    "answered",
    "closed",
)
CATEGORIES = ("not_started", "stalled", "poor_quality", "irregular_spending", "other")
#: Who a complaint can be routed to: the executing unit, its internal control office, Contraloría.
ROUTE_TARGETS = ("executing_unit", "oci", "contraloria")
#: What the sender can say about an official reply.
SENDER_ANSWERS = ("resolved", "not_resolved")


class Observation(Base):
    """What a citizen reported about one investment (by CUI), with contact data kept private."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(14), unique=True)
    # No foreign key: the investments table is rebuilt by each import; the CUI is the stable key.
    cui: Mapped[str] = mapped_column(String(10), index=True)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    publish_name: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: The latest workflow stage (one of STATUSES).
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    #: Shown on the investment page only when True; hiding keeps the row.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    routed_to: Mapped[str | None] = mapped_column(String(20))
    routed_to_name: Mapped[str | None] = mapped_column(String(300))
    routed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    #: Salted hash of the sender's IP: lets moderators spot floods without storing the address.
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    personal_data_purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: Sent by a signed-in member on behalf of this comité de vigilancia (portal/committees).
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"), index=True)
    #: The sender's answer to the latest official reply: "resolved" or "not_resolved" (one of
    #: SENDER_ANSWERS), their short comment and when; an answer older than ``replied_at`` is
    #: about an earlier reply.
    sender_answer: Mapped[str | None] = mapped_column(String(20))
    sender_comment: Mapped[str | None] = mapped_column(Text)
    sender_answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the sender was asked by email whether the reply solved it (one question per reply).
    followup_asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set when the sender said "no se resolvió": back in the moderators' queue until they act.
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)

    events: Mapped[list[ObservationEvent]] = relationship(
        order_by="ObservationEvent.id", lazy="raise", back_populates="observation"
    )
    photos: Mapped[list[ObservationPhoto]] = relationship(
        order_by="ObservationPhoto.position", lazy="raise", back_populates="observation"
    )
    documents: Mapped[list[ObservationDocument]] = relationship(
        order_by="ObservationDocument.position", lazy="raise", back_populates="observation"
    )
    #: Always loaded with the observation: the public views name the committee.
    committee: Mapped[Committee | None] = relationship(lazy="joined")


class ObservationEvent(Base):
    """One step of an observation's public timeline (status, date, public note)."""

    __tablename__ = "observation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    observation: Mapped[Observation] = relationship(back_populates="events", lazy="raise")


class ObservationPhoto(Base):
    """A re-encoded photo (metadata stripped) and its thumbnail, stored under PORTAL_UPLOAD_DIR."""

    __tablename__ = "observation_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail: Mapped[str] = mapped_column(String(80), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)

    observation: Mapped[Observation] = relationship(back_populates="photos", lazy="raise")


class ObservationDocument(Base):
    """A PDF (acta, oficio) checked by content and kept as sent under PORTAL_UPLOAD_DIR; only
    ever served as a download (portal/complaints/documents.py)."""

    __tablename__ = "observation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(80), unique=True)
    #: The name it was sent with (cleaned): shown, and offered as the download's name.
    original_name: Mapped[str] = mapped_column(String(130))
    size: Mapped[int] = mapped_column(Integer)

    observation: Mapped[Observation] = relationship(back_populates="documents", lazy="raise")


class Moderator(Base):
    """A person who may moderate; created with ``portal create-admin``."""

    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """A moderator action, kept for accountability (who did what to which observation, when)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderators.id"), index=True)
    moderator_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    observation_code: Mapped[str | None] = mapped_column(String(14), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class OutboxMessage(Base):
    """An email waiting to go (SMTP mode) or kept for inspection (store mode, dev and tests)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observations.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Extra headers as JSON (the digests' List-Unsubscribe, RFC 8058).
    headers: Mapped[str | None] = mapped_column(Text)

"""People who follow an investment, a place or a search by email, without an account.

The address is personal data (Ley 29733): it is kept only while a subscription lives, and
``purge-personal-data`` deletes unconfirmed and ended subscriptions after the retention period.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime

#: What can be followed: an investment (CUI), a place (ubigeo), a search (its query string), a
#: unit's pending closures (its SEC_EJEC: works that finish and join the list, or close and leave),
#: a supplier (its id as OECE publishes it: the processes of it an import adds or changes).
KINDS = ("investment", "place", "search", "closures", "supplier")


class Subscriber(Base):
    """One email address; its secret token opens the page that manages all its subscriptions."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Secret of the "manage my alerts" link and the one-click unsubscribe of the digests.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: The language the person used when following: their emails are written in it.
    language: Mapped[str] = mapped_column(String(8), default="es")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    subscriptions: Mapped[list[Subscription]] = relationship(
        order_by="Subscription.id", lazy="raise", back_populates="subscriber"
    )


class Subscription(Base):
    """One thing followed by one address: pending until the emailed link confirms it."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    #: One of KINDS.
    kind: Mapped[str] = mapped_column(String(12))
    #: The CUI, the ubigeo, the search's query string (canonical order), the unit's SEC_EJEC or
    #: the supplier's id (RUC).
    target: Mapped[str] = mapped_column(String(600))
    #: What the person saw when following ("Puesto de salud …", "Cutervo", "colegio Chota").
    label: Mapped[str] = mapped_column(Text)
    #: Secret of the confirmation link; kept once confirmed, so a second visit says so.
    confirm_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    #: The last change-log entry already told (digests start after it; set when confirmed).
    last_change_id: Mapped[int] = mapped_column(Integer, default=0)

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions", lazy="raise")

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None

"""Comités de vigilancia registered by moderators, their members and the members' sign-in links.

A member is only an email address (kept like the observations' contact data: private, never shown
on a public page). Signing in needs no password: a one-time link is emailed to the address.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime


class Committee(Base):
    """A participatory budget's comité de vigilancia: one year, one place (region, province or
    district ubigeo), with a public page at /comites/<slug>."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    ubigeo: Mapped[str] = mapped_column(String(6))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    members: Mapped[list[CommitteeMember]] = relationship(
        order_by="CommitteeMember.id", lazy="raise", back_populates="committee"
    )


class CommitteeMember(Base):
    """One member's email address (lower case), which receives the sign-in links."""

    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("committee_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    committee: Mapped[Committee] = relationship(back_populates="members", lazy="raise")


class SignInLink(Base):
    """An emailed one-time link: only the SHA-256 of its token is kept; used once, then spent."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

"""Personal-data retention: contact data of closed observations is removed after a while."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.complaints.models import Observation, OutboxMessage


def purge_personal_data(session: Session, days: int, now: dt.datetime | None = None) -> int:
    """Blank name, organisation, email, phone and IP hash of observations closed ``days`` ago.

    The emails sent to the person go too, as they carry the address. Returns how many changed.
    """
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=days)
    observations = session.scalars(
        select(Observation).where(
            Observation.status == "closed",
            Observation.closed_at <= cutoff,
            Observation.personal_data_purged_at.is_(None),
        )
    ).all()
    for obs in observations:
        obs.name = obs.organisation = obs.email = obs.phone = obs.ip_hash = None
        obs.publish_name = False
        obs.personal_data_purged_at = now
    if observations:
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.observation_id.in_([obs.id for obs in observations])
            )
        )
    session.flush()
    return len(observations)

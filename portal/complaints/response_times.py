"""How fast each executing unit answers the observations routed to it.

Counted per unit (the investment's ``sec_ejec``) over observations routed to the executing unit:
the median days from routing to the official reply, and how many wait past the reply deadline
(``PORTAL_OBSERVATION_REPLY_DAYS``) without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.complaints.models import Observation
from portal.investments.models import Investment


@dataclass(frozen=True)
class ResponseTimes:
    routed: int
    answered: int
    #: Median whole days from routing to reply; None before the first reply.
    median_days: float | None
    #: Routed, unanswered and older than the reply deadline.
    overdue: int


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def response_times(
    session: Session, reply_days: int, now: dt.datetime | None = None, sec_ejec: str | None = None
) -> dict[str, ResponseTimes]:
    """Response times by ``sec_ejec`` (only units that were sent at least one observation)."""
    now = now or dt.datetime.now(dt.UTC)
    stmt = (
        select(Investment.sec_ejec, Observation.routed_at, Observation.replied_at)
        .join(Investment, Investment.cui == Observation.cui)
        .where(
            Observation.routed_to == "executing_unit",
            Observation.routed_at.is_not(None),
            Investment.sec_ejec.is_not(None),
        )
    )
    if sec_ejec is not None:
        stmt = stmt.where(Investment.sec_ejec == sec_ejec)
    waits: dict[str, list[int]] = {}
    routed: dict[str, int] = {}
    overdue: dict[str, int] = {}
    for unit, routed_at, replied_at in session.execute(stmt):
        routed[unit] = routed.get(unit, 0) + 1
        if replied_at is not None:
            days = max(0, (_aware(replied_at) - _aware(routed_at)).days)
            waits.setdefault(unit, []).append(days)
        elif (now - _aware(routed_at)).days > reply_days:
            overdue[unit] = overdue.get(unit, 0) + 1
    return {
        unit: ResponseTimes(
            routed=count,
            answered=len(waits.get(unit, [])),
            median_days=median(waits[unit]) if unit in waits else None,
            overdue=overdue.get(unit, 0),
        )
        for unit, count in routed.items()
    }

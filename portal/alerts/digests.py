"""``portal send-alerts``: after each import, one email per follower with what changed.

Each subscription remembers the last change-log entry it told (``last_change_id``), so a digest
holds exactly what changed since the previous one, a second run right after sends nothing, and a
subscription confirmed today never receives last year's history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import current_app, render_template, url_for
from flask_babel import force_locale, ngettext
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload

from portal.alerts.changes import InvestmentChange, describe_changes, latest_change_id
from portal.alerts.models import Subscriber, Subscription
from portal.complaints.models import OutboxMessage
from portal.investments.models import ChangeLogEntry
from portal.search.filters import Filters
from portal.search.queries import matching_cuis


@dataclass(frozen=True)
class FollowedChanges:
    """One subscription's part of a digest."""

    subscription: Subscription
    changes: list[InvestmentChange]


def _behind(newest: int) -> tuple:
    """Live subscriptions that have not been told about change ``newest`` yet."""
    return (
        Subscription.confirmed_at.is_not(None),
        Subscription.ended_at.is_(None),
        Subscription.last_change_id < newest,
    )


def _active(session: Session, below: int) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .where(*_behind(below))
            .options(selectinload(Subscription.subscriber))
            .order_by(Subscription.subscriber_id, Subscription.id)
        ).all()
    )


def _covered(session: Session, subscription: Subscription, changed: dict, searches: dict) -> set:
    """The changed CUIs a subscription covers."""
    if subscription.kind == "investment":
        return {subscription.target} & changed.keys()
    if subscription.kind == "place":
        return {
            cui
            for cui, groups in changed.items()
            if (groups[0].ubigeo or "").startswith(subscription.target)
        }
    if subscription.kind == "closures":
        return {
            cui
            for cui, groups in changed.items()
            if any(g.pending_closure and g.sec_ejec == subscription.target for g in groups)
        }
    if subscription.kind == "supplier":
        return {
            cui
            for cui, groups in changed.items()
            if any(_of_supplier(g, subscription.target) for g in groups)
        }
    if subscription.target not in searches:
        filters = Filters.from_args(dict(parse_qsl(subscription.target)))
        searches[subscription.target] = set(matching_cuis(session, filters)) & changed.keys()
    return searches[subscription.target]


def _of_supplier(change: InvestmentChange, ruc: str) -> bool:
    return any(ruc in process.suppliers for process in change.processes)


def collect_digests(session: Session) -> tuple[dict[Subscriber, list[FollowedChanges]], int]:
    """What each subscriber must be told, and the change-log entry the digests go up to."""
    newest = latest_change_id(session)
    subscriptions = _active(session, newest)
    if not subscriptions:
        return {}, newest
    oldest = min(s.last_change_id for s in subscriptions)
    entries = session.scalars(
        select(ChangeLogEntry).where(ChangeLogEntry.id > oldest, ChangeLogEntry.id <= newest)
    ).all()
    changed: dict[str, list[InvestmentChange]] = defaultdict(list)
    for change in describe_changes(session, entries):
        changed[change.cui].append(change)
    digests: dict[Subscriber, list[FollowedChanges]] = defaultdict(list)
    searches: dict[str, set] = {}
    for subscription in subscriptions:
        groups = [
            change
            for cui in sorted(_covered(session, subscription, changed, searches))
            for change in changed[cui]
            if change.last_entry_id > subscription.last_change_id
            # A unit's pending closures: only the imports that moved a work in or out of them.
            and (subscription.kind != "closures" or change.pending_closure)
            # A supplier: only the imports that added or changed one of its processes.
            and (subscription.kind != "supplier" or _of_supplier(change, subscription.target))
        ]
        if groups:
            groups.sort(key=lambda c: (c.changed_at, c.last_entry_id), reverse=True)
            digests[subscription.subscriber].append(FollowedChanges(subscription, groups))
    return digests, newest


def _message(subscriber: Subscriber, followed: list[FollowedChanges]) -> dict:
    investments = len({c.cui for f in followed for c in f.changes})
    with force_locale(subscriber.language):
        unsubscribe = url_for("alerts.unsubscribe", token=subscriber.token, _external=True)
        body = render_template(
            "alerts/digest.txt",
            followed=followed,
            manage_url=url_for("alerts.manage", token=subscriber.token, _external=True),
            unsubscribe_url=unsubscribe,
        )
        subject = ngettext(
            "Vigía: cambios en %(num)d inversión que sigue",
            "Vigía: cambios en %(num)d inversiones que sigue",
            investments,
        )
    return {
        "recipient": subscriber.email,
        "subject": subject,
        "body": body,
        "headers": json.dumps(
            {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        ),
    }


def send_alerts(session: Session, now: dt.datetime | None = None) -> int:
    """Queue one digest per subscriber with news; returns how many were queued.

    Must run inside a request context whose base URL is the public one (links in the mail):
    ``mail_context`` gives one outside requests.
    """
    now = now or dt.datetime.now(dt.UTC)
    digests, newest = collect_digests(session)
    rows = []
    for subscriber, followed in digests.items():
        rows.append({**_message(subscriber, followed), "created_at": now, "attempts": 0})
        if len(rows) >= 1000:
            session.execute(insert(OutboxMessage), rows)
            rows = []
    if rows:
        session.execute(insert(OutboxMessage), rows)
    session.execute(update(Subscription).where(*_behind(newest)).values(last_change_id=newest))
    session.flush()
    return len(digests)


def mail_context(app):
    """A request context on the public address (``PORTAL_PUBLIC_URL``), for links in emails
    written outside a request (the import, cron)."""
    return app.test_request_context("/", base_url=app.config["PORTAL_PUBLIC_URL"])


def base_url_warning() -> str | None:
    """Links in emails need the public address of the portal."""
    from portal.config import DefaultConfig

    default = DefaultConfig.PORTAL_PUBLIC_URL
    if current_app.config["PORTAL_PUBLIC_URL"] == default:
        return f"PORTAL_PUBLIC_URL is not set: links in the emails point to {default}."
    return None

"""The entries of each feed: an investment's changes and observations, a place's or a search's
new and changed investments. Called from views (links are built for the current request)."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import render_template, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.alerts.changes import InvestmentChange, latest_changes_of, pending_closure_changes
from portal.alerts.feeds import Feed, FeedEntry, aware, change_content, observation_content
from portal.complaints.labels import CATEGORY_LABELS
from portal.complaints.models import AuditEntry
from portal.complaints.service import published_observations
from portal.importer.models import ImportRun
from portal.investments.models import ExecutingUnit, Investment, Place
from portal.investments.place_queries import place_condition
from portal.search.filters import Filters
from portal.search.queries import matching_cuis

FEED_SIZE = 50
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _day(day: dt.date | None) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else EPOCH


def supplier_feed(session: Session, ruc: str, language: str) -> Feed | None:
    """A supplier's contracting processes in the region, newest first: what was bought, for
    which investment, for how much (this supplier's contract, or its award), and when."""
    from portal.contracts.queries import supplier_page

    page = supplier_page(session, ruc)
    if page is None:
        return None
    views = sorted(
        page.processes,
        key=lambda v: (
            v.process.updated_on or v.process.published_on or dt.date.min,
            v.process.ocid,
        ),
        reverse=True,
    )
    entries = []
    for view in views[:FEED_SIZE]:
        process = view.process
        link = url_for("investments.show", cui=process.cui, _external=True)
        own = [a for a in view.awards if a.ruc == ruc]
        entries.append(
            FeedEntry(
                id=f"{link}#proceso-{process.ocid}",
                title=process.title or process.ocid,
                link=link,
                updated=_day(process.updated_on or process.published_on),
                content=render_template(
                    "alerts/_process_entry.html",
                    view=view,
                    awards=own,
                    investment=page.investments.get(process.cui),
                ),
            )
        )
    name = page.name or ruc
    page_url = url_for("contracts.supplier", ruc=ruc, _external=True)
    return Feed(
        id=f"{page_url}#procesos",
        title=gettext("Vigía: procesos de contratación de %(name)s", name=name),
        subtitle=gettext(
            "Procesos de contratación de las inversiones de la región adjudicados a este "
            "proveedor, según OECE (Contrataciones Abiertas), del más reciente al más antiguo."
        ),
        self_url=url_for("alerts.supplier_feed", ruc=ruc, _external=True),
        page_url=page_url,
        language=language,
        updated=max((aware(e.updated) for e in entries), default=EPOCH),
        entries=entries,
    )


def feed_version(session: Session, *parts: str) -> tuple[str, dt.datetime]:
    """An ETag and Last-Modified for feeds: they change only when an import or a moderator
    does, so a reader polling every hour mostly gets 304 without any work done."""
    run_id, finished = session.execute(
        select(ImportRun.id, ImportRun.finished_at)
        .where(ImportRun.status == "imported")
        .order_by(ImportRun.id.desc())
        .limit(1)
    ).first() or (0, None)
    audit_id, audited = session.execute(
        select(AuditEntry.id, AuditEntry.created_at).order_by(AuditEntry.id.desc()).limit(1)
    ).first() or (0, None)
    moments = [aware(m) for m in (finished, audited) if m]
    key = "|".join([str(run_id), str(audit_id), *parts])
    return hashlib.sha1(key.encode()).hexdigest(), max(moments, default=EPOCH)


def _change_entry(change: InvestmentChange) -> FeedEntry:
    link = url_for("investments.show", cui=change.cui, _external=True)
    if change.added:
        title = gettext("Nueva inversión: %(name)s", name=change.name)
    elif change.removed:
        title = gettext("Ya no figura en los datos: %(name)s", name=change.name)
    elif change.processes and not change.fields:
        title = ngettext(
            "%(name)s: %(num)d proceso de contratación nuevo o actualizado",
            "%(name)s: %(num)d procesos de contratación nuevos o actualizados",
            len(change.processes),
            name=change.name,
        )
    else:
        title = ngettext(
            "%(name)s: %(num)d dato cambió",
            "%(name)s: %(num)d datos cambiaron",
            len(change.fields),
            name=change.name,
        )
    return FeedEntry(
        id=f"{link}#cambios-{change.import_run_id}",
        title=title,
        link=link,
        updated=change.changed_at,
        content=change_content(change),
    )


def _changes_feed(changes, **feed) -> Feed:
    entries = [_change_entry(c) for c in changes]
    return Feed(
        entries=entries,
        updated=max((aware(e.updated) for e in entries), default=EPOCH),
        **feed,
    )


def investment_feed(session: Session, cui: str, language: str) -> Feed | None:
    name = session.scalar(select(Investment.name).where(Investment.cui == cui))
    if name is None:
        return None
    page = url_for("investments.show", cui=cui, _external=True)
    entries = [_change_entry(c) for c in latest_changes_of(session, [cui], FEED_SIZE)]
    for obs in published_observations(session, cui):
        status_url = url_for("complaints.status", code=obs.code, _external=True)
        entries.append(
            FeedEntry(
                id=f"{status_url}#observacion",
                title=gettext(
                    "Observación ciudadana %(code)s: %(category)s",
                    code=obs.code,
                    category=CATEGORY_LABELS.get(obs.category, obs.category),
                ),
                link=status_url,
                updated=obs.created_at,
                content=observation_content(obs, reply=False),
            )
        )
        if obs.reply and obs.replied_at:
            entries.append(
                FeedEntry(
                    id=f"{status_url}#respuesta",
                    title=gettext("Respuesta oficial a la observación %(code)s", code=obs.code),
                    link=status_url,
                    updated=obs.replied_at,
                    content=observation_content(obs, reply=True),
                )
            )
    entries.sort(key=lambda e: aware(e.updated), reverse=True)
    return Feed(
        id=page,
        title=gettext("Vigía: %(name)s", name=name),
        subtitle=gettext("Cambios en los datos, observaciones ciudadanas y respuestas oficiales."),
        self_url=url_for("alerts.investment_feed", cui=cui, _external=True),
        page_url=page,
        language=language,
        updated=max((aware(e.updated) for e in entries), default=EPOCH),
        entries=entries[:FEED_SIZE],
    )


def place_feed(session: Session, ubigeo: str, language: str) -> Feed | None:
    if not (ubigeo.isascii() and ubigeo.isdigit() and len(ubigeo) in (4, 6)):
        return None
    place = session.get(Place, ubigeo)
    if place is None:
        return None
    cuis = session.scalars(
        select(Investment.cui)
        .where(place_condition(ubigeo))
        .order_by(Investment.changed_at.desc())
        .limit(FEED_SIZE)
    ).all()
    return _changes_feed(
        latest_changes_of(session, cuis, FEED_SIZE),
        id=url_for("investments.place", ubigeo=ubigeo, _external=True),
        title=gettext("Vigía: inversiones en %(place)s", place=place.name),
        subtitle=gettext("Inversiones nuevas y cambios en sus datos después de cada importación."),
        self_url=url_for("alerts.place_feed", ubigeo=ubigeo, _external=True),
        page_url=url_for("investments.place", ubigeo=ubigeo, _external=True),
        language=language,
    )


def search_feed(session: Session, filters: Filters, language: str) -> Feed:
    args = filters.as_args(pagina=1)
    cuis = matching_cuis(session, filters)
    described = " · ".join([filters.q] if filters.q else []) or gettext("todas las inversiones")
    return _changes_feed(
        latest_changes_of(session, cuis, FEED_SIZE),
        id=url_for("search.results", _external=True, **args),
        title=gettext("Vigía: búsqueda «%(query)s»", query=described),
        subtitle=gettext("Inversiones nuevas y cambios en sus datos después de cada importación."),
        self_url=url_for("alerts.search_feed", _external=True, **args),
        page_url=url_for("search.results", _external=True, **args),
        language=language,
    )


#: Feed titles of a work that joined or left its unit's pending closures.
PENDING_CLOSURE_TITLES = {
    "joined": lambda name: gettext("Obra terminada, pendiente de cierre: %(name)s", name=name),
    "closed": lambda name: gettext("Cerrada: %(name)s", name=name),
    "left": lambda name: gettext("Ya no está pendiente de cierre: %(name)s", name=name),
}


def closures_feed(session: Session, slug: str, language: str) -> Feed | None:
    """A unit's pending closures: each work that finished and joined the list, or closed and
    left it, with the import that showed it."""
    unit = session.scalar(select(ExecutingUnit).where(ExecutingUnit.slug == slug))
    if unit is None:
        return None
    entries = []
    for change in pending_closure_changes(session, unit.sec_ejec, FEED_SIZE):
        link = url_for("investments.show", cui=change.cui, _external=True)
        entries.append(
            FeedEntry(
                id=f"{link}#cierre-{change.import_run_id}",
                title=PENDING_CLOSURE_TITLES[change.pending_closure](change.name),
                link=link,
                updated=change.changed_at,
                content=change_content(change),
            )
        )
    page = url_for("investments.unit", slug=slug, _external=True)
    return Feed(
        id=f"{page}#cierres-pendientes",
        title=gettext("Vigía: obras pendientes de cierre de %(unit)s", unit=unit.name),
        subtitle=gettext(
            "Obras terminadas que entran en la lista de cierres pendientes y obras que salen "
            "de ella al cerrarse, después de cada importación."
        ),
        self_url=url_for("alerts.closures_feed", slug=slug, _external=True),
        page_url=page,
        language=language,
        updated=max((aware(e.updated) for e in entries), default=EPOCH),
        entries=entries,
    )

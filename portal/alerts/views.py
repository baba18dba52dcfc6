"""Feeds (/inversiones/<CUI>.atom, /lugares/<ubigeo>.atom, /buscar.atom, a unit's pending closures
at /unidades/<slug>/cierres.atom, a supplier's processes at /contratistas/<RUC>.atom) and
follow-by-email."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext
from sqlalchemy import select

from portal.alerts import feed_entries
from portal.alerts.feeds import atom_document
from portal.alerts.subscriptions import (
    SUBJECT_LABEL_LENGTH,
    canonical_search,
    confirm_subscription,
    describe_target,
    end_subscriptions,
    find_by_confirm_token,
    find_subscriber,
    normalise_email,
    request_follow,
    shorten,
)
from portal.complaints.outbox import queue_mail, send_after_response
from portal.db import get_session
from portal.investments.models import ExecutingUnit
from portal.search.filters import Filters

bp = Blueprint("alerts", __name__)

#: The public values of the form's `tipo` field, and what they follow.
FOLLOW_KINDS = {
    "inversion": "investment",
    "lugar": "place",
    "busqueda": "search",
    "cierres": "closures",
    "contratista": "supplier",
}
ATOM = "application/atom+xml; charset=utf-8"


def current_language() -> str:
    return str(get_locale() or "es")


#: How many built feeds a process keeps, by ETag: readers poll the same feeds again and again, and
#: a feed only changes with an import or a moderator's action (both change the ETag).
BUILT_FEEDS_KEPT = 256


def _feed_response(build, *version_parts: str):
    """A feed with ETag and Last-Modified; 304 before any work when the reader is up to date."""
    session = get_session()
    language = current_language()
    etag, modified = feed_entries.feed_version(session, request.full_path, language, *version_parts)
    if etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        response.last_modified = modified
        return response
    built = current_app.extensions.setdefault("portal.built_feeds", OrderedDict())
    document = built.get(etag)
    if document is None:
        feed = build(session, language)
        if feed is None:
            abort(404)
        if not feed.entries:  # nothing changed yet: the feed is as new as the data it watches
            feed = replace(feed, updated=modified)
        document = built[etag] = atom_document(feed)
        while len(built) > BUILT_FEEDS_KEPT:
            built.popitem(last=False)
    response = Response(document, mimetype=ATOM)
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)


@bp.get("/inversiones/<cui>.atom")
def investment_feed(cui: str):
    return _feed_response(lambda session, lang: feed_entries.investment_feed(session, cui, lang))


@bp.get("/lugares/<ubigeo>.atom")
def place_feed(ubigeo: str):
    return _feed_response(lambda session, lang: feed_entries.place_feed(session, ubigeo, lang))


@bp.get("/buscar.atom")
def search_feed():
    filters = Filters.from_args(request.args)
    return _feed_response(lambda session, lang: feed_entries.search_feed(session, filters, lang))


@bp.get("/unidades/<slug>/cierres.atom")
def closures_feed(slug: str):
    return _feed_response(lambda session, lang: feed_entries.closures_feed(session, slug, lang))


@bp.get("/contratistas/<ruc>.atom")
def supplier_feed(ruc: str):
    if not ruc.isascii() or not ruc.isdigit() or len(ruc) > 20:
        abort(404)
    return _feed_response(lambda session, lang: feed_entries.supplier_feed(session, ruc, lang))


def _follow_target(session, tipo: str, objetivo: str):
    """(kind, canonical target, label) of what the form asks to follow, or None."""
    kind = FOLLOW_KINDS.get(tipo)
    if kind is None:
        return None
    target = canonical_search(objetivo) if kind == "search" else objetivo.strip()[:20]
    label = describe_target(session, kind, target)
    return (kind, target, label) if label else None


@bp.route("/seguir", methods=["GET", "POST"])
def follow():
    """The 'Seguir' form: GET shows it alone (and after an error), POST asks for the email link."""
    session = get_session()
    values = request.values
    tipo, objetivo = values.get("tipo", ""), values.get("objetivo", "")
    target = _follow_target(session, tipo, objetivo)
    if target is None:
        abort(404)
    kind, canonical, label = target
    if request.method == "GET":
        return render_template(
            "alerts/follow.html", tipo=tipo, objetivo=objetivo, label=label, email="", errors={}
        )
    errors = {}
    email = normalise_email(values.get("email", ""))
    if email is None:
        errors["email"] = gettext("Escriba un correo electrónico válido, como nombre@ejemplo.pe.")
    if values.get("acepto") != "si":
        errors["acepto"] = gettext("Para enviarle avisos necesitamos su consentimiento.")
    if values.get("sitio_web"):  # a field people never see: only bots fill it
        errors["email"] = gettext("No pudimos registrar el pedido. Inténtelo de nuevo.")
    if errors:
        return render_template(
            "alerts/follow.html",
            tipo=tipo,
            objetivo=objetivo,
            label=label,
            email=values.get("email", "")[:254],
            errors=errors,
        ), 400
    pending = request_follow(session, email, kind, canonical, label, current_language())
    if pending.confirm_token:
        link = url_for("alerts.confirm", token=pending.confirm_token, _external=True)
        queue_mail(
            session,
            email,
            gettext(
                "Confirme que desea seguir «%(label)s» en Vigía",
                label=shorten(label, SUBJECT_LABEL_LENGTH),
            ),
            render_template("alerts/confirm_email.txt", label=label, link=link),
        )
        send_after_response()
    # The same answer whether or not the address already follows this (no enumeration).
    return render_template("alerts/requested.html", email=email, label=label)


def follow_rate_limited(wait: str):
    """The 429 of the 'Seguir' form: the form again with the address typed, and how long to wait."""
    from portal.complaints.antispam import broken_scope

    values = request.values
    tipo, objetivo = values.get("tipo", ""), values.get("objetivo", "")
    target = _follow_target(get_session(), tipo, objetivo)
    if target is None:
        abort(404)
    if broken_scope() == "email":
        message = gettext(
            "Ya pidió varios avisos para este correo. Revise su bandeja de entrada o vuelva "
            "en %(wait)s.",
            wait=wait,
        )
    else:
        message = gettext(
            "Se pidieron muchos avisos desde esta conexión. Vuelva en %(wait)s.", wait=wait
        )
    return render_template(
        "alerts/follow.html",
        tipo=tipo,
        objetivo=objetivo,
        label=target[2],
        email=values.get("email", "")[:254],
        errors={"email": message},
    ), 429


def followed_url(kind: str, target: str) -> str:
    """The page of what a subscription follows: the investment, the place or the search."""
    if kind == "investment":
        return url_for("investments.show", cui=target)
    if kind == "place":
        return url_for("investments.place", ubigeo=target)
    if kind == "closures":
        slug = get_session().scalar(
            select(ExecutingUnit.slug).where(ExecutingUnit.sec_ejec == target)
        )
        return url_for("investments.unit", slug=slug) if slug else url_for("cycle.index")
    if kind == "supplier":
        return url_for("contracts.supplier", ruc=target)
    return url_for("search.results") + ("?" + target if target else "")


@bp.get("/seguir/confirmar/<token>")
def confirm(token: str):
    """Confirm on GET, idempotently: mail scanners open links before people do, and a second
    visit (theirs, then the person's) says "already confirmed" instead of failing."""
    session = get_session()
    confirmation = confirm_subscription(session, token[:64])
    if confirmation is None:
        ended = find_by_confirm_token(session, token[:64])
        return _invalid_link(ended)
    subscription = confirmation.subscription
    return render_template(
        "alerts/confirmed.html",
        subscription=subscription,
        already=not confirmation.newly,
        followed_url=followed_url(subscription.kind, subscription.target),
        manage_url=url_for("alerts.manage", token=subscription.subscriber.token),
    )


def _invalid_link(subscription=None):
    """The 404 page of a link that no longer works, linking to what it was about when known."""
    followed = None
    if subscription is not None:
        followed = (subscription.label, followed_url(subscription.kind, subscription.target))
    return render_template("alerts/link_expired.html", followed=followed), 404


@bp.route("/seguir/baja/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """RFC 8058 one-click: a POST ends every subscription of the address at once, with no
    cookie or CSRF token (mail providers send it); a GET shows the button for people."""
    session = get_session()
    if request.method == "POST":
        end_subscriptions(session, token[:64])
        return render_template("alerts/unsubscribed.html")
    if find_subscriber(session, token[:64]) is None:
        return _invalid_link()
    return render_template("alerts/unsubscribe.html", token=token)


@bp.route("/seguir/gestionar/<token>", methods=["GET", "POST"])
def manage(token: str):
    """Everything one address follows, each with its own 'stop' button (the link in every mail)."""
    session = get_session()
    if request.method == "POST":
        subscription_id = request.form.get("suscripcion", type=int)
        if subscription_id is not None:
            end_subscriptions(session, token[:64], subscription_id)
    subscriber = find_subscriber(session, token[:64])
    if subscriber is None:
        return _invalid_link()
    return render_template(
        "alerts/manage.html", subscriber=subscriber, token=token, followed_url=followed_url
    )


@bp.get("/seguir/privacidad")
def privacy():
    return render_template("alerts/privacy.html")

"""Public pages: members sign in by emailed link (/entrar); a committee's page, CSV, report."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as cookie_session,
)
from flask_babel import gettext as _

from portal.committees.forms import SignInForm
from portal.committees.service import (
    committee_by_slug,
    committee_observations,
    committees_of,
    place_name,
    prioritised_investments,
    redeem_sign_in,
    report_sections,
    request_sign_in,
)
from portal.complaints.forms import PlainForm
from portal.complaints.labels import CATEGORY_LABELS, STATUS_LABELS
from portal.complaints.outbox import queue_mail, send_after_response
from portal.db import get_session
from portal.i18n import local_today
from portal.importer.queries import source_freshness
from portal.spreadsheets import spreadsheet_text

bp = Blueprint("committees", __name__)

#: The cookie-session key holding the signed-in member's address.
MEMBER_KEY = "committee_member"


def signed_in_member() -> str | None:
    return cookie_session.get(MEMBER_KEY)


def member_committees():
    """The committees of the signed-in member (cached for the request)."""
    if "member_committees" not in g:
        g.member_committees = committees_of(get_session(), signed_in_member())
    return g.member_committees


def member_context() -> dict:
    """For every template: the signed-in member and their committees (the form's include)."""
    return {"signed_in_member": signed_in_member, "member_committees": member_committees}


@bp.route("/entrar", methods=["GET", "POST"])
def sign_in():
    """Ask for a one-time link; the answer is the same for members and for anyone else."""
    form = SignInForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("committees/sign_in.html", form=form), status
    session = get_session()
    email = form.email.data.strip()
    minutes = int(current_app.config["PORTAL_SIGN_IN_LINK_MINUTES"])
    token = request_sign_in(session, email, minutes)
    if token:
        link = url_for("committees.sign_in_link", token=token, _external=True)
        queue_mail(
            session,
            email.lower(),
            _("Su enlace para entrar a Vigía"),
            render_template("committees/sign_in_email.txt", link=link, minutes=minutes),
        )
        send_after_response()
    return render_template("committees/sign_in_sent.html", email=email, minutes=minutes)


@bp.route("/entrar/<token>", methods=["GET", "POST"])
def sign_in_link(token: str):
    """GET shows a button (mail scanners open links; only a person's POST spends it)."""
    form = PlainForm()
    if request.method == "GET":
        return render_template("committees/sign_in_confirm.html", form=form, token=token)
    email = redeem_sign_in(get_session(), token[:100]) if form.validate_on_submit() else None
    if email is None:
        return render_template("committees/sign_in_expired.html"), 410
    # The signed cookie session cannot be planted by someone else, so no fixation to undo.
    cookie_session[MEMBER_KEY] = email
    committees = committees_of(get_session(), email)
    return redirect(url_for("committees.show", slug=committees[0].slug, entrada=1), code=303)


@bp.post("/salir")
def sign_out():
    if PlainForm().validate_on_submit():
        cookie_session.pop(MEMBER_KEY, None)
    return redirect(url_for("committees.sign_in"), code=303)


def _committee_or_404(slug: str):
    committee = committee_by_slug(get_session(), slug)
    if committee is None:
        abort(404)
    return committee


@bp.get("/comites/<slug>")
def show(slug: str):
    session = get_session()
    committee = _committee_or_404(slug)
    return render_template(
        "committees/show.html",
        committee=committee,
        place=place_name(session, committee.ubigeo),
        prioritised=prioritised_investments(session, committee),
        observations=committee_observations(session, committee),
        is_member=any(c.id == committee.id for c in member_committees()),
        just_signed_in=request.args.get("entrada") == "1",
        sign_out_form=PlainForm(),
    )


@bp.get("/comites/<slug>.csv")
def show_csv(slug: str):
    session = get_session()
    committee = _committee_or_404(slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "comite",
            "codigo",
            "cui",
            "inversion",
            "tipo",
            "estado",
            "fecha_envio",
            "derivada_a",
            "fecha_derivacion",
            "respuesta_oficial",
            "fecha_respuesta",
            "dias_de_espera",
            "enlace",
        ]
    )
    for item in committee_observations(session, committee):
        obs = item.observation
        writer.writerow(
            [
                spreadsheet_text(value)
                for value in (
                    committee.name,
                    obs.code,
                    obs.cui,
                    item.investment,
                    CATEGORY_LABELS.get(obs.category, obs.category),
                    STATUS_LABELS.get(obs.status, obs.status),
                    _lima_day(obs.created_at),
                    item.routed_to_name or "",
                    _lima_day(item.routed_at),
                    obs.reply or "",
                    _lima_day(obs.replied_at),
                    item.days_waited,
                    url_for("complaints.status", code=obs.code, _external=True),
                )
            ]
        )
    name = f"comite-{committee.slug}-{local_today().isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _lima_day(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (
        moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date().isoformat()
    )


@bp.get("/comites/<slug>/informe")
def report(slug: str):
    """The report as a web page (what the PDF is made from; it prints on A4 too)."""
    return _render_report(_committee_or_404(slug))


@bp.get("/comites/<slug>/informe.pdf")
def report_pdf(slug: str):
    from portal.committees.report import html_to_pdf

    committee = _committee_or_404(slug)
    pdf = html_to_pdf(_render_report(committee, for_pdf=True), request.url_root)
    name = f"informe-{committee.slug}-{local_today().isoformat()}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


def _render_report(committee, for_pdf: bool = False) -> str:
    session = get_session()
    now = dt.datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return render_template(
        "committees/report.html",
        committee=committee,
        place=place_name(session, committee.ubigeo),
        sections=report_sections(session, committee),
        sources=source_freshness(session),
        generated_at=now,
        for_pdf=for_pdf,
    )

"""The moderators' area under /admin: login, queue, actions, routed batches, audit log.

Every page here requires a logged-in moderator (checked once, before any view runs).
"""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
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

from portal.complaints.accounts import authenticate
from portal.complaints.forms import ActionForm, LoginForm, PlainForm
from portal.complaints.labels import CATEGORY_LABELS, ROUTE_LABELS
from portal.complaints.models import ROUTE_TARGETS, STATUSES, Moderator
from portal.complaints.outbox import send_after_response
from portal.complaints.review import (
    ActionRefused,
    apply_action,
    audit_log,
    moderation_queue,
    observation_for_moderator,
    outbox_for,
    record_audit,
    routed_batch,
    routed_entities,
)
from portal.complaints.service import find_investment_choice
from portal.complaints.views import status_url
from portal.db import get_session
from portal.i18n import local_day, local_today
from portal.spreadsheets import spreadsheet_text

bp = Blueprint("admin", __name__, url_prefix="/admin")
PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def _require_moderator():
    moderator_id = cookie_session.get("moderator_id")
    moderator = get_session().get(Moderator, moderator_id) if moderator_id else None
    if moderator is not None and not moderator.active:
        moderator = None
    g.moderator = moderator
    if moderator is None and request.endpoint not in PUBLIC_ENDPOINTS:
        cookie_session.pop("moderator_id", None)
        return redirect(url_for("admin.login", next=request.path))
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _admin_globals():
    return {"moderator": g.get("moderator"), "logout_form": PlainForm()}


@bp.route("/entrar", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        session = get_session()
        moderator = authenticate(session, form.email.data, form.password.data)
        if moderator is not None:
            cookie_session.clear()  # a fresh session: no fixation of a pre-login cookie
            cookie_session["moderator_id"] = moderator.id
            record_audit(session, moderator, "login")
            target = request.args.get("next", "")
            if not target.startswith("/admin") or target.startswith("//"):
                target = url_for("admin.queue")
            return redirect(target, code=303)
        failed = True
    status = 401 if failed else (422 if form.errors else 200)
    return render_template("admin/login.html", form=form, failed=failed), status


@bp.post("/salir")
def logout():
    if PlainForm().validate_on_submit():
        record_audit(get_session(), g.moderator, "logout")
    cookie_session.clear()
    return redirect(url_for("admin.login"), code=303)


@bp.get("/")
def queue():
    stage = request.args.get("estado", "pending")
    if stage != "pending" and stage not in STATUSES:
        stage = "pending"
    return render_template(
        "admin/queue.html",
        observations=moderation_queue(get_session(), stage),
        stage=stage,
        stages=("pending", *STATUSES),
    )


@bp.route("/observaciones/<code>", methods=["GET", "POST"])
def observation(code: str):
    session = get_session()
    obs = observation_for_moderator(session, code)
    if obs is None:
        abort(404)
    form = ActionForm()
    refused = None
    if form.validate_on_submit():
        try:
            apply_action(
                session,
                g.moderator,
                obs,
                form.action.data or "",
                status_url,
                text=form.text.data or "",
                target=form.target.data or "",
            )
        except ActionRefused as exc:
            refused = str(exc)
        else:
            send_after_response()
            flash(_("Cambios guardados."))
            return redirect(url_for("admin.observation", code=obs.code), code=303)
    elif request.method == "POST":
        refused = _("No se pudo aplicar la acción. Revise los datos.")
    return render_template(
        "admin/observation.html",
        obs=obs,
        investment=find_investment_choice(session, obs.cui),
        messages=outbox_for(session, obs.id),
        form=form,
        refused=refused,
    ), (422 if refused else 200)


@bp.get("/derivadas")
def routed():
    return render_template("admin/routed.html", entities=routed_entities(get_session()))


def _batch_args() -> tuple[str, str]:
    target = request.args.get("destino", "")
    if target not in ROUTE_TARGETS:
        abort(404)
    return target, request.args.get("entidad", "")


@bp.get("/derivadas/lote.csv")
def routed_csv():
    target, unit = _batch_args()
    session = get_session()
    rows = routed_batch(session, target, unit)
    record_audit(session, g.moderator, "export_csv", None, f"{target} {unit} ({len(rows)})")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Código"),
            _("CUI"),
            _("Inversión"),
            _("Tipo"),
            _("Descripción"),
            _("Lugar"),
            _("Derivada a"),
            _("Fecha de derivación"),
            _("Fecha de recepción"),
            _("Fotos"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                spreadsheet_text(value)
                for value in (
                    row.code,
                    row.cui,
                    row.investment,
                    CATEGORY_LABELS.get(row.category, row.category),
                    row.description,
                    row.location,
                    row.routed_to_name,
                    local_day(row.routed_at).isoformat(),
                    local_day(row.created_at).isoformat(),
                    row.photos,
                )
            ]
        )
    name = f"observaciones-{target}-{local_today().isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/derivadas/imprimir")
def routed_print():
    target, unit = _batch_args()
    session = get_session()
    rows = routed_batch(session, target, unit)
    record_audit(session, g.moderator, "export_html", None, f"{target} {unit} ({len(rows)})")
    return render_template(
        "admin/routed_print.html",
        rows=rows,
        target_label=ROUTE_LABELS[target],
        unit=unit,
        today=local_today(),
    )


@bp.get("/registro")
def audit():
    return render_template("admin/audit.html", entries=audit_log(get_session()))

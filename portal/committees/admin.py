"""Moderators register committees and their members under /admin/comites."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.committees.forms import CommitteeForm, MembersForm
from portal.committees.service import (
    CommitteeRefused,
    all_committees,
    committee_by_slug,
    member_emails,
    save_committee,
    set_members,
)
from portal.complaints.moderation import _admin_globals, _no_store, _require_moderator
from portal.complaints.review import record_audit
from portal.db import get_session

bp = Blueprint("committee_admin", __name__, url_prefix="/admin/comites")
# The same door as the rest of /admin: a logged-in, active moderator; never cached.
bp.before_request(_require_moderator)
bp.after_request(_no_store)
bp.context_processor(_admin_globals)


@bp.route("/", methods=["GET", "POST"])
def index():
    session = get_session()
    form = CommitteeForm()
    refused = None
    if form.validate_on_submit():
        try:
            committee = save_committee(
                session,
                form.name.data,
                form.ubigeo.data,
                form.year.data,
                (form.members.data or "").splitlines(),
            )
        except CommitteeRefused as exc:
            refused = str(exc)
        else:
            record_audit(session, g.moderator, "committee", None, committee.slug)
            flash(_("Comité registrado: %(name)s.", name=committee.name))
            return redirect(url_for("committee_admin.edit", slug=committee.slug), code=303)
    status = 422 if (refused or form.errors) else 200
    return render_template(
        "committees/admin_index.html",
        form=form,
        refused=refused,
        committees=all_committees(session),
    ), status


@bp.route("/<slug>", methods=["GET", "POST"])
def edit(slug: str):
    session = get_session()
    committee = committee_by_slug(session, slug)
    if committee is None:
        abort(404)
    form = MembersForm()
    refused = None
    if form.validate_on_submit():
        try:
            set_members(session, committee, (form.members.data or "").splitlines())
        except CommitteeRefused as exc:
            refused = str(exc)
        else:
            record_audit(session, g.moderator, "committee_members", None, committee.slug)
            flash(_("Miembros guardados."))
            return redirect(url_for("committee_admin.edit", slug=slug), code=303)
    else:
        form.members.data = "\n".join(member_emails(session, committee))
    return render_template(
        "committees/admin_edit.html", form=form, committee=committee, refused=refused
    ), (422 if refused else 200)

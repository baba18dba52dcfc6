"""The glossary page."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.glossary.terms import GLOSSARY

bp = Blueprint("glossary", __name__)


@bp.get("/glosario")
def index():
    return render_template("glossary/index.html", terms=GLOSSARY.values())

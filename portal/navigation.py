"""The site's main navigation: only features whose blueprint is registered appear."""

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l

MAIN_LINKS = (
    ("search.results", _l("Buscar")),
    ("maps.map_page", _l("Mapa")),
    ("investments.units", _l("Unidades ejecutoras")),
    ("complaints.new", _l("Enviar una observación")),
)


def nav_links() -> list[tuple[str, str]]:
    return [
        (endpoint, label)
        for endpoint, label in MAIN_LINKS
        if endpoint in current_app.view_functions
    ]


def search_url() -> str:
    """Where search boxes submit; the home page until the search feature is registered."""
    if "search.results" in current_app.view_functions:
        return url_for("search.results")
    return url_for("investments.home")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(nav_links=nav_links, search_url=search_url)

"""The map page, its GeoJSON endpoints and the Leaflet files the portal serves itself."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import replace
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from portal.api.params import parse_map_filters
from portal.db import get_session
from portal.i18n import format_money, format_number, format_percent
from portal.investments.figures_cache import figures_cache
from portal.investments.flags import FLAG_LABELS
from portal.investments.labels import PHASE_LABELS, STATUS_LABELS
from portal.investments.models import Place
from portal.investments.precompute import map_choices
from portal.maps import render
from portal.maps.choropleth import MEASURES, class_of, colour_classes, find_district_figures
from portal.maps.geo import boundaries_json, current_region, locate, outline_level, place_feature
from portal.maps.points import cache_dir, load_points, points_etag
from portal.maps.queries import (
    find_map_list,
    participatory_budget_years,
    place_options,
)
from portal.search.filters import Filters

bp = Blueprint("maps", __name__)

#: /mapa/limites/<file>.geojson → the level of the outlines it serves, and back.
BOUNDARY_FILES = {
    "departamentos": "departamento",
    "provincias": "provincia",
    "distritos": "distrito",
}
OUTLINE_FILES = {level: name for name, level in BOUNDARY_FILES.items()}


def _vendor_dirs() -> dict[str, Path]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    return {
        render.LEAFLET: Path(leaflet.BASE_DIR),
        render.MARKERCLUSTER: Path(markercluster.BASE_DIR),
    }


@bp.get("/mapa/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """Leaflet and marker-cluster from their xstatic packages; the version is in the URL."""
    directory = _vendor_dirs().get(package)
    if directory is None:
        abort(404)
    return send_from_directory(directory, filename, max_age=365 * 86400)


@bp.get("/mapa")
def map_page():
    session = get_session()
    filters = with_province_of_district(Filters.from_args(request.args))
    chosen = place_feature(filters.distrito or filters.provincia)
    mode = "coropletas" if request.args.get("modo") == "coropletas" else "puntos"
    measure = request.args.get("medida") if request.args.get("medida") in MEASURES else MEASURES[0]
    data_args = map_data_args(filters)
    choropleth = legend = district_rows = None
    if mode == "coropletas":
        choropleth, legend, district_rows = _choropleth(session, filters, measure)
    parts = render.region_map(
        points_url=url_for("maps.points", **data_args) if mode == "puntos" else None,
        boundaries={
            # The main lines: provinces of a department, or the departments of the country.
            "provincia": url_for(
                "maps.boundaries", level=OUTLINE_FILES[outline_level(current_region())]
            ),
            "distrito": url_for("maps.boundaries", level="distritos"),
        },
        choropleth=choropleth,
        labels=_point_labels(),
        place_urls=_place_urls(filters, _mode_args(mode, measure)),
        investment_url=url_for("investments.show", cui="CUI").replace("CUI", "{cui}"),
        chosen=chosen,
        fit_to_data=chosen is None and bool(filters.unidad or filters.q),
    )
    provinces, districts = place_options(session)
    functions, units = map_choices(session, figures_cache(session))
    page_args = {**filters.as_args(pagina=1), **_mode_args(mode, measure)}
    # A national portal's department is chosen as a 2-digit provincia: named too.
    department = session.get(Place, filters.provincia) if len(filters.provincia) == 2 else None
    places = provinces + districts + ([department] if department is not None else [])
    chips = _filter_chips(filters, _mode_args(mode, measure), places, units)
    return render_template(
        "maps/map.html",
        filters=filters,
        mode=mode,
        measure=measure,
        parts=parts,
        listing=find_map_list(session, filters),
        legend=legend,
        district_rows=district_rows,
        provinces=provinces,
        districts=districts,
        functions=functions,
        units=units,
        chips=chips,
        pp_years=participatory_budget_years(session),
        flag_labels=FLAG_LABELS,
        status_labels=STATUS_LABELS,
        phase_labels=PHASE_LABELS,
        page_args=page_args,
        geojson_url=url_for("maps.points", **data_args),
    )


def map_data_args(filters: Filters) -> dict[str, str]:
    """The map data's query string for ``filters``: a department (a 2-digit ``provincia``, as a
    national portal's links write it) is asked for as ``departamento``."""
    args = filters.as_args(pagina=1, orden="relevancia")
    if len(args.get("provincia", "")) == 2:
        args["departamento"] = args.pop("provincia")
    return args


def _place_urls(filters: Filters, mode_args: dict) -> dict[str, str]:
    """The map of one place of each level, the other filters kept; ``{ubigeo}`` stands for it.

    A circle of the map data by place links there (portal/maps/aggregates.py)."""

    def url(**place) -> str:
        args = filters.as_args(pagina=1, **place)
        return url_for("maps.map_page", **args, **mode_args).replace("UBIGEO", "{ubigeo}")

    return {
        "departamento": url(provincia="UBIGEO", distrito=""),
        "provincia": url(provincia="UBIGEO", distrito=""),
        "distrito": url(provincia="", distrito="UBIGEO"),
    }


def with_province_of_district(filters: Filters) -> Filters:
    """A chosen district also chooses its province (the first four digits of its ubigeo), so the
    province select shows where the district is and removing the district keeps its province.

    A district outside the chosen province means the province was changed in the form after the
    district was picked (the district select lists the chosen province's districts only): the
    new province wins and the old district is dropped."""
    if not (len(filters.distrito) == 6 and filters.distrito.isdigit()):
        return filters
    if filters.provincia and not filters.distrito.startswith(filters.provincia):
        return replace(filters, distrito="")
    return replace(filters, provincia=filters.distrito[:4])


def _filter_chips(filters: Filters, mode_args: dict, places, units) -> list[tuple[str, str, str]]:
    """(title, value, URL of the map without it) for each filter in force, names instead of codes.

    Removing the province removes its district too: the district would choose it again."""
    names = {p.ubigeo: p.name for p in places}
    values = {
        "q": (_("Palabras o CUI"), lambda v: f"«{v}»"),
        "provincia": (
            _("Departamento") if len(filters.provincia) == 2 else _("Provincia"),
            names.get,
        ),
        "distrito": (_("Distrito"), names.get),
        "estado": (_("Estado"), STATUS_LABELS.get),
        "fase": (_("Fase"), PHASE_LABELS.get),
        "funcion": (_("Función"), str),
        "unidad": (_("Unidad ejecutora"), dict(units).get),
        "pp": (_("Presupuesto participativo"), _pp_label),
        "alerta": (_("Señal de alerta"), FLAG_LABELS.get),
    }
    chips = []
    for name, (title, label) in values.items():
        value = getattr(filters, name)
        if not value:
            continue
        cleared = {name: "", "pagina": 1, **({"distrito": ""} if name == "provincia" else {})}
        url = url_for("maps.map_page", **filters.as_args(**cleared), **mode_args)
        chips.append((title, str(label(value) or value), url))
    return chips


def _pp_label(value: str) -> str:
    if value.isdigit():
        return _("Priorizadas en %(year)s", year=value)
    return _("Priorizadas (cualquier año)")


def _mode_args(mode: str, measure: str) -> dict[str, str]:
    return {"modo": mode, "medida": measure} if mode == "coropletas" else {}


def _point_labels() -> dict:
    return {
        "status": _("Estado"),
        "statuses": {code: str(label) for code, label in STATUS_LABELS.items()},
        "cost": _("Costo actualizado"),
        "progress": _("Avance físico"),
        "approximate": _("Ubicación aproximada: centro del distrito."),
        "link": _("Ver la inversión"),
        # The script counts the points itself: it gets both forms and picks one.
        "loaded_one": _loaded(1),
        "loaded": _loaded(2),
        "failed": _("No se pudo cargar el mapa; la lista de abajo tiene las mismas inversiones."),
        # Map data by place (portal/maps/aggregates.py): one circle per place.
        "investments": _("Inversiones"),
        "place_link": _("Ver sus inversiones en el mapa"),
        "places": _(
            "%(count)s inversiones en %(places)s lugares: elija uno para ver sus inversiones.",
            count="{count}",
            places="{places}",
        ),
        "unplaced": _("%(count)s sin un lugar de este nivel (no se dibujan).", count="{count}"),
    }


def _loaded(count: int) -> str:
    return ngettext(
        "%(count)s inversión en el mapa.",
        "%(count)s inversiones en el mapa.",
        count,
        count="{count}",
    )


def _format_measure(value, measure: str) -> str:
    if measure == "costo":
        return format_money(value)
    if measure == "ejecucion":
        return format_percent(value)
    return format_number(value)


def _legend_label(colour, measure: str, last: bool) -> str:
    """A class of the legend in words. Counts are whole numbers and a class holds its lower bound
    but not its upper one (but the last), so '1 a 2', '2 a 3' would put 2 in two classes: they
    read '1', '2', '3 a 4', and the last class keeps its top."""
    lower, upper = colour.lower, colour.upper
    if measure == "cantidad":
        upper = upper if last else upper - 1
        if upper <= lower:
            return format_number(lower)
    return _(
        "%(lower)s a %(upper)s",
        lower=_format_measure(lower, measure),
        upper=_format_measure(upper, measure),
    )


def _choropleth(session, filters: Filters, measure: str):
    """District colours for the map, the legend and the same figures as a table."""
    figures = find_district_figures(session, filters)
    values = {u: f.value(measure) for u, f in figures.items()}
    classes = colour_classes(list(values.values()), measure)
    colours = {}
    for ubigeo, value in values.items():
        index = class_of(value, classes)
        colours[ubigeo] = [index if index is not None else "none", _format_measure(value, measure)]
    legend = [(c.index, _legend_label(c, measure, c is classes[-1])) for c in classes]
    districts = place_options(session)[1]
    rows = [
        (d.name, figures[d.ubigeo], colours[d.ubigeo][1]) for d in districts if d.ubigeo in figures
    ]
    return colours, legend, rows


EMPTY_COLLECTION = b'{"type":"FeatureCollection","features":[]}'


@bp.get("/api/v1/inversiones.geojson")
def points():
    """Every investment the filters select, as compact GeoJSON, or for a large selection (a
    national portal's country and departments) their count and cost per place; cached per
    import and filters."""
    session = get_session()
    filters = parse_map_filters(request.args)
    if filters is None:
        return Response(EMPTY_COLLECTION, mimetype="application/geo+json")
    _, etag = points_etag(session, filters)
    if etag in request.if_none_match:
        return _not_modified(etag)
    raw, gzipped, etag = load_points(session, filters, cache_dir(current_app.config))
    return _json_response(raw, gzipped, etag, "application/geo+json", max_age=300)


@bp.get("/mapa/limites/<level>.geojson")
def boundaries(level: str):
    """The region's department, province or district outlines (never the whole country's unless
    the portal publishes it; shipped with the portal, so they change with a release)."""
    if level not in BOUNDARY_FILES:
        abort(404)
    raw = boundaries_json(current_region(), BOUNDARY_FILES[level])
    etag = hashlib.sha1(raw).hexdigest()[:20]
    if etag in request.if_none_match:
        return _not_modified(etag)
    return _json_response(
        raw,
        _gzipped_boundaries(current_region(), level),
        etag,
        "application/geo+json",
        max_age=86400,
    )


@cache
def _gzipped_boundaries(region: str, level: str) -> bytes:
    """The shipped outlines never change while the portal runs: compress them once per region."""
    return gzip.compress(boundaries_json(region, BOUNDARY_FILES[level]))


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _json_response(raw: bytes, gzipped: bytes, etag: str, mimetype: str, max_age: int) -> Response:
    """The body gzipped when the client accepts it, with an ETag for revalidation."""
    use_gzip = "gzip" in request.accept_encodings
    response = Response(gzipped if use_gzip else raw, mimetype=mimetype)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def small_map_for(investment=None, district=None) -> render.MapParts:
    """A small map for the investment page (``investment``, with its district Place) or a
    place page (``district``: the district's or province's Place). Template global: see
    templates/maps/_small_map.html.

    Laying a map out with folium costs ~4 ms of CPU (more than all the page's queries): each
    place's map is laid out once per process and the investment's point added to it.
    """
    ubigeo = district.ubigeo if district is not None else getattr(investment, "ubigeo", None)
    centroid = (district.latitude, district.longitude) if district is not None else None
    point = None
    if investment is not None:
        point = locate(
            investment.latitude, investment.longitude, investment.coords_status, centroid
        )
    feature, province_outline = _outline(ubigeo)
    # Drawn once per place (and per point only where there is no outline to fit).
    center = point[:2] if point is not None and feature is None else None
    config = current_app.config
    key = (
        ubigeo,
        center,
        config["PORTAL_TILE_URL"],
        config["PORTAL_TILE_ATTRIBUTION"],
        request.script_root,
        str(get_locale()),  # the map's touch hint is in the page's language
    )
    parts = _small_maps(current_app).get(key, lambda: render.small_map(center, feature))
    parts = replace(parts, province_outline=province_outline)
    return render.with_point(parts, point, getattr(investment, "name", ""))


def _outline(ubigeo: str | None) -> tuple[dict | None, bool]:
    """The place's outline, and whether it is its province's: a few districts have no
    outline in the files (Amantaní, an island)."""
    feature = place_feature(ubigeo)
    if feature is None and len(ubigeo or "") == 6:
        province = place_feature(ubigeo[:4])
        return province, province is not None
    return feature, False


class _PartsCache:
    """At most ``size`` rendered maps (~4 KB each), the least recently used dropped first."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: OrderedDict = OrderedDict()

    def get(self, key, draw):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        parts = draw()
        with self.lock:
            self.items[key] = parts
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return parts


def _small_maps(app) -> _PartsCache:
    return app.extensions.setdefault("portal.small_maps", _PartsCache())

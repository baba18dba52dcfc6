"""Map building with folium: the only module that imports it.

folium lays out the map (tiles, view, scale, the small maps' point and outline); the investments
and boundaries of the big map are loaded by static/js/map.js from our GeoJSON endpoints, so the
page stays the same size however many investments there are. Every script and stylesheet folium
asks for is replaced by the copies the portal serves: only the tile layer comes from outside.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from flask import current_app, url_for
from flask_babel import gettext as _
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from portal.maps.geo import feature_bbox, leaflet_bounds, region_bbox

LEAFLET = "leaflet-1.9.3"
MARKERCLUSTER = "markercluster-1.4.1"


@dataclass(frozen=True)
class MapParts:
    """A rendered map, in the pieces a page places: stylesheets, scripts, the div, the code."""

    css: tuple[str, ...]
    js: tuple[str, ...]
    html: Markup
    script: Markup
    #: Small maps: the point is the district centroid, the record's coordinates being unusable.
    approximate: bool = False
    #: Small maps: a point is drawn (a department-wide investment may have none).
    has_point: bool = False
    #: Small maps: the district has no outline in the boundaries, its province's is drawn.
    province_outline: bool = False
    #: The map's variable in ``script`` (small maps: where ``with_point`` adds the point).
    name: str = ""


class _Call(MacroElement):
    """A call into static/js/map.js (``VigiaMap.<function>(map, options)``), added like a layer."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "VigiaMap.{{ this.function }}({{ this._parent.get_name() }}, {{ this.options|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, options: dict):
        super().__init__()
        self._name = "VigiaCall"
        self.function = function
        self.options = options


def _vendor(package: str, filename: str) -> str:
    return url_for("maps.vendor", package=package, filename=filename)


def _base_map(**kwargs) -> folium.Map:
    """A map with our tiles and our copies of Leaflet, no CDN."""
    m = folium.Map(tiles=None, control_scale=True, **kwargs)
    # Instance lists: folium's add_js_link would change the class-wide defaults.
    m.default_js = [("leaflet", _vendor(LEAFLET, "leaflet.js"))]
    m.default_css = [("leaflet_css", _vendor(LEAFLET, "leaflet.css"))]
    folium.TileLayer(
        tiles=current_app.config["PORTAL_TILE_URL"],
        attr=current_app.config["PORTAL_TILE_ATTRIBUTION"],
        name="tiles",
        control=False,
    ).add_to(m)
    _Call("gestures", {"hint": _("Para mover el mapa, use dos dedos")}).add_to(m)
    return m


def _parts(
    m: folium.Map, extra_css: tuple[str, ...] = (), extra_js: tuple[str, ...] = ()
) -> MapParts:
    """Render the map and keep only what our page needs.

    folium's header also sets html/body to full height and a viewport meta tag; those belong to
    a page of its own, so they are dropped and maps.css sizes the div instead.
    """
    figure = m.get_root()
    for child in figure._children.values():
        child.render()
    links = list(figure.header._children.values())
    js = tuple(c.url for c in links if isinstance(c, JavascriptLink)) + extra_js
    css = tuple(c.url for c in links if isinstance(c, CssLink)) + extra_css
    foreign = [u for u in js + css if not u.startswith("/") or u.startswith("//")]
    if foreign:
        raise ValueError(f"map asset from another host: {foreign}")
    div = f'<div class="folium-map map-canvas" id="{m.get_name()}"></div>'
    return MapParts(css, js, Markup(div), Markup(figure.script.render()))


def region_map(
    *,
    points_url: str | None,
    boundaries: dict[str, str],
    choropleth: dict | None,
    labels: dict[str, str],
    investment_url: str,
    place_urls: dict[str, str] | None = None,
    chosen: dict | None = None,
    fit_to_data: bool = False,
) -> MapParts:
    """The big map: outlines, then clustered points or districts coloured by a figure.

    ``boundaries`` maps 'provincia'/'distrito' to the URL of their GeoJSON; ``choropleth`` is
    ``{ubigeo: [class index, figure text]}`` or None for points; ``investment_url`` has ``{cui}``;
    ``place_urls`` maps a level to the map of one of its places (``{ubigeo}``), where a circle
    of the data by place leads.
    ``chosen`` is the outline of the place a person picked: the map opens on it, outlined.
    ``fit_to_data``: no place was picked but the selection is narrow (a unit, words), so the map
    moves to the points (or coloured districts) once they are loaded.
    """
    box = feature_bbox(chosen) if chosen is not None else region_bbox()
    m = _base_map(location=[(box.south + box.north) / 2, (box.west + box.east) / 2], zoom_start=8)
    m.fit_bounds(leaflet_bounds(box))
    _Call(
        "boundaries",
        {
            "provinces": boundaries["provincia"],
            "districts": boundaries["distrito"],
            "choropleth": choropleth,
            "chosen": chosen["id"] if chosen is not None else None,
            "fit": fit_to_data and choropleth is not None,
        },
    ).add_to(m)
    if points_url:
        _Call(
            "points",
            {
                "url": points_url,
                "link": investment_url,
                "places": place_urls or {},
                "labels": labels,
                "fit": fit_to_data,
            },
        ).add_to(m)
    return _parts(
        m,
        extra_css=(
            _vendor(MARKERCLUSTER, "MarkerCluster.css"),
            _vendor(MARKERCLUSTER, "MarkerCluster.Default.css"),
        ),
        extra_js=(
            _vendor(MARKERCLUSTER, "leaflet.markercluster.js"),
            url_for("static", filename="js/map.js"),
        ),
    )


def small_map(center: tuple[float, float] | None, district_feature: dict | None) -> MapParts:
    """A small map of one place, without its point: the outline when there is one (the view
    fits it), else ``center`` (lat, lon) at street level, else the whole region.

    The point is added by ``with_point``: drawn this way, one place's map serves every investment
    in it (folium takes ~4 ms of CPU to lay a map out; adding a point takes microseconds).
    """
    location = list(center) if center is not None and district_feature is None else None
    m = _base_map(location=location, zoom_start=13, scroll_wheel_zoom=False)
    if district_feature is not None:
        outline = folium.GeoJson(
            district_feature,
            style_function=lambda _f: {"color": "#083b6a", "weight": 2, "fillOpacity": 0.08},
        ).add_to(m)
        m.fit_bounds(outline.get_bounds())
    elif center is None:
        m.fit_bounds(leaflet_bounds(region_bbox()))
    parts = _parts(m, extra_js=(url_for("static", filename="js/map.js"),))
    return replace(parts, name=m.get_name())


def with_point(
    parts: MapParts, point: tuple[float, float, bool] | None, label: str = ""
) -> MapParts:
    """``parts`` with the point drawn: (lat, lon, approximate) as ``geo.locate`` returns it; an
    approximate point (the district centroid) is hollow. ``label`` names it in a tooltip.

    The label comes from a published file: it is escaped as HTML (Leaflet puts a tooltip's text
    in as HTML) and written as a JSON string safe inside a script element.
    """
    if point is None:
        return parts
    lat, lon, approximate = point
    style = {
        "radius": 8,
        "color": "#083b6a",
        "weight": 3,
        "fill": not approximate,
        "fillColor": "#0b5394",
        "fillOpacity": 0.9,
    }
    code = f"L.circleMarker({json.dumps([lat, lon])}, {json.dumps(style)}).addTo({parts.name})"
    if label:
        code += f".bindTooltip({htmlsafe_json_dumps(str(escape(label)))}, {{sticky: true}})"
    return replace(
        parts, script=parts.script + Markup(f"\n{code};\n"), approximate=approximate, has_point=True
    )

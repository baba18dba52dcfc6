"""Home, investment fact sheets, place and unit pages, and the methodology of the red flags."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from portal.complaints.response_times import response_times
from portal.complaints.service import find_place_observations, published_observations
from portal.contracts.cardinal import bundled_settings
from portal.contracts.ids import load_points, sheet_disclosure
from portal.contracts.queries import investment_processes, processes_as_data
from portal.contracts.signals import (
    NOT_COMPUTED_LABELS,
    SIGNAL_LABELS,
    SignalThresholds,
    explain_signal,
)
from portal.cycle.queries import find_unit_cycle
from portal.db import get_session
from portal.i18n import local_today
from portal.importer.queries import source_freshness
from portal.investments.as_of import (
    figures_as_of,
    figures_of_version,
    latest_run_id,
    parse_day,
    parse_version,
)
from portal.investments.charts import execution_chart, monthly_chart
from portal.investments.figures_cache import figures_cache
from portal.investments.flags import FLAG_LABELS, FlagThresholds, explain_flag
from portal.investments.models import Place
from portal.investments.place_queries import (
    COMPARE_ORDERS,
    compared_level,
    find_place_page,
    list_provinces,
    list_region_wide,
    sort_places,
)
from portal.investments.precompute import compared_places, home_figures, unit_list
from portal.investments.queries import latest_changed_investments
from portal.investments.sheet import find_close_matches, find_investment_sheet
from portal.investments.sheet_json import sheet_as_dict
from portal.investments.summary import summarise_sheet
from portal.investments.unit_list import (
    UNIT_ORDERS,
    province_choices,
    read_unit_choice,
    units_csv,
)
from portal.investments.unit_queries import find_unit_page
from portal.page_cache import cached_page
from portal.places import NATIONAL
from portal.search.filters import Filters

bp = Blueprint("investments", __name__)
bp.add_app_template_global(execution_chart)
bp.add_app_template_global(monthly_chart)


def _thresholds() -> FlagThresholds:
    return FlagThresholds.from_config(current_app.config)


def _flag_sentences() -> dict[str, str]:
    thresholds = _thresholds()
    return {code: explain_flag(code, thresholds) for code in FLAG_LABELS}


@bp.get("/")
@cached_page
def home():
    session = get_session()
    cache = figures_cache(session)
    return render_template(
        "investments/home.html",
        **home_figures(session, cache),
        provinces=list_provinces(session, current_app.config["PORTAL_REGION"]),
        region_wide=list_region_wide(session, cache=cache),
        latest=latest_changed_investments(session, cache=cache),
        freshness=source_freshness(session),
    )


def _official_links(sheet) -> dict[str, str]:
    config = current_app.config
    links = {
        "mef_consulta": config["PORTAL_URL_MEF_CONSULTA"].format(cui=sheet.investment.cui),
        "mef_invierte": config["PORTAL_URL_MEF_INVIERTE"].format(cui=sheet.investment.cui),
    }
    for work in sheet.works:
        links[f"infobras_{work.infobras_code}"] = config["PORTAL_URL_INFOBRAS"].format(
            code=work.infobras_code, cui=sheet.investment.cui
        )
    return links


@bp.get("/inversiones/<cui>")
@cached_page
def show(cui: str):
    session = get_session()
    today = local_today()
    sheet = find_investment_sheet(session, cui, _thresholds(), today)
    if sheet is None:
        matches = find_close_matches(session, cui)
        return render_template("investments/not_found.html", cui=cui[:60], matches=matches), 404
    permalink = url_for("investments.show", cui=sheet.investment.cui, _external=True)
    as_of, bad_date, bad_version = _as_of(session, sheet.investment)
    contracts = investment_processes(session, sheet.investment.cui)
    return render_template(
        "investments/show.html",
        sheet=sheet,
        inv=sheet.investment,
        glance=summarise_sheet(sheet, today),
        links=_official_links(sheet),
        flag_sentences=_flag_sentences(),
        permalink=permalink,
        as_of=as_of,
        bad_date=bad_date,
        bad_version=bad_version,
        cite_url=_cite_url(session, sheet.investment.cui, as_of, today),
        today=today,
        observations=published_observations(session, sheet.investment.cui),
        contracts=contracts,
        ids=sheet_disclosure(sheet, contracts),
    )


def _cite_url(session, cui: str, as_of, today) -> str:
    """The citation links the version (import run) of the figures read, and their day: the
    link rebuilds exactly those figures next year, whatever was imported later that day too.
    The canonical address stays the undated page."""
    if as_of is None:
        day, version = today, latest_run_id(session)
    else:
        day, version = as_of.day, as_of.run_id
    args = {"fecha": day.isoformat()}
    if version is not None:
        args["version"] = version
    return url_for("investments.show", cui=cui, _external=True, **args)


def _as_of(session, inv) -> tuple:
    """(figures of ``?version=`` or ``?fecha=``, bad date text, bad version text).

    A bad date or version shows the page with a notice rather than an error, so a mistyped link
    still reaches the investment: a bad version falls back to the date, if a good one is given.
    """
    timezone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    version_text = request.args.get("version", "")
    bad_version = None
    if version_text:
        run_id = parse_version(version_text)
        as_of = figures_of_version(session, inv, run_id, timezone) if run_id else None
        if as_of is not None:
            return as_of, None, None
        bad_version = version_text[:40]
    text = request.args.get("fecha", "")
    if not text:
        return None, None, bad_version
    day = parse_day(text, local_today())
    if day is None:
        return None, text[:40], bad_version
    return figures_as_of(session, inv, day, timezone), None, bad_version


@bp.get("/inversiones/<cui>.json")
def show_json(cui: str):
    sheet = find_investment_sheet(get_session(), cui, _thresholds(), local_today())
    if sheet is None:
        abort(404)
    url = url_for("investments.show", cui=sheet.investment.cui, _external=True)
    data = sheet_as_dict(sheet, _thresholds(), _official_links(sheet), url)
    data["contracting"] = processes_as_data(
        investment_processes(get_session(), sheet.investment.cui)
    )
    return jsonify(data)


@bp.get("/lugares/<ubigeo>")
@cached_page
def place(ubigeo: str):
    if ubigeo == current_app.config["PORTAL_REGION"]:
        return redirect(url_for("investments.home"), 308)  # the region's page is the home page
    session = get_session()
    page = find_place_page(
        session, ubigeo, Filters.from_args(request.args), cache=figures_cache(session)
    )
    if page is None:
        abort(404)
    return render_template(
        "places/show.html", page=page, observations=find_place_observations(session, ubigeo)
    )


@bp.get("/unidades")
@cached_page
def units():
    session = get_session()
    choices = province_choices(session, current_app.config["PORTAL_REGION"])
    choice = read_unit_choice(request.args, choices)
    listing = unit_list(
        session, local_today(), choice.provincia, choice.orden, figures_cache(session)
    )
    return render_template(
        "units/index.html",
        listing=listing,
        choice=choice,
        choices=choices,
        orders=UNIT_ORDERS,
        response_times=response_times(
            session, int(current_app.config["PORTAL_OBSERVATION_REPLY_DAYS"])
        ),
    )


@bp.get("/unidades.csv")
def units_download():
    session = get_session()
    choice = read_unit_choice(
        request.args, province_choices(session, current_app.config["PORTAL_REGION"])
    )
    if choice.refused:
        parameter, value = choice.refused[0]
        message = _(
            "Valor no válido para «%(parameter)s»: «%(value)s».", parameter=parameter, value=value
        )
        return Response(message + "\n", status=400, mimetype="text/plain")
    listing = unit_list(
        session, local_today(), choice.provincia, choice.orden, figures_cache(session)
    )
    times = response_times(session, int(current_app.config["PORTAL_OBSERVATION_REPLY_DAYS"]))
    suffix = f"-{choice.provincia}" if choice.provincia else ""
    name = f"vigia-unidades-ejecutoras{suffix}-{local_today().isoformat()}.csv"
    return Response(
        units_csv(listing, times),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/provincias")
@cached_page
def provinces():
    """Provinces side by side (departments, or one department's provinces, for ``all``)."""
    session = get_session()
    region = current_app.config["PORTAL_REGION"]
    refused = []
    parent = region
    if region == NATIONAL:
        chosen = request.args.get("departamento", "").strip()
        departments = {p.ubigeo: p for p in list_provinces(session, NATIONAL)}
        if chosen in departments:
            parent = chosen
        elif chosen:
            refused.append(("departamento", chosen[:40]))
    orden = request.args.get("orden", "").strip() or "nombre"
    if orden not in COMPARE_ORDERS:
        refused.append(("orden", orden[:40]))
        orden = "nombre"
    cache = figures_cache(session)
    places = compared_places(session, parent, cache)
    return render_template(
        "places/compare.html",
        places=sort_places(places, orden),
        level=compared_level(parent),
        parent=parent,
        parent_place=session.get(Place, parent) if parent != NATIONAL else None,
        departments=list_provinces(session, NATIONAL) if region == NATIONAL else [],
        orden=orden,
        orders=COMPARE_ORDERS,
        refused=refused,
    )


@bp.get("/unidades/<slug>")
@cached_page
def unit(slug: str):
    session = get_session()
    page = find_unit_page(session, slug, cache=figures_cache(session))
    if page is None:
        abort(404)
    today = local_today()
    cycle = find_unit_cycle(session, page.unit.sec_ejec, today)
    reply_days = int(current_app.config["PORTAL_OBSERVATION_REPLY_DAYS"])
    return render_template(
        "units/show.html",
        page=page,
        cycle=cycle,
        today=today,
        reply_days=reply_days,
        response=response_times(session, reply_days, sec_ejec=page.unit.sec_ejec).get(
            page.unit.sec_ejec
        ),
    )


def _signal_sentences() -> dict[str, str]:
    """Each contract signal's rule with the thresholds in force: Cardinal's from its settings
    file, Vigía's own from the configuration."""
    thresholds = SignalThresholds.from_config(current_app.config)
    return {
        code: explain_signal(code, bundled_settings(), thresholds)
        for code in (*SIGNAL_LABELS, *NOT_COMPUTED_LABELS)
    }


@bp.get("/metodologia")
def methodology():
    return render_template(
        "pages/metodologia.html",
        flag_sentences=_flag_sentences(),
        thresholds=_thresholds(),
        ids_points=load_points(),
        signal_sentences=_signal_sentences(),
    )

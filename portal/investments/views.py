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

from portal.complaints.service import find_place_observations, published_observations
from portal.contracts.queries import investment_processes, processes_as_data
from portal.db import get_session
from portal.i18n import local_today
from portal.importer.queries import source_freshness
from portal.investments.as_of import figures_as_of, parse_day
from portal.investments.charts import execution_chart, monthly_chart
from portal.investments.figures_cache import figures_cache
from portal.investments.flags import FLAG_LABELS, FlagThresholds, explain_flag
from portal.investments.place_queries import find_place_page, list_provinces, list_region_wide
from portal.investments.queries import (
    find_bottlenecks,
    latest_changed_investments,
    prioritised_status_counts,
    summarise_portfolio,
)
from portal.investments.sheet import find_close_matches, find_investment_sheet
from portal.investments.sheet_json import sheet_as_dict
from portal.investments.unit_list import list_units, units_csv
from portal.investments.unit_queries import find_unit_page
from portal.page_cache import cached_page
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
        totals=cache("region", lambda: summarise_portfolio(session)),
        prioritised=cache("region-pp", lambda: prioritised_status_counts(session)),
        bottlenecks=cache("bottlenecks", lambda: find_bottlenecks(session)),
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
    as_of, bad_date = _as_of(session, sheet.investment)
    # The citation links the figures of the day they were read, so a reader can check them
    # next year (?fecha= rebuilds them); the canonical address stays the undated page.
    cited_day = as_of.day if as_of else today
    return render_template(
        "investments/show.html",
        sheet=sheet,
        inv=sheet.investment,
        links=_official_links(sheet),
        flag_sentences=_flag_sentences(),
        permalink=permalink,
        as_of=as_of,
        bad_date=bad_date,
        cite_url=url_for(
            "investments.show", cui=sheet.investment.cui, fecha=cited_day.isoformat(),
            _external=True,
        ),
        today=today,
        observations=published_observations(session, sheet.investment.cui),
        contracts=investment_processes(session, sheet.investment.cui),
    )  # fmt: skip


def _as_of(session, inv) -> tuple:
    """(figures on ``?fecha=``, None) or (None, the bad text): a bad date shows today's page
    with a notice rather than an error, so a mistyped link still reaches the investment."""
    text = request.args.get("fecha", "")
    if not text:
        return None, None
    day = parse_day(text, local_today())
    if day is None:
        return None, text[:40]
    return figures_as_of(session, inv, day, current_app.config["BABEL_DEFAULT_TIMEZONE"]), None


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
    return render_template("units/index.html", listing=list_units(get_session(), local_today()))


@bp.get("/unidades.csv")
def units_download():
    listing = list_units(get_session(), local_today())
    name = f"vigia-unidades-ejecutoras-{local_today().isoformat()}.csv"
    return Response(
        units_csv(listing),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/unidades/<slug>")
@cached_page
def unit(slug: str):
    session = get_session()
    page = find_unit_page(session, slug, cache=figures_cache(session))
    if page is None:
        abort(404)
    return render_template("units/show.html", page=page)


@bp.get("/metodologia")
def methodology():
    return render_template(
        "pages/metodologia.html", flag_sentences=_flag_sentences(), thresholds=_thresholds()
    )

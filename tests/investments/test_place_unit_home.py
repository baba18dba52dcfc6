"""Place, unit and home pages on the demo data: figures reconcile from districts up to the region."""

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.investments.models import Investment, Place, YearlyExecution
from portal.investments.place_queries import place_condition
from portal.investments.queries import count_flags, summarise_portfolio


def figure(page, name):
    match = re.search(rf'data-figure="{name}"[^>]*>(.*?)</', page, re.S)
    assert match, name
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


@pytest.fixture
def session(demo_app):
    from portal.db import get_session

    with demo_app.app_context():
        yield get_session()


def years_as_tuples(portfolio):
    return {y.year: (y.pia, y.pim, y.devengado) for y in portfolio.years}


def add_up(portfolios):
    total = {"count": 0, "cost": Decimal(0), "devengado": Decimal(0), "years": {}, "flags": {}}
    for p, flags in portfolios:
        total["count"] += p.investments
        total["cost"] += p.updated_cost
        total["devengado"] += p.devengado_accumulated
        for year, values in years_as_tuples(p).items():
            old = total["years"].get(year, (0, 0, 0))
            total["years"][year] = tuple(a + b for a, b in zip(old, values, strict=True))
        for code, n in flags.items():
            total["flags"][code] = total["flags"].get(code, 0) + n
    return total


def as_total(portfolio, flags):
    return add_up([(portfolio, flags)])


def test_districts_add_up_to_their_province_and_provinces_to_the_region(session):
    provinces = session.scalars(select(Place).where(Place.level == "provincia")).all()
    assert len(provinces) == 13
    region_parts = []
    for province in provinces:
        districts = session.scalars(
            select(Place).where(Place.parent_ubigeo == province.ubigeo)
        ).all()
        parts = []
        for d in districts:
            where = [place_condition(d.ubigeo)]
            parts.append((summarise_portfolio(session, where), count_flags(session, where)))
        where = [place_condition(province.ubigeo)]
        whole = (summarise_portfolio(session, where), count_flags(session, where))
        total = add_up(parts)
        assert {k: v for k, v in total.items() if k != "years"} == {
            k: v for k, v in as_total(*whole).items() if k != "years"
        }, province.name
        assert {y: v for y, v in total["years"].items() if any(v)} == years_as_tuples(whole[0])
        region_parts.append(whole)
    region = as_total(summarise_portfolio(session), count_flags(session))
    assert add_up(region_parts) == region
    assert region["count"] == 400 + 40


def test_province_page_figures_equal_the_sum_of_its_district_pages(demo_client, session):
    province = "0607"
    page = demo_client.get(f"/lugares/{province}").get_data(as_text=True)
    districts = re.findall(r'href="/lugares/(0607\d\d)"', page)
    assert len(districts) == session.scalar(
        select(func.count()).where(Place.parent_ubigeo == province)
    )
    count = cost = 0
    for ubigeo in districts:
        d_page = demo_client.get(f"/lugares/{ubigeo}").get_data(as_text=True)
        count += int(figure(d_page, "investments").replace(",", ""))
        cost += session.scalar(
            select(func.coalesce(func.sum(Investment.updated_cost), 0)).where(
                Investment.ubigeo == ubigeo
            )
        )
    assert figure(page, "investments") == f"{count:,}"
    with demo_client.application.test_request_context():
        from portal.i18n import format_money

        assert figure(page, "updated_cost") == format_money(cost)


def test_region_home_shows_the_same_totals_as_the_sum_of_provinces(demo_client, session):
    page = demo_client.get("/").get_data(as_text=True)
    count = sum(
        int(
            figure(demo_client.get(f"/lugares/{p}").get_data(as_text=True), "investments").replace(
                ",", ""
            )
        )
        for p in re.findall(r'href="/lugares/(\d{4})"', page)
    )
    assert figure(page, "investments") == f"{count:,}" == "440"


def test_home_shows_this_years_execution_and_execution_by_year(demo_client, session):
    page = demo_client.get("/").get_data(as_text=True)
    pim, dev = session.execute(
        select(func.sum(Investment.pim_current), func.sum(Investment.devengado_current))
    ).one()
    expected = (Decimal(dev) * 100 / Decimal(pim)).quantize(Decimal("0.1"))
    assert figure(page, "execution_this_year") == f"{expected}%"
    assert figure(page, "execution_2026") == f"{expected}%"
    pim24, dev24 = session.execute(
        select(func.sum(YearlyExecution.pim), func.sum(YearlyExecution.devengado)).where(
            YearlyExecution.year == 2024
        )
    ).one()
    assert (
        figure(page, "execution_2024")
        == f"{(Decimal(dev24) * 100 / Decimal(pim24)).quantize(Decimal('0.1'))}%"
    )
    assert 'id="grafico-region"' in page and page.count("<h1") == 1


def test_home_counts_participatory_budget_investments_by_status(demo_client, session):
    page = demo_client.get("/").get_data(as_text=True)
    finished = re.search(r'data-pp-status="finalizada">([\d,]+)<', page).group(1)
    running = re.search(r'data-pp-status="en_ejecucion">([\d,]+)<', page).group(1)
    from portal.investments.models import Prioritisation

    def prioritised(status):
        return session.scalar(
            select(func.count()).where(
                Investment.status == status, Investment.cui.in_(select(Prioritisation.cui))
            )
        )

    assert int(finished) == prioritised("finalizada") and int(running) == prioritised(
        "en_ejecucion"
    )
    total = re.search(r'data-figure="pp_total">([\d,]+) inversiones', page).group(1)
    assert int(total) == session.scalar(select(func.count(func.distinct(Prioritisation.cui))))


def test_home_lists_the_worst_bottlenecks_with_links_to_all(demo_client, session):
    page = demo_client.get("/").get_data(as_text=True)
    stalled = session.scalar(select(func.count()).where(Investment.status == "paralizada"))
    assert re.search(rf'data-bottleneck="paralizada">\({stalled}\)', page)
    assert "?alerta=plazo_vencido" in page and "?alerta=gasto_adelantado" in page
    costliest = session.scalar(
        select(Investment.cui)
        .where(Investment.status == "paralizada")
        .order_by(Investment.updated_cost.desc())
        .limit(1)
    )
    assert f'href="/inversiones/{costliest}"' in page
    assert 'role="search"' in page and 'data-figure="updated_cost"' in page


def test_place_page_list_uses_the_search_filters(demo_client, session):
    page = demo_client.get("/lugares/0613?estado=paralizada").get_data(as_text=True)
    expected = session.scalar(
        select(func.count()).where(
            Investment.ubigeo.startswith("0613"), Investment.status == "paralizada"
        )
    )
    assert figure(page, "listing_total") == f"{expected} inversiones"
    listing = page[page.index('id="lista"') :]
    assert listing.count("badge-paralizada") == expected and "badge-en_ejecucion" not in listing


def test_place_page_ignores_a_district_from_another_province(demo_client, session):
    page = demo_client.get("/lugares/0613?distrito=060101").get_data(as_text=True)
    total = session.scalar(select(func.count()).where(Investment.ubigeo.startswith("0613")))
    assert figure(page, "listing_total") == f"{total} inversiones"


def test_place_page_counts_red_flags(demo_client, session):
    page = demo_client.get("/lugares/0613").get_data(as_text=True)
    counts = count_flags(session, [place_condition("0613")])
    for code, n in counts.items():
        assert re.search(rf'data-flag="{code}">(<a [^>]*>)?{n}<', page), code
    assert 'class="small-map' in page


@pytest.mark.parametrize(
    "path",
    [
        "/lugares/15",
        "/lugares/0699",
        "/lugares/abcd",
        "/lugares/06011",
        "/lugares/%00",
        "/unidades/no-existe",
        "/unidades/%FF",
    ],
)
def test_unknown_places_and_units_give_404(demo_client, path):
    assert demo_client.get(path).status_code == 404


def test_the_region_code_leads_to_the_home_page(demo_client):
    response = demo_client.get("/lugares/06")

    assert response.status_code == 308 and response.headers["Location"] == "/"


def test_unit_page_gives_financial_execution_by_year_from_its_own_budget_lines(
    demo_client, session
):
    slug = "region-cajamarca-agricultura"
    page = demo_client.get(f"/unidades/{slug}").get_data(as_text=True)
    assert page.count("<h1") == 1 and "REGION CAJAMARCA-AGRICULTURA" in page
    for year in (2023, 2024, 2025):
        pim, dev = session.execute(
            select(func.sum(YearlyExecution.pim), func.sum(YearlyExecution.devengado)).where(
                YearlyExecution.sec_ejec == "759", YearlyExecution.year == year
            )
        ).one()
        if pim:
            percent = (Decimal(dev) * 100 / Decimal(pim)).quantize(Decimal("0.1"))
            assert figure(page, f"execution_{year}") == f"{percent}%"
    count = session.scalar(select(func.count()).where(Investment.sec_ejec == "759"))
    assert figure(page, "investments") == f"{count:,}"


def test_unit_page_lists_pending_closures_and_closed_per_year(demo_client, session):
    unit = session.execute(
        select(Investment.sec_ejec, func.count())
        .where(Investment.status == "finalizada", Investment.phase != "cierre")
        .group_by(Investment.sec_ejec)
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    from portal.investments.models import ExecutingUnit

    slug = session.scalar(select(ExecutingUnit.slug).where(ExecutingUnit.sec_ejec == unit[0]))
    page = demo_client.get(f"/unidades/{slug}").get_data(as_text=True)
    assert len(re.findall(r'data-pending="\d+"', page)) == unit[1]
    closed = session.execute(
        select(func.count()).where(
            Investment.sec_ejec == unit[0], Investment.closed_on.is_not(None)
        )
    ).scalar()
    shown = sum(int(n) for n in re.findall(r'data-closed="\d+">(\d+)<', page))
    assert shown == closed


def test_methodology_defines_every_flag_with_its_threshold(demo_client):
    page = html.unescape(demo_client.get("/metodologia").get_data(as_text=True))
    from portal.investments.flags import FLAG_LABELS

    for code in FLAG_LABELS:
        assert f'id="{code}"' in page
    assert "12 meses" in page and "30 puntos" in page and page.count("<h1") == 1

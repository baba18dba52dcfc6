"""The red-flag rules on edge cases: each flag fires exactly at its threshold, never on missing data."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from portal.investments.flags import (
    FLAG_LABELS,
    FlagFacts,
    FlagThresholds,
    evaluate_flags,
    explain_flag,
)

TODAY = dt.date(2026, 11, 23)
QUIET = FlagFacts(
    status="en_ejecucion",
    phase="ejecucion",
    viable_cost=Decimal("1000000"),
    updated_cost=Decimal("1000000"),
    devengado_accumulated=Decimal("500000"),
    physical_progress=Decimal("50"),
    last_devengado_on=dt.date(2026, 10, 1),
    execution_start_on=dt.date(2025, 1, 1),
    planned_end_on=dt.date(2027, 6, 30),
    has_f12b=True,
    infobras_stalled=False,
)
RULES = FlagThresholds()


def flags(**changes):
    return evaluate_flags(replace(QUIET, **changes), RULES, TODAY)


def test_a_healthy_investment_has_no_flags():
    assert flags() == []


def test_spending_thirty_points_ahead_of_works_is_flagged_but_twenty_nine_is_not():
    assert flags(devengado_accumulated=Decimal("800000")) == ["gasto_adelantado"]
    assert flags(devengado_accumulated=Decimal("799000")) == []


def test_spending_ahead_needs_a_known_progress_and_cost():
    assert flags(devengado_accumulated=Decimal("900000"), physical_progress=None) == []
    assert flags(devengado_accumulated=Decimal("900000"), updated_cost=None) == []
    assert flags(devengado_accumulated=Decimal("900000"), updated_cost=Decimal(0)) == []


def test_twelve_months_without_devengado_in_execution_is_flagged_eleven_is_not():
    assert flags(last_devengado_on=dt.date(2025, 11, 1)) == ["sin_devengado"]
    assert flags(last_devengado_on=dt.date(2025, 12, 1)) == []


def test_never_paid_counts_from_the_start_of_execution():
    assert flags(last_devengado_on=None, execution_start_on=dt.date(2025, 10, 15)) == [
        "sin_devengado"
    ]
    assert flags(last_devengado_on=None, execution_start_on=None) == []


def test_no_devengado_does_not_flag_a_stalled_or_finished_investment():
    old = dt.date(2020, 1, 1)
    assert "sin_devengado" not in flags(status="paralizada", last_devengado_on=old)
    assert "sin_devengado" not in flags(status="finalizada", last_devengado_on=old)


def test_infobras_stalled_is_flagged_whatever_the_status():
    assert flags(infobras_stalled=True) == ["paralizada_infobras"]
    assert flags(infobras_stalled=True, status="paralizada") == ["paralizada_infobras"]


def test_execution_without_f12b_is_flagged_only_while_in_execution():
    assert flags(has_f12b=False) == ["sin_f12b"]
    assert flags(has_f12b=False, status="sin_iniciar") == []


def test_cost_overrun_above_thirty_percent_is_flagged_exactly_thirty_is_not():
    assert flags(
        updated_cost=Decimal("1300000.01"),
        devengado_accumulated=Decimal(0),
        physical_progress=Decimal(0),
    ) == ["sobrecosto"]
    assert (
        flags(
            updated_cost=Decimal("1300000"),
            devengado_accumulated=Decimal(0),
            physical_progress=Decimal(0),
        )
        == []
    )


def test_cost_overrun_needs_a_viable_cost():
    assert flags(viable_cost=None, updated_cost=Decimal("9000000")) == []
    assert flags(viable_cost=Decimal(0), updated_cost=Decimal("9000000")) == []


def test_end_date_passed_below_full_progress_is_flagged():
    assert flags(planned_end_on=dt.date(2026, 11, 22)) == ["plazo_vencido"]
    assert flags(planned_end_on=TODAY) == []
    assert flags(planned_end_on=dt.date(2026, 1, 1), physical_progress=Decimal(100)) == []


def test_overdue_does_not_flag_finished_or_closed_investments():
    past = dt.date(2024, 1, 1)
    assert flags(planned_end_on=past, status="finalizada") == []
    assert flags(planned_end_on=past, phase="cierre", status="sin_iniciar") == []


def test_flags_come_in_the_published_order():
    codes = flags(
        infobras_stalled=True,
        has_f12b=False,
        planned_end_on=dt.date(2026, 1, 1),
        devengado_accumulated=Decimal("900000"),
    )
    assert codes == ["gasto_adelantado", "paralizada_infobras", "sin_f12b", "plazo_vencido"]
    assert codes == [c for c in FLAG_LABELS if c in codes]


def test_thresholds_come_from_settings():
    strict = FlagThresholds.from_config(
        {
            "PORTAL_FLAG_SPENDING_AHEAD_POINTS": "10",
            "PORTAL_FLAG_NO_SPENDING_MONTHS": 3,
            "PORTAL_FLAG_COST_OVERRUN_PERCENT": 5,
        }
    )
    facts = replace(
        QUIET,
        devengado_accumulated=Decimal("700000"),
        last_devengado_on=dt.date(2026, 8, 1),
        updated_cost=Decimal("1060000"),
    )
    assert evaluate_flags(facts, strict, TODAY) == [
        "gasto_adelantado",
        "sin_devengado",
        "sobrecosto",
    ]
    assert evaluate_flags(facts, RULES, TODAY) == []


@pytest.mark.parametrize("code", list(FLAG_LABELS))
def test_every_flag_is_explained_in_one_sentence(app, code):
    with app.test_request_context():
        sentence = explain_flag(code, RULES)
    assert sentence.endswith(".") and sentence.count(". ") == 0
    assert "%" not in sentence.replace("100 %", "").replace("30 %", "")


def test_refresh_stores_flags_of_many_investments_in_one_update(app):
    """A national import changes ~300,000 investments' flags: one set-based UPDATE, not one each."""
    from sqlalchemy import event, select

    from portal.db import get_engine, session_scope
    from portal.investments.flags import refresh_red_flags
    from portal.investments.models import Investment
    from tests.search.factories import add_investment

    with app.app_context():
        with session_scope() as session:
            for n in range(400):
                add_investment(
                    session,
                    f"24{n:05d}",
                    f"OBRA {n}",
                    viable_cost=Decimal("1000000"),
                    updated_cost=Decimal("2000000") if n % 2 else Decimal("1000000"),
                    devengado_accumulated=Decimal("100000"),
                    last_devengado_on=dt.date(2026, 10, 1),
                    execution_start_on=dt.date(2025, 1, 1),
                    has_f12b=True,
                    red_flags="plazo_vencido" if n % 4 == 0 else "",
                )
        engine = get_engine()
        updates: list[bool] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("UPDATE INVESTMENTS"):
                updates.append(executemany)

        event.listen(engine, "before_cursor_execute", count)
        try:
            with engine.begin() as conn:
                refresh_red_flags(conn, RULES, TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        with session_scope() as session:
            stored = dict(session.execute(select(Investment.cui, Investment.red_flags)).all())
    assert updates == [False]  # one statement for all 400 rows (n % 4 == 1, 3: 200 changes)
    assert {stored[f"24{n:05d}"] for n in range(1, 400, 2)} == {"sobrecosto"}
    assert {stored[f"24{n:05d}"] for n in range(0, 400, 2)} == {""}  # stale flag cleared

"""The box to follow a unit's pending closures fits a 360 px phone, on the unit page and /ciclo.

Set PORTAL_SCREENSHOTS=/some/dir to keep a screenshot of each box (looked at by a person).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

BOX = "section.follow:has(input[name=tipo][value=cierres])"


def _busiest_unit_slug(app) -> str:
    from portal.db import get_session
    from portal.investments.models import ExecutingUnit, Investment

    with app.app_context():
        return get_session().scalar(
            select(ExecutingUnit.slug)
            .join(Investment, Investment.sec_ejec == ExecutingUnit.sec_ejec)
            .where(Investment.status == "finalizada", Investment.phase != "cierre")
            .group_by(ExecutingUnit.slug)
            .order_by(func.count().desc(), ExecutingUnit.slug)
            .limit(1)
        )


@pytest.mark.parametrize("where", ["unit", "cycle"])
def test_the_pending_closures_follow_box_fits_a_360px_phone(phone360, live_app, live_server, where):
    path = f"/unidades/{_busiest_unit_slug(live_app)}" if where == "unit" else "/ciclo"
    phone360.goto(live_server + path)
    box = phone360.locator(BOX)
    box.scroll_into_view_if_needed()
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        box.screenshot(path=str(Path(folder) / f"i24-follow-closures-{where}.png"))
    assert box.locator("h2").inner_text().startswith("Seguir")
    for field in box.locator("input[type=email], select, button").all():
        right = field.evaluate("(el) => el.getBoundingClientRect().right")
        assert right <= 360, f"{where}: a field ends at {right}px"
    assert phone360.evaluate("document.documentElement.scrollWidth") <= 360
    if where == "unit":
        assert (
            box.locator("a[type='application/atom+xml']")
            .get_attribute("href")
            .endswith("/cierres.atom")
        )

"""Fixtures for the observation tests; helper functions live in obs_helpers.py."""

import pytest
from obs_helpers import CUI, add_investment


@pytest.fixture(autouse=True)
def _generous_limits(app):
    """Most tests send several forms; the rate-limit tests set their own limits."""
    app.config["PORTAL_RATELIMIT_OBSERVATIONS"] = "1000 per hour"
    app.config["PORTAL_RATELIMIT_OBSERVATIONS_EMAIL"] = "1000 per hour"
    app.config["PORTAL_RATELIMIT_LOGIN"] = "1000 per hour"
    app.config["PORTAL_RATELIMIT_ATTEMPTS"] = "1000 per hour"


@pytest.fixture
def investment(app):
    add_investment(app)
    return CUI

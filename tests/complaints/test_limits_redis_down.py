"""Redis is optional at runtime: with it down, observations still work and are still limited."""

import logging

import pytest
from obs_helpers import post_observation

from tests.conftest import make_test_app

#: Nothing listens on port 1: Redis is "down" without touching the shared server.
DOWN_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down_client(app, database_url, tmp_path, investment):
    other = make_test_app(
        database_url, tmp_path / "instance-redis-down", PORTAL_RATELIMIT_STORAGE_URL=DOWN_REDIS
    )
    other.config.update(
        PORTAL_RATELIMIT_OBSERVATIONS="2 per hour",
        PORTAL_RATELIMIT_ATTEMPTS="1000 per hour",
    )
    yield other.test_client()
    other.extensions["portal.engine"].dispose()


def test_with_redis_down_observations_are_stored_and_still_limited(redis_down_client, caplog):
    caplog.set_level(logging.WARNING, logger="flask-limiter")
    assert redis_down_client.get("/").status_code == 200
    assert post_observation(redis_down_client).status_code == 303
    assert post_observation(redis_down_client).status_code == 303
    # The in-memory fallback keeps counting: a flood is refused, not let through.
    assert post_observation(redis_down_client).status_code == 429
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records)

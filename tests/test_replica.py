"""PORTAL_DATABASE_REPLICA_URL: public pages read from the replica, observations use the primary."""

from __future__ import annotations

import pytest

from tests.complaints.obs_helpers import CUI, add_investment
from tests.conftest import _empty_all_tables, make_test_app, migrated_database


@pytest.fixture
def replica_url(tmp_path):
    with migrated_database(tmp_path, "replica") as url:
        yield url


def test_public_pages_read_from_the_replica_and_forms_from_the_primary(app, replica_url, tmp_path):
    replica = make_test_app(replica_url, tmp_path / "replica-instance")
    add_investment(replica, name="Puente visto en la réplica")
    both = make_test_app(
        app.config["PORTAL_DATABASE_URL"],
        tmp_path / "node",
        PORTAL_DATABASE_REPLICA_URL=replica_url,
    )
    client = both.test_client()
    page = client.get(f"/inversiones/{CUI}")
    assert page.status_code == 200 and "Puente visto en la réplica" in page.get_data(as_text=True)
    # The observation form checks the CUI on the primary, where it does not exist (yet).
    assert app.test_client().get(f"/inversiones/{CUI}").status_code == 404
    form = client.get(f"/observaciones/nueva?cui={CUI}")
    assert "Puente visto en la réplica" not in form.get_data(as_text=True)
    _empty_all_tables(replica)
    for each in (replica, both):
        each.extensions["portal.engine"].dispose()
    both.extensions["portal.replica_engine"].dispose()

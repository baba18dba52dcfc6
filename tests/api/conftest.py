import pytest

from tests.search.factories import add_sample_investments


@pytest.fixture
def search_client(app):
    """A client over the search tests' sample investments, index built."""
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    with app.app_context(), session_scope() as session:
        add_sample_investments(session)
        session.flush()
        rebuild_index(session)
    return app.test_client()

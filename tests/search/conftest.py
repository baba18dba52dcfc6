import pytest

from tests.search.factories import add_sample_investments


@pytest.fixture
def search_app(app):
    """An app whose database holds the sample investments and whose index is built."""
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    with app.app_context(), session_scope() as session:
        add_sample_investments(session)
        session.flush()
        rebuild_index(session)
    return app


@pytest.fixture
def search_client(search_app):
    return search_app.test_client()

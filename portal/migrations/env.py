"""Alembic environment: the URL and metadata come from the portal, not from an alembic.ini."""

from alembic import context

import portal.models  # noqa: F401  (every table registered on Base.metadata)
from portal.db import Base, make_engine

config = context.config

#: Tables of the PostgreSQL search backend (migration 0012_pg_search): written and read in raw
#: SQL (tsvector, pg_trgm), so no model describes them and the model check must not drop them.
MIGRATION_ONLY_TABLES = frozenset(
    {
        "search_documents",
        "search_sources",
        "search_facets",
        "search_facet_keys",
        "search_terms",
        "search_words",
        "search_state",
        "search_summaries",
    }
)


#: PostgreSQL-only indexes (migration 0019: the order of lists by last change).
MIGRATION_ONLY_INDEXES = frozenset({"ix_investments_changed_at_cui"})


def _described_by_models(obj, name, type_, reflected, compare_to) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", None)
    if reflected and compare_to is None and type_ == "index" and name in MIGRATION_ONLY_INDEXES:
        return False
    return not (reflected and compare_to is None and table_name in MIGRATION_ONLY_TABLES)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

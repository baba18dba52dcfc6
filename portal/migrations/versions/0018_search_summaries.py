"""Summaries of broad searches kept in PostgreSQL, valid for one generation of the search data

- ``search_state``: one row, the generation of the data a search reads. A statement trigger on
  every table a search summary is computed from bumps it, in the writer's own transaction: the
  new generation becomes visible at the commit that makes the new data visible, never before.
- ``search_summaries``: the rows of a search's summary statement (count, facets, first pages)
  by the statement's hash, tagged with the generation the search read before running it; only
  a summary of the current generation is ever read back.

The trigger never deletes summaries: a row lock held by a long import would make a search that
stores the same key wait for that import's commit.

Revision ID: 0018_search_summaries
Revises: 0017_map_filter_indexes
Create Date: 2026-12-07 16:00:00
"""

from alembic import op

revision = "0018_search_summaries"
down_revision = "0017_map_filter_indexes"
branch_labels = None
depends_on = None

#: What a summary is computed from (the documents, their terms' frequencies and facet keys; the
#: investments, programmes and units of a search without words).
WATCHED = (
    "search_documents", "search_terms", "search_facet_keys",
    "investments", "prioritisations", "executing_units",
)  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE search_state (id smallint PRIMARY KEY CHECK (id = 1), "
        "generation bigint NOT NULL)"
    )
    op.execute("INSERT INTO search_state VALUES (1, 1)")
    op.execute(
        """
        CREATE TABLE search_summaries (
            key char(64) PRIMARY KEY,
            generation bigint NOT NULL,
            args json NOT NULL,
            rows json NOT NULL
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION search_generation_next() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- Once per transaction: an import writes its rows one statement each, and 300,000
            -- updates of one row in one transaction walk an ever longer chain of its versions.
            -- The flag is transaction-local (undone with a rolled-back savepoint, as the update).
            IF current_setting('vigia.search_generation_bumped', true) IS DISTINCT FROM 'yes' THEN
                INSERT INTO search_state VALUES (1, 1)
                    ON CONFLICT (id) DO UPDATE SET generation = search_state.generation + 1;
                PERFORM set_config('vigia.search_generation_bumped', 'yes', true);
            END IF;
            RETURN NULL;
        END $$
        """
    )
    for name in WATCHED:
        op.execute(
            f"CREATE TRIGGER search_generation_next AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION search_generation_next()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in WATCHED:
        op.execute(f"DROP TRIGGER search_generation_next ON {name}")
    op.execute("DROP FUNCTION search_generation_next()")
    op.execute("DROP TABLE search_summaries")
    op.execute("DROP TABLE search_state")

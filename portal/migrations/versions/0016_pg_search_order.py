"""PostgreSQL search: the documents carry the cost and the progress the lists are ordered by

A search ordered by cost or progress ("Chota", 45,000 of 300,000 investments, by progress) joined
its matches to the 90 MB ``investments`` table and computed each match's progress from three
tables (0.2–1.5 s at national size); with copies in the narrow documents, the first pages come
from the statement that already counts the matches and their facets (postgresql.py). The
import's swap keeps them in step (portal/search/backends/pg_documents.py, ``sync_documents``).

On SQLite this migration does nothing (the Whoosh index serves search there).

Revision ID: 0016_pg_search_order
Revises: 0015_pg_search_speed
Create Date: 2026-12-07 13:45:00
"""

from alembic import op

revision = "0016_pg_search_order"
down_revision = "0015_pg_search_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN cost numeric(16, 2), "
        "ADD COLUMN progress numeric(7, 2)"
    )
    # The progress as Investment.progress computes it (the highest any source reports; a closed
    # investment with none is complete), as pg_documents.py copies it from now on.
    op.execute(
        """
        UPDATE search_documents d SET cost = i.updated_cost,
            progress = CASE WHEN i.phase = 'cierre' AND i.best IS NULL THEN 100 ELSE i.best END
        FROM (SELECT i.cui, i.updated_cost, i.phase,
                     nullif(greatest(coalesce(i.physical_progress, -1),
                                     coalesce(f.physical_progress, -1),
                                     coalesce(w.progress, -1)), -1) AS best
              FROM investments i
              LEFT JOIN f12b_reports f ON f.cui = i.cui
              LEFT JOIN (SELECT cui, max(actual_progress) AS progress FROM infobras_works
                         GROUP BY cui) w ON w.cui = i.cui) i
        WHERE i.cui = d.cui
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_documents DROP COLUMN cost, DROP COLUMN progress")

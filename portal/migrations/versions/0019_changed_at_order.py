"""PostgreSQL lists by last change: an index in their order, and a copy in the search documents

A list "by last change" (the empty search's order) is newest first, ties by CUI. The index on
``changed_at`` alone could not give that order when one import changed all 300,000 investments
at the same moment: a full scan and sort, 160 ms at national size, for every such page. The
search documents carry ``changed_at`` as they carry cost and progress (migration 0016), so a
search by last change ranks its first pages in the statement that counts its matches.

SQLite (the Whoosh backend; regional sizes) keeps the index on ``changed_at`` alone; the models
describe that one, and the model check leaves this PostgreSQL-only index alone
(portal/migrations/env.py).

Revision ID: 0019_changed_at_order
Revises: 0018_search_summaries
Create Date: 2026-12-07 16:40:00
"""

from alembic import op

revision = "0019_changed_at_order"
down_revision = "0018_search_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_investments_changed_at_cui ON investments (changed_at DESC, cui)")
    op.execute("ALTER TABLE search_documents ADD COLUMN changed_at timestamptz")
    op.execute(
        "UPDATE search_documents d SET changed_at = i.changed_at FROM investments i "
        "WHERE i.cui = d.cui"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_documents DROP COLUMN changed_at")
    op.execute("DROP INDEX ix_investments_changed_at_cui")

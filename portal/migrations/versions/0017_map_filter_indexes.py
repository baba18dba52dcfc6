"""Status, phase and function indexed with the place (and the cost, on PostgreSQL) for the maps

Revision ID: 0017_map_filter_indexes
Revises: 0016_pg_search_order
Create Date: 2026-12-07 13:35:00
"""

from alembic import op

revision = "0017_map_filter_indexes"
down_revision = "0016_pg_search_order"
branch_labels = None
depends_on = None

COLUMNS = ("status", "phase", "function")


def upgrade() -> None:
    for name in COLUMNS:
        op.drop_index(f"ix_investments_{name}", table_name="investments")
        op.create_index(
            f"ix_investments_{name}_ubigeo",
            "investments",
            [name, "ubigeo"],
            postgresql_include=["updated_cost"],
        )


def downgrade() -> None:
    for name in COLUMNS:
        op.drop_index(f"ix_investments_{name}_ubigeo", table_name="investments")
        op.create_index(f"ix_investments_{name}", "investments", [name])

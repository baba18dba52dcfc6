"""Risk signals of each contracting process (Cardinal's indicators), stored by the import

Revision ID: 0014_contract_signals
Revises: 0013_maps_figures
Create Date: 2026-12-07 13:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_contract_signals"
down_revision = "0013_maps_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocid", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_signals")),
    )
    op.create_index(op.f("ix_contract_signals_ocid"), "contract_signals", ["ocid"], unique=False)
    # The signals are computed by the import: forget the OECE files already read, so the next
    # import reads them again (same processes, now with their signals) instead of "unchanged".
    op.execute("UPDATE import_runs SET file_hash = NULL WHERE source = 'oece-ocds'")


def downgrade() -> None:
    op.drop_index(op.f("ix_contract_signals_ocid"), table_name="contract_signals")
    op.drop_table("contract_signals")

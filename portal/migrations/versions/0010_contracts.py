"""Contracting processes from OECE's OCDS publication, their awarded suppliers, and the import
counts of processes without a CUI or linked only by a CUI found in their texts

Revision ID: 0010_contracts
Revises: 0007
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_contracts"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contracting_processes",
        sa.Column("ocid", sa.String(length=80), nullable=False),
        sa.Column("cui", sa.String(length=10), nullable=False),
        sa.Column("matched_by", sa.String(length=10), nullable=False),
        sa.Column("match_text", sa.String(length=300), nullable=True),
        sa.Column("tender_id", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("buyer", sa.String(length=300), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("method_details", sa.String(length=120), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("estimated_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("tenderers", sa.Integer(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("tender_end_on", sa.Date(), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("ocid", name=op.f("pk_contracting_processes")),
    )
    op.create_index(
        op.f("ix_contracting_processes_cui"), "contracting_processes", ["cui"], unique=False
    )
    op.create_table(
        "contract_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ocid", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.String(length=80), nullable=True),
        sa.Column("ruc", sa.String(length=40), nullable=True),
        sa.Column("scheme", sa.String(length=20), nullable=True),
        sa.Column("supplier", sa.String(length=300), nullable=True),
        sa.Column("award_status", sa.String(length=20), nullable=True),
        sa.Column("award_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("award_currency", sa.String(length=3), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=True),
        sa.Column("contract_id", sa.String(length=80), nullable=True),
        sa.Column("contract_title", sa.String(length=300), nullable=True),
        sa.Column("contract_status", sa.String(length=20), nullable=True),
        sa.Column("contract_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("contract_currency", sa.String(length=3), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("amendments", sa.Integer(), nullable=False),
        sa.Column("amendment_notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_awards")),
    )
    op.create_index(op.f("ix_contract_awards_ocid"), "contract_awards", ["ocid"], unique=False)
    op.create_index(op.f("ix_contract_awards_ruc"), "contract_awards", ["ruc"], unique=False)
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows_unlinked", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rows_linked_by_text", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_column("rows_linked_by_text")
        batch_op.drop_column("rows_unlinked")
    op.drop_index(op.f("ix_contract_awards_ruc"), table_name="contract_awards")
    op.drop_index(op.f("ix_contract_awards_ocid"), table_name="contract_awards")
    op.drop_table("contract_awards")
    op.drop_index(op.f("ix_contracting_processes_cui"), table_name="contracting_processes")
    op.drop_table("contracting_processes")

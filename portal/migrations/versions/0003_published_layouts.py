"""Published layouts: concurrent control, arbitration awards and bonds are amounts; values left
empty per column on each import run; Seguimiento-PI scopes spell many years

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # CTRL_CONCURR was read as a yes/no flag and never imported from a real file: nothing to keep.
    with op.batch_alter_table("investments", schema=None) as batch_op:
        batch_op.drop_column("concurrent_control")
        batch_op.add_column(
            sa.Column("concurrent_control_amount", sa.Numeric(precision=16, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("arbitration_award_amount", sa.Numeric(precision=16, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("bond_amount", sa.Numeric(precision=16, scale=2), nullable=True)
        )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("values_blanked", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "scope",
            existing_type=sa.String(length=20),
            type_=sa.String(length=200),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.alter_column(
            "scope",
            existing_type=sa.String(length=200),
            type_=sa.String(length=20),
            existing_nullable=True,
        )
        batch_op.drop_column("values_blanked")
    with op.batch_alter_table("investments", schema=None) as batch_op:
        batch_op.drop_column("bond_amount")
        batch_op.drop_column("arbitration_award_amount")
        batch_op.drop_column("concurrent_control_amount")
        batch_op.add_column(sa.Column("concurrent_control", sa.Boolean(), nullable=True))

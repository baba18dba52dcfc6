"""INFObras in its published layout: supervisor's RUC and contract, total paid, paralysis days

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('infobras_works', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervisor_amount', sa.Numeric(precision=16, scale=2), nullable=True))
        batch_op.add_column(sa.Column('total_accrued', sa.Numeric(precision=16, scale=2), nullable=True))
        batch_op.add_column(sa.Column('rescheduled_end_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('stalled_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('supervisor_ruc', sa.String(length=11), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('infobras_works', schema=None) as batch_op:
        batch_op.drop_column('supervisor_ruc')
        batch_op.drop_column('stalled_days')
        batch_op.drop_column('rescheduled_end_on')
        batch_op.drop_column('total_accrued')
        batch_op.drop_column('supervisor_amount')

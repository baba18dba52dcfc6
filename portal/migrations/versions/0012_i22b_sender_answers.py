"""The sender's answer to an official reply, the four-week follow-up question, reopened cases

Revision ID: 0012_i22b
Revises: 0011_committees
Create Date: 2026-12-08 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_i22b'
down_revision = '0011_committees'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_answer', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('sender_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sender_answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('followup_asked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_observations_reopened_at'), ['reopened_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observations_reopened_at'))
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('followup_asked_at')
        batch_op.drop_column('sender_answered_at')
        batch_op.drop_column('sender_comment')
        batch_op.drop_column('sender_answer')

"""The sender's answer to an official reply, the four-week follow-up question, reopened cases;
PDF attachments of observations

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

    op.create_table('observation_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('original_name', sa.String(length=130), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['observation_id'], ['observations.id'], name=op.f('fk_observation_documents_observation_id_observations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_documents')),
    sa.UniqueConstraint('filename', name=op.f('uq_observation_documents_filename'))
    )
    with op.batch_alter_table('observation_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_documents_observation_id'), ['observation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('observation_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_documents_observation_id'))
    op.drop_table('observation_documents')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observations_reopened_at'))
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('followup_asked_at')
        batch_op.drop_column('sender_answered_at')
        batch_op.drop_column('sender_comment')
        batch_op.drop_column('sender_answer')

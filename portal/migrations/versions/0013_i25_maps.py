"""Figures precomputed by the import (home, places, units): one row per figure and data version

Revision ID: 0010_i25_maps
Revises: 0012_pg_search
Create Date: 2026-12-07 10:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_maps_figures"
down_revision = "0012_pg_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('precomputed_figures',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_precomputed_figures'))
    )


def downgrade() -> None:
    op.drop_table('precomputed_figures')

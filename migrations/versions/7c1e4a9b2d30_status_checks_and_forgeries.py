"""Payments: when the gateway was last asked for an anonymous request, the buyer's first
return, and the count of forged notifications.

Revision ID: 7c1e4a9b2d30
Revises: db23ff55a2c1
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "7c1e4a9b2d30"
down_revision = "db23ff55a2c1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("status_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("forgeries", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_forgery_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("last_forgery_at")
        batch.drop_column("forgeries")
        batch.drop_column("returned_at")
        batch.drop_column("status_checked_at")

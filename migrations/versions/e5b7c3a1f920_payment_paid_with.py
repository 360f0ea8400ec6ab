"""Payments: how the buyer paid (card, apple_pay, google_pay, samsung_pay), as the gateway's
status said.

Revision ID: e5b7c3a1f920
Revises: a41f0c6e9b12
Create Date: 2026-11-29 23:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "e5b7c3a1f920"
down_revision = "a41f0c6e9b12"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("paid_with", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("paid_with")

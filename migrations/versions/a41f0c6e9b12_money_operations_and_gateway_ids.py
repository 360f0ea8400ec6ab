"""Money operations one at a time, kept per operation; gateway ids unique per gateway.

Revision ID: a41f0c6e9b12
Revises: 7c1e4a9b2d30
Create Date: 2026-11-29 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "a41f0c6e9b12"
down_revision = "7c1e4a9b2d30"
branch_labels = None
depends_on = None

# The first revision left the unique constraint on gateway_order_id unnamed: name it so.
_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_unique() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "payment_gateway_order_id_key"
    return "uq_payment_gateway_order_id"


def upgrade():
    with op.batch_alter_table("payment", naming_convention=_NAMES) as batch:
        batch.drop_constraint(_old_unique(), type_="unique")
        batch.add_column(
            sa.Column("gateway_url", sa.String(length=255), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("operation", sa.String(length=40), nullable=True))
        batch.add_column(
            sa.Column("operation_started_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("review_note", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(
            "uq_payment_gateway_id", ["provider", "gateway_url", "gateway_order_id"]
        )
    op.create_table(
        "operation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("gateway_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id", "gateway_ref"),
    )
    op.create_index("ix_operation_payment_id", "operation", ["payment_id"], unique=False)


def downgrade():
    op.drop_index("ix_operation_payment_id", table_name="operation")
    op.drop_table("operation")
    with op.batch_alter_table("payment", naming_convention=_NAMES) as batch:
        batch.drop_constraint("uq_payment_gateway_id", type_="unique")
        batch.drop_column("review_note")
        batch.drop_column("operation_started_at")
        batch.drop_column("operation")
        batch.drop_column("gateway_url")
        batch.create_unique_constraint(_old_unique(), ["gateway_order_id"])

"""Staff sessions that end: staff_account, sign_in_throttle in place of sign_in_failure.

staff_account keeps each account's session generation (logout and a password change bump
it); sign_in_throttle is one counter row per client, incremented atomically.

Revision ID: db23ff55a2c1
Revises: d6f5d2fb0a88
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'db23ff55a2c1'
down_revision = 'd6f5d2fb0a88'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_account',
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('password_fingerprint', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('sign_in_throttle',
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client')
    )
    # Recent failures are not carried over: at worst a client gets one fresh window.
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_client'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_at'))

    op.drop_table('sign_in_failure')


def downgrade():
    op.create_table('sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failure_client'), ['client'], unique=False)

    op.drop_table('sign_in_throttle')
    op.drop_table('staff_account')

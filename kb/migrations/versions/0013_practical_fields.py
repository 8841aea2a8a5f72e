"""practical fields: what it takes, costs, time, success factors, pitfalls, contact role

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:59:29.650440

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


@contextmanager
def _foreign_keys_off():
    """On SQLite a batch recreates the table; dropping the old one with foreign keys on
    would cascade into the tables that refer to it. The pragma only takes effect outside
    a transaction (as in 0008)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    with _foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('costs', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('duration', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('success_factors', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pitfalls', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_role', sa.String(length=200), server_default='', nullable=False))



def downgrade():
    with _foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('contact_role')
        batch_op.drop_column('pitfalls')
        batch_op.drop_column('success_factors')
        batch_op.drop_column('duration')
        batch_op.drop_column('costs')
        batch_op.drop_column('needs')

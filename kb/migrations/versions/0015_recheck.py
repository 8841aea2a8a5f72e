"""recheck: when an example was last checked, when its author was asked

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:45:12.386382

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
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
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('recheck_asked_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with _foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('recheck_asked_at')
        batch_op.drop_column('checked_at')

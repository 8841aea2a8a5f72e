"""notifications: the mail a person switched off, the moderators' last queue mail

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:30:50.388377

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
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
    with _foreign_keys_off(), op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notifications_off', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('queue_mailed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with _foreign_keys_off(), op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('queue_mailed_at')
        batch_op.drop_column('notifications_off')

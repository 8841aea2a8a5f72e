"""account deletion: when an account was deleted

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 02:40:00

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with foreign_keys_off(), op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with foreign_keys_off(), op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

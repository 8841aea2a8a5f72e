"""recheck: when an example was last checked, when its author was asked

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:45:12.386382

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None



def upgrade():
    with foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('recheck_asked_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('recheck_asked_at')
        batch_op.drop_column('checked_at')

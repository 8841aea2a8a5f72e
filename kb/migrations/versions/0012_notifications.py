"""notifications: the mail a person switched off, the moderators' last queue mail

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:30:50.388377

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None



def upgrade():
    with foreign_keys_off(), op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notifications_off', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('queue_mailed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with foreign_keys_off(), op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('queue_mailed_at')
        batch_op.drop_column('notifications_off')

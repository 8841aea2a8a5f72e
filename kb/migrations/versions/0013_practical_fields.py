"""practical fields: what it takes, costs, time, success factors, pitfalls, contact role

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:59:29.650440

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None



def upgrade():
    with foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('costs', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('duration', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('success_factors', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pitfalls', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_role', sa.String(length=200), server_default='', nullable=False))



def downgrade():
    with foreign_keys_off(), op.batch_alter_table('example', schema=None) as batch_op:
        batch_op.drop_column('contact_role')
        batch_op.drop_column('pitfalls')
        batch_op.drop_column('success_factors')
        batch_op.drop_column('duration')
        batch_op.drop_column('costs')
        batch_op.drop_column('needs')

"""organisation profiles: website, partner since, logo

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:55:57.351853

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None



def upgrade():
    with foreign_keys_off(), op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('website', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partner_since', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('has_logo', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))



def downgrade():
    with foreign_keys_off(), op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('has_logo')
        batch_op.drop_column('logo')
        batch_op.drop_column('partner_since')
        batch_op.drop_column('website')

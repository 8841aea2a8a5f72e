"""term aliases: a merged term points at the term it was merged into

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 19:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with foreign_keys_off(), op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_term_merged_into_id_term'), 'term',
                                    ['merged_into_id'], ['id'])


def downgrade():
    with foreign_keys_off(), op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_term_merged_into_id_term'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')

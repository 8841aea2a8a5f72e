"""autosave: the example form's text as it is typed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:18:08.097901

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('autosave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['example.id'], name=op.f('fk_autosave_example_id_example'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_autosave_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_autosave')),
    sa.UniqueConstraint('user_id', 'slot', name='uq_autosave_user_slot')
    )
    with op.batch_alter_table('autosave', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_autosave_example_id'), ['example_id'], unique=False)



def downgrade():
    with op.batch_alter_table('autosave', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_autosave_example_id'))

    op.drop_table('autosave')

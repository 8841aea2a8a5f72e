"""adoptions: "ook toegepast bij", an organisation applied an example too

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:59:48.061856

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('adoption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['example.id'], name=op.f('fk_adoption_example_id_example'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_adoption_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_adoption_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption')),
    sa.UniqueConstraint('example_id', 'organisation_id', name='uq_adoption_example_organisation')
    )
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoption_example_id'), ['example_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adoption_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('adoption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoption_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_adoption_example_id'))

    op.drop_table('adoption')

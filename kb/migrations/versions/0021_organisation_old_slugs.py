"""organisation old slugs: an organisation's earlier addresses, redirected

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 19:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_old_slug',
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_old_slug_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_organisation_old_slug'))
    )
    with op.batch_alter_table('organisation_old_slug', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_old_slug_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation_old_slug', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_old_slug_organisation_id'))

    op.drop_table('organisation_old_slug')

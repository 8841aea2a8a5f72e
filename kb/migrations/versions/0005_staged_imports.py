"""staged imports

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('target_status', sa.String(length=16), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                            name=op.f('fk_import_run_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run'))
    )
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_run_status'), ['status'], unique=False)

    op.create_table('staged_example',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['example.id'],
                            name=op.f('fk_staged_example_example_id_example'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['import_run.id'],
                            name=op.f('fk_staged_example_run_id_import_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['example.id'],
                            name=op.f('fk_staged_example_target_id_example'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_example'))
    )
    with op.batch_alter_table('staged_example', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_example_example_id'), ['example_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_staged_example_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_example_target_id'), ['target_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('staged_example', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_example_target_id'))
        batch_op.drop_index(batch_op.f('ix_staged_example_run_id'))
        batch_op.drop_index(batch_op.f('ix_staged_example_example_id'))
    op.drop_table('staged_example')
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_run_status'))
    op.drop_table('import_run')
    # Examples staged by an import that never finished are of no use without these tables.
    op.execute("DELETE FROM example WHERE status = 'staged'")

"""releases and release tables

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 10:52:49.516971
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db_types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title_es', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('wave', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('reference_period', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('quality_profile', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('release_metadata', sa.JSON(), nullable=False),
    sa.Column('comparisons', sa.JSON(), nullable=False),
    sa.Column('corrects', sa.Integer(), nullable=True),
    sa.Column('changes', sa.Text(), nullable=True),
    sa.Column('document', sa.JSON(), nullable=True),
    sa.Column('content_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_release_created_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by'], ['user.id'], name=op.f('fk_release_published_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release'))
    )
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_number'), ['number'], unique=True)

    op.create_table('release_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('origin', sa.JSON(), nullable=True),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_release_table_release_id_release'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release_table')),
    sa.UniqueConstraint('release_id', 'key', name=op.f('uq_release_table_release_id_key'))
    )
    with op.batch_alter_table('release_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_table_release_id'), ['release_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('release_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_table_release_id'))

    op.drop_table('release_table')
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_number'))

    op.drop_table('release')

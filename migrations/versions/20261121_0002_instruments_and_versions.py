"""instruments and versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:08:51.156934
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db_types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_instrument_created_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument'))
    )
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_form_id'), ['form_id'], unique=True)

    op.create_table('instrument_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('source_filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('source', sa.LargeBinary(), nullable=False),
    sa.Column('xform', sa.Text(), nullable=True),
    sa.Column('xform_md5', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('published_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('retired_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_instrument_version_created_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_version_instrument_id_instrument'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by'], ['user.id'], name=op.f('fk_instrument_version_published_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_version')),
    sa.UniqueConstraint('instrument_id', 'version', name=op.f('uq_instrument_version_instrument_id_version'))
    )
    with op.batch_alter_table('instrument_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instrument_version_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_instrument_version_instrument_id'), ['instrument_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('instrument_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_version_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_instrument_version_content_hash'))

    op.drop_table('instrument_version')
    with op.batch_alter_table('instrument', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instrument_form_id'))

    op.drop_table('instrument')

"""submissions revisions attachments personal identifiers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:24:08.637680
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db_types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('enumerator_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('current_revision', sa.Integer(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('review_status', sa.String(length=20), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('device_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('received_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deleted_by'], ['user.id'], name=op.f('fk_submission_deleted_by_user')),
    sa.ForeignKeyConstraint(['enumerator_id'], ['user.id'], name=op.f('fk_submission_enumerator_id_user')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_submission_instrument_version_id_instrument_version')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['user.id'], name=op.f('fk_submission_reviewed_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_enumerator_id'), ['enumerator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_instance_id'), ['instance_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_submission_instrument_version_id'), ['instrument_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_review_status'), ['review_status'], unique=False)

    op.create_table('submission_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_attachment_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_attachment')),
    sa.UniqueConstraint('submission_id', 'name', name=op.f('uq_submission_attachment_submission_id_name'))
    )
    with op.batch_alter_table('submission_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_attachment_submission_id'), ['submission_id'], unique=False)

    op.create_table('submission_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('instance_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('payload_format', sa.String(length=10), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_submission_revision_author_id_user')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_submission_revision_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_revision')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_submission_revision_instance_id')),
    sa.UniqueConstraint('submission_id', 'revision', name=op.f('uq_submission_revision_submission_id_revision'))
    )
    with op.batch_alter_table('submission_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_revision_submission_id'), ['submission_id'], unique=False)

    op.create_table('submission_personal',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('gps_accuracy', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['submission_revision.id'], name=op.f('fk_submission_personal_revision_id_submission_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', name=op.f('pk_submission_personal'))
    )


def downgrade() -> None:
    op.drop_table('submission_personal')
    with op.batch_alter_table('submission_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_revision_submission_id'))

    op.drop_table('submission_revision')
    with op.batch_alter_table('submission_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_attachment_submission_id'))

    op.drop_table('submission_attachment')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_review_status'))
        batch_op.drop_index(batch_op.f('ix_submission_received_at'))
        batch_op.drop_index(batch_op.f('ix_submission_instrument_version_id'))
        batch_op.drop_index(batch_op.f('ix_submission_instance_id'))
        batch_op.drop_index(batch_op.f('ix_submission_enumerator_id'))
        batch_op.drop_index(batch_op.f('ix_submission_assignment_id'))

    op.drop_table('submission')

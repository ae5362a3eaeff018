"""revisions lose their index on submission_id alone

The unique index on (submission_id, revision) leads with submission_id and serves every lookup the
single-column index served; every accepted interview paid for updating both.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21 18:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('submission_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_revision_submission_id'))


def downgrade() -> None:
    with op.batch_alter_table('submission_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_revision_submission_id'), ['submission_id'], unique=False)

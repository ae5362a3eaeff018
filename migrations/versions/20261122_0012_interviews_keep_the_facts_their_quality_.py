"""interviews keep the facts their quality flags need

A wave's quality flags parsed every interview's answers at every read (100,000 interviews: 8-15 s and
800 MB). Each revision's facts are worked out once, at the first read that needs them, and kept here;
existing interviews get theirs at the first read after this migration.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 04:45:26.911732
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'interview_facts',
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('privacy_check', sa.Text(), nullable=True),
        sa.Column('reached_sensitive', sa.Boolean(), nullable=False),
        sa.Column('discloses', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['revision_id'], ['submission_revision.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('revision_id'),
    )


def downgrade() -> None:
    op.drop_table('interview_facts')

"""fieldwork sample teams assignments dispositions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 10:33:14.545647
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db_types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('reference_period_start', sa.Date(), nullable=True),
    sa.Column('reference_period_end', sa.Date(), nullable=True),
    sa.Column('fieldwork_start', sa.Date(), nullable=True),
    sa.Column('fieldwork_end', sa.Date(), nullable=True),
    sa.Column('form_ids', sa.JSON(), nullable=False),
    sa.Column('only_approved_feed_estimates', sa.Boolean(), nullable=False),
    sa.Column('vawg_requires_female_enumerator', sa.Boolean(), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_survey_created_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_code'), ['code'], unique=True)

    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['supervisor_id'], ['user.id'], name=op.f('fk_team_supervisor_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_supervisor_id'), ['supervisor_id'], unique=False)

    op.create_table('stratum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('psus_selected', sa.Integer(), nullable=True),
    sa.Column('measure_of_size_total', sa.Float(), nullable=True),
    sa.Column('psus_in_frame', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_stratum_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stratum')),
    sa.UniqueConstraint('survey_id', 'code', name=op.f('uq_stratum_survey_id_code'))
    )
    with op.batch_alter_table('stratum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stratum_survey_id'), ['survey_id'], unique=False)

    op.create_table('team_member',
    sa.Column('enumerator_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('added_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enumerator_id'], ['user.id'], name=op.f('fk_team_member_enumerator_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_member_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enumerator_id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_team_id'), ['team_id'], unique=False)

    op.create_table('psu',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('stratum_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('selection_probability', sa.Float(), nullable=False),
    sa.Column('measure_of_size', sa.Float(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['stratum_id'], ['stratum.id'], name=op.f('fk_psu_stratum_id_stratum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_psu_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_psu')),
    sa.UniqueConstraint('survey_id', 'code', name=op.f('uq_psu_survey_id_code'))
    )
    with op.batch_alter_table('psu', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_psu_stratum_id'), ['stratum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_psu_survey_id'), ['survey_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('psu_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('selection_probability', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['psu_id'], ['psu.id'], name=op.f('fk_household_psu_id_psu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_household_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('psu_id', 'code', name=op.f('uq_household_psu_id_code'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_psu_id'), ['psu_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_survey_id'), ['survey_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('psu_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('enumerator_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('assigned_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', api.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by'], ['user.id'], name=op.f('fk_assignment_assigned_by_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enumerator_id'], ['user.id'], name=op.f('fk_assignment_enumerator_id_user')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_assignment_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['psu_id'], ['psu.id'], name=op.f('fk_assignment_psu_id_psu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_assignment_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_enumerator_id'), ['enumerator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_psu_id'), ['psu_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_survey_id'), ['survey_id'], unique=False)

    op.create_table('disposition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('instance_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_disposition_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], name=op.f('fk_disposition_recorded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposition'))
    )
    with op.batch_alter_table('disposition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposition_household_id'), ['household_id'], unique=False)

    op.create_table('household_contact',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_contact_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_household_contact'))
    )
    op.create_table('vawg_interview',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('claimed_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_vawg_interview_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_vawg_interview')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_vawg_interview_instance_id'))
    )


def downgrade() -> None:
    op.drop_table('vawg_interview')
    op.drop_table('household_contact')
    with op.batch_alter_table('disposition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposition_household_id'))

    op.drop_table('disposition')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_survey_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_psu_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_household_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_enumerator_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_survey_id'))
        batch_op.drop_index(batch_op.f('ix_household_psu_id'))

    op.drop_table('household')
    with op.batch_alter_table('psu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_psu_survey_id'))
        batch_op.drop_index(batch_op.f('ix_psu_stratum_id'))

    op.drop_table('psu')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_team_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('stratum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stratum_survey_id'))

    op.drop_table('stratum')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_supervisor_id'))

    op.drop_table('team')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_code'))

    op.drop_table('survey')

"""police-recorded crime and reference data

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:19:30.828101
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db_types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crime_import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=True),
    sa.Column('unit', sa.String(length=30), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_imported', sa.Integer(), nullable=False),
    sa.Column('rows_skipped', sa.Integer(), nullable=False),
    sa.Column('figures_imported', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_crime_import_batch_created_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_import_batch')),
    sa.UniqueConstraint('kind', 'scope', 'sha256', name='uq_crime_import_batch_file')
    )
    with op.batch_alter_table('crime_import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_import_batch_kind'), ['kind'], unique=False)

    op.create_table('crime_offence_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['crime_import_batch.id'], name=op.f('fk_crime_offence_mapping_batch_id_crime_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_offence_mapping'))
    )
    with op.batch_alter_table('crime_offence_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_offence_mapping_version'), ['version'], unique=True)

    op.create_table('crime_population_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', api.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['crime_import_batch.id'], name=op.f('fk_crime_population_table_batch_id_crime_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_population_table'))
    )
    with op.batch_alter_table('crime_population_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_population_table_version'), ['version'], unique=True)

    op.create_table('crime_territory',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('parent_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['crime_import_batch.id'], name=op.f('fk_crime_territory_batch_id_crime_import_batch')),
    sa.ForeignKeyConstraint(['parent_code'], ['crime_territory.code'], name=op.f('fk_crime_territory_parent_code_crime_territory')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_crime_territory'))
    )
    with op.batch_alter_table('crime_territory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_territory_parent_code'), ['parent_code'], unique=False)

    op.create_table('crime_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('territory_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('iccs_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('national_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('age_group', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['crime_import_batch.id'], name=op.f('fk_crime_count_batch_id_crime_import_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_code'], ['crime_territory.code'], name=op.f('fk_crime_count_territory_code_crime_territory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_count')),
    sa.UniqueConstraint('source', 'unit', 'territory_code', 'period', 'national_code', 'sex', 'age_group', name='uq_crime_count_cell')
    )
    with op.batch_alter_table('crime_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_count_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_crime_count_source_year', ['source', 'year'], unique=False)

    op.create_table('crime_offence_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mapping_id', sa.Integer(), nullable=False),
    sa.Column('national_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('iccs_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['mapping_id'], ['crime_offence_mapping.id'], name=op.f('fk_crime_offence_code_mapping_id_crime_offence_mapping'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_offence_code')),
    sa.UniqueConstraint('mapping_id', 'national_code', name='uq_crime_offence_code_national')
    )
    with op.batch_alter_table('crime_offence_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_offence_code_mapping_id'), ['mapping_id'], unique=False)

    op.create_table('crime_population_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('territory_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('age_group', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['crime_population_table.id'], name=op.f('fk_crime_population_row_table_id_crime_population_table'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_code'], ['crime_territory.code'], name=op.f('fk_crime_population_row_territory_code_crime_territory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_population_row')),
    sa.UniqueConstraint('table_id', 'territory_code', 'year', 'sex', 'age_group', name='uq_crime_population_cell')
    )
    with op.batch_alter_table('crime_population_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_population_row_table_id'), ['table_id'], unique=False)

    op.create_table('crime_victim_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('territory_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('national_code', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('iccs_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('victim_sex', sa.String(length=10), nullable=False),
    sa.Column('victim_age', sa.Integer(), nullable=True),
    sa.Column('relationship', sa.String(length=30), nullable=True),
    sa.Column('gender_related_context', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['crime_import_batch.id'], name=op.f('fk_crime_victim_record_batch_id_crime_import_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_code'], ['crime_territory.code'], name=op.f('fk_crime_victim_record_territory_code_crime_territory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crime_victim_record'))
    )
    with op.batch_alter_table('crime_victim_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crime_victim_record_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_crime_victim_record_source_year', ['source', 'year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('crime_victim_record', schema=None) as batch_op:
        batch_op.drop_index('ix_crime_victim_record_source_year')
        batch_op.drop_index(batch_op.f('ix_crime_victim_record_batch_id'))

    op.drop_table('crime_victim_record')
    with op.batch_alter_table('crime_population_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_population_row_table_id'))

    op.drop_table('crime_population_row')
    with op.batch_alter_table('crime_offence_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_offence_code_mapping_id'))

    op.drop_table('crime_offence_code')
    with op.batch_alter_table('crime_count', schema=None) as batch_op:
        batch_op.drop_index('ix_crime_count_source_year')
        batch_op.drop_index(batch_op.f('ix_crime_count_batch_id'))

    op.drop_table('crime_count')
    with op.batch_alter_table('crime_territory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_territory_parent_code'))

    op.drop_table('crime_territory')
    with op.batch_alter_table('crime_population_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_population_table_version'))

    op.drop_table('crime_population_table')
    with op.batch_alter_table('crime_offence_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_offence_mapping_version'))

    op.drop_table('crime_offence_mapping')
    with op.batch_alter_table('crime_import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_import_batch_kind'))

    op.drop_table('crime_import_batch')

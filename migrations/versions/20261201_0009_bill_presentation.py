"""bill presentation

What a Peruvian proyecto de ley's first page and exposición de motivos need beyond the three
sections: the sumilla, the proposing body and the place; the fourth required section (relation
to the Agenda Legislativa and the Políticas de Estado del Acuerdo Nacional); sections of the
secretariat's own.

Revision ID: 0009
Revises: 0008
Created: 2026-12-01 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('motives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('more_sections', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('sumilla', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('proponent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('motives', schema=None) as batch_op:
        batch_op.drop_column('place')
        batch_op.drop_column('proponent')
        batch_op.drop_column('sumilla')
        batch_op.drop_column('more_sections')
        batch_op.drop_column('agenda')

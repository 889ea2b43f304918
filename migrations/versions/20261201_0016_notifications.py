"""notifications

Follows, the Novedades feed, each member's mail settings, the outbox of mail the worker
delivers, and the reminders sent before a consensus round closes.

Revision ID: 0016
Revises: 0015
Created: 2026-12-01 18:53:05.165221
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('object', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_follow_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow')),
    sa.UniqueConstraint('member_id', 'object', name=op.f('uq_follow_member_id_object'))
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_object'), ['object'], unique=False)

    op.create_table('mail_settings',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('decisions', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_mail_settings_member_id_member')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_mail_settings'))
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('decision', sa.Boolean(), nullable=False),
    sa.Column('event_seq', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_notification_draft_id_draft')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_notification_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('member_id', 'kind', 'event_seq', name=op.f('uq_notification_member_id_kind_event_seq'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_mailed_at'), ['mailed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_member_id'), ['member_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('unsubscribe_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_outbox_message_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_status'), ['status'], unique=False)

    op.create_table('round_reminder',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['consensus_round.id'], name=op.f('fk_round_reminder_round_id_consensus_round')),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_round_reminder'))
    )


def downgrade() -> None:
    op.drop_table('round_reminder')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_member_id'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_member_id'))
        batch_op.drop_index(batch_op.f('ix_notification_mailed_at'))

    op.drop_table('notification')
    op.drop_table('mail_settings')
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_object'))
        batch_op.drop_index(batch_op.f('ix_follow_member_id'))

    op.drop_table('follow')

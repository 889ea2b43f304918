"""Follows, notifications, each member's mail settings, and the outbox of mail to deliver."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, timestamp_field


def _when() -> datetime | None:
    return Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[no-any-return]


class Follow(SQLModel, table=True):
    """A member follows a draft, a clause or an amendment ("draft:slug", "provision:uid",
    "amendment:7"). Stopping keeps the row, so what they authored is not followed again
    automatically the next time they comment."""

    __table_args__ = (UniqueConstraint("member_id", "object"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    object: str = Field(max_length=120, index=True)
    automatic: bool = Field(default=False)
    created_at: datetime = created_at_field()
    stopped_at: datetime | None = _when()


class MailMode(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class MailSettings(SQLModel, table=True):
    """How a member hears by mail. Without a row: decisions on their own contributions at once,
    everything else in the daily digest, in Spanish."""

    __tablename__ = "mail_settings"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    email: str = Field(default=MailMode.DAILY, max_length=10)
    # Decisions on the member's own contributions: "immediate", or with the rest ("digest").
    decisions: str = Field(default=MailMode.IMMEDIATE, max_length=10)
    language: str = Field(default="es", max_length=5)
    last_digest_at: datetime | None = _when()


class Notification(SQLModel, table=True):
    """One thing a member is told, written in their language when it happened."""

    __table_args__ = (UniqueConstraint("member_id", "kind", "event_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(max_length=40)
    object: str = Field(default="", max_length=120)
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    # What digests group by within a draft: the clause's label and heading, or "".
    topic: str = Field(default="", max_length=600)
    text: str = Field(sa_type=Text)
    link: str = Field(max_length=500)
    # A decision on the member's own contribution (mailed at once unless they chose otherwise).
    decision: bool = Field(default=False)
    # The record's event it comes from: an event tells each member one thing of each kind once.
    event_seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = created_at_field()
    read_at: datetime | None = _when()
    # Set once it went out by mail, or once it was settled that it will not (mail off).
    mailed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), index=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after every retry; listed to admins


class OutboxMessage(SQLModel, table=True):
    """A mail written in the transaction of the change it tells about; the worker sends it.
    Its Message-ID is fixed here, so a resend after a crash is recognizably the same mail."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)  # notification, digest, invitation, password_reset, reminder
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=Text)
    body_html: str = Field(sa_type=Text)
    unsubscribe_url: str | None = Field(default=None, max_length=500)
    language: str = Field(default="es", max_length=5)
    status: str = Field(default=OutboxStatus.PENDING, max_length=10, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = timestamp_field()
    # A worker that took the message holds it until then; past it (a crash), another takes it.
    claimed_until: datetime | None = _when()
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = _when()


class RoundReminder(SQLModel, table=True):
    """A consensus round whose closing reminder went out (once per round)."""

    __tablename__ = "round_reminder"

    round_id: int = Field(foreign_key="consensus_round.id", primary_key=True)
    sent_at: datetime = created_at_field()

"""Working-group sessions (called meetings here: app/members has sign-in sessions): the agenda,
who attended, the decisions taken in the room, and the acta."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.i18n import _
from app.core.models import created_at_field, timestamp_field


class MeetingStatus(StrEnum):
    CONVENED = "convocada"
    IN_PROGRESS = "en_curso"
    CONCLUDED = "concluida"


def status_names() -> dict[str, str]:
    return {
        MeetingStatus.CONVENED: _("Convened"),
        MeetingStatus.IN_PROGRESS: _("In progress"),
        MeetingStatus.CONCLUDED: _("Concluded"),
    }


class Outcome(StrEnum):
    AGREEMENT = "acuerdo"
    AGREEMENT_WITH_RESERVATIONS = "acuerdo_con_reservas"
    NO_AGREEMENT = "sin_acuerdo"
    POSTPONED = "postergado"


def outcome_names() -> dict[str, str]:
    return {
        Outcome.AGREEMENT: _("Agreement"),
        Outcome.AGREEMENT_WITH_RESERVATIONS: _("Agreement with reservations"),
        Outcome.NO_AGREEMENT: _("No agreement"),
        Outcome.POSTPONED: _("Postponed"),
    }


class Meeting(SQLModel, table=True):
    """One session of the working group on a draft, numbered per draft (the 3rd session)."""

    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    number: int
    title: str = Field(max_length=200)
    starts_at: datetime = timestamp_field()
    place: str = Field(max_length=500)  # a room, or a video link
    status: str = Field(default=MeetingStatus.CONVENED, max_length=20)
    convened_by_id: int = Field(foreign_key="member.id")
    created_at: datetime = created_at_field()
    started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    concluded_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # The acta as the secretariat edited it; None: the generated text is shown.
    minutes_text: str | None = Field(default=None, sa_type=Text)
    minutes_edited_by_id: int | None = Field(default=None, foreign_key="member.id")
    minutes_edited_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Approved by a decision of a later session (the next one).
    minutes_approved_in_id: int | None = Field(default=None, foreign_key="meeting.id")
    minutes_approved_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class MeetingItem(SQLModel, table=True):
    """One point of the agenda, in order: a clause to discuss, or an amendment."""

    __tablename__ = "meeting_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    provision_id: int | None = Field(default=None, foreign_key="provision.id")
    amendment_id: int | None = Field(default=None, foreign_key="amendment.id")


class MeetingAttendance(SQLModel, table=True):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id")


class MeetingDecision(SQLModel, table=True):
    """What the session decided on an agenda item, or on approving an earlier session's acta."""

    __tablename__ = "meeting_decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    # One decision per item: the unique constraint stands behind it, whatever races to it.
    item_id: int | None = Field(default=None, foreign_key="meeting_item.id", unique=True)
    approves_id: int | None = Field(default=None, foreign_key="meeting.id")  # its acta
    outcome: str = Field(max_length=30)
    text: str = Field(sa_type=Text)  # reservations recorded verbatim
    # An amendment accepted in session: the version it produced.
    result_version: int | None = None
    amendment_status: str | None = Field(default=None, max_length=20)
    decided_by_id: int = Field(foreign_key="member.id")
    decided_at: datetime = created_at_field()

"""Where a contribution came from when it did not come through Mesa, and how the secretariat
disposed of what it received."""

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.core.i18n import _
from app.core.models import created_at_field


class Channel(StrEnum):
    MESA = "mesa"  # typed in by a member: no receipt
    EMAIL = "email"
    FRONT_DESK = "front_desk"  # mesa de partes: a letter or a form handed in
    WORKSHOP = "workshop"


def channel_names() -> dict[str, str]:
    return {
        Channel.MESA: _("Mesa"),
        Channel.EMAIL: _("E-mail"),
        Channel.FRONT_DESK: _("Front desk"),
        Channel.WORKSHOP: _("Workshop"),
    }


class Disposition(StrEnum):
    """What the secretariat made of a contribution, as the matriz de aportes says it."""

    ACCEPTED = "accepted"
    PARTIALLY = "partially"
    NOT_ACCEPTED = "not_accepted"
    OUT_OF_SCOPE = "out_of_scope"


def disposition_names() -> dict[str, str]:
    return {
        Disposition.ACCEPTED: _("Taken up"),
        Disposition.PARTIALLY: _("Partly taken up"),
        Disposition.NOT_ACCEPTED: _("Not taken up"),
        Disposition.OUT_OF_SCOPE: _("Outside the law's scope"),
    }


class Receipt(SQLModel, table=True):
    """A contribution received through another channel, entered by the secretariat: who sent
    it (unless they asked for their name to be reserved) and when it arrived."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    channel: str = Field(max_length=20)
    contributor: str = Field(max_length=200)
    organization: str = Field(default="", max_length=200)
    sector: str = Field(max_length=30)
    region: str = Field(max_length=40)
    # The contributor asked that their name not be published: documents say "reservado".
    reserved: bool = Field(default=False)
    received_on: date
    # Gathered in a regional workshop: credited to the workshop, never to its participants.
    workshop_id: int | None = Field(default=None, foreign_key="workshop.id", index=True)
    entered_by_id: int = Field(foreign_key="member.id")
    created_at: datetime = created_at_field()
